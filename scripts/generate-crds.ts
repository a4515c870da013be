// `npm run generate:crds`: writes deploy/crds/*.yaml from the zod schemas in src/apis (ADR 0002).
// src/apis/crds.test.ts fails when the committed files drift from what this writes.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_SIDE_APPLY_LIMIT, renderCrdFiles } from "../src/apis/crds.ts";

const outDir = join(import.meta.dirname, "..", "deploy", "crds");
mkdirSync(outDir, { recursive: true });
const files = renderCrdFiles();
// Remove CRDs that are no longer generated, so a renamed kind does not leave a stale file behind.
for (const existing of readdirSync(outDir)) {
  if ((existing.startsWith("external-secrets.io_") || existing.startsWith("generators.external-secrets.io_")) && !files.has(existing)) rmSync(join(outDir, existing));
}
for (const [name, yaml] of files) {
  const bytes = Buffer.byteLength(yaml);
  if (bytes >= CLIENT_SIDE_APPLY_LIMIT) {
    throw new Error(`${name} is ${bytes} bytes: too large for client-side kubectl apply (limit ${CLIENT_SIDE_APPLY_LIMIT})`);
  }
  writeFileSync(join(outDir, name), yaml);
  console.log(`deploy/crds/${name}: ${bytes} bytes`);
}
