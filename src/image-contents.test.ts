// What ships in Ferry's image (deploy/image/spec.json): the generated Dockerfile and .dockerignore are up to
// date, test-only code is left out, and nothing that ships imports anything left out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { dockerfile, dockerignore, isShipped, loadImageSpec, repoRoot, shippedFiles } from "../scripts/image-spec.ts";

const spec = loadImageSpec();

test("Dockerfile and .dockerignore are generated from deploy/image/spec.json (npm run generate:image)", () => {
  assert.equal(readFileSync(join(repoRoot, "Dockerfile"), "utf8"), dockerfile(spec));
  assert.equal(readFileSync(join(repoRoot, ".dockerignore"), "utf8"), dockerignore(spec));
});

test("test-only code does not ship", () => {
  const cases: Array<{ path: string; shipped: boolean }> = [
    { path: "src/cli/main.ts", shipped: true },
    { path: "src/mount/v1alpha1.proto", shipped: true },
    { path: "package.json", shipped: true },
    { path: "src/mount/pod-token.test.ts", shipped: false },
    { path: "src/providers/fake-kube-access.ts", shipped: false },
    { path: "src/providers/aws/auth/fake-sts.ts", shipped: false },
    { path: "src/apis/testing/builders.ts", shipped: false },
    { path: "src/write-through/testing/fixtures.ts", shipped: false },
    { path: "src/runtime/webhook/test-certificates.ts", shipped: false },
    { path: "test/env/index.ts", shipped: false },
    { path: "node_modules/yaml/package.json", shipped: false },
  ];
  for (const c of cases) assert.equal(isShipped(spec, c.path), c.shipped, c.path);
  const files = shippedFiles(spec);
  assert.ok(files.includes("src/cli/main.ts"));
  assert.deepEqual(files.filter((f) => /\.test\.ts$|\/fake-|\/testing\/|test-certificates/.test(f)), []);
});

test("no shipped file imports a file that does not ship", () => {
  const problems: string[] = [];
  for (const file of shippedFiles(spec).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(repoRoot, file), "utf8");
    // Type-only imports are erased by type stripping, so they may name test-only files; runtime ones may not.
    const specifiers = [
      ...[...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!),
      ...[...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!),
    ];
    for (const specifier of specifiers.filter((s) => s.startsWith("."))) {
      const target = relative(repoRoot, resolve(dirname(join(repoRoot, file)), specifier));
      if (!existsSync(join(repoRoot, target)) || !isShipped(spec, target)) problems.push(`${file} imports ${specifier} (${target}), which is not in the image`);
    }
  }
  assert.deepEqual(problems, []);
});
