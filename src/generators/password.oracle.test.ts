// Ferry's Password generator against ESO's own (pkg/generator/password on sethvargo/go-password, run by the
// Go oracle): the same error for the same spec, and the same shape (length, class counts, alphabet,
// repeats, encoding) for every spec both accept. Values are random on both sides, so shapes are compared.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { test } from "node:test";
import { goAvailable, runOracle, unb64 } from "../../tools/oracle/index.ts";
import { PasswordSpecSchema } from "../apis/generators.ts";
import { generatePassword } from "./password.ts";

const skip = (await goAvailable()) ? false : "no Go toolchain on PATH";

const SPECS: Array<Record<string, unknown>> = [
  {},
  { length: 0 },
  { length: 10 },
  { length: 7 },
  { length: 64, allowRepeat: true },
  { length: 30, noUpper: true },
  { length: 12, digits: 0, symbols: 0 },
  { length: 12, digits: 12, symbols: 0 },
  { length: 20, digits: 10, symbols: 0 },
  { length: 20, digits: 11, symbols: 0 },
  { length: 60, digits: 0, symbols: 0 },
  { length: 10, digits: 8, symbols: 3 },
  { length: 10, symbols: 3, symbolCharacters: "#%" },
  { length: 10, symbols: 2, symbolCharacters: "#%" },
  { length: 10, symbols: 4, symbolCharacters: "" },
  { length: 16, digits: -2 },
  { length: 24, encoding: "hex" },
  { length: 24, encoding: "base64" },
  { length: 24, encoding: "base64url" },
  { length: 24, encoding: "base32" },
];

const ours = (spec: Record<string, unknown>): { ok: true; value: string } | { ok: false; error: string } => {
  try {
    return { ok: true, value: Buffer.from(generatePassword(PasswordSpecSchema.parse(spec), (max) => randomInt(max))).toString("latin1") };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
};

/** What must agree between two random draws of one spec. */
function shape(password: string, spec: Record<string, unknown>): string {
  const encoding = spec.encoding;
  const raw = encoding === "hex" ? Buffer.from(password, "hex").toString("latin1") : encoding === "base64" || encoding === "base64url" ? Buffer.from(password, "base64").toString("latin1") : password;
  // Letters are drawn from lower and upper together: only their sum, and whether upper occurs, is fixed.
  const classes = { letters: /[a-zA-Z]/g, digit: /[0-9]/g, other: /[^a-zA-Z0-9]/g };
  const counts = [...Object.entries(classes).map(([k, re]) => `${k}=${(raw.match(re) ?? []).length}`)];
  // Random either way otherwise: only the rules are compared (no repeats, no upper case).
  if (spec.allowRepeat !== true) counts.push(`repeats=${new Set(raw).size < raw.length}`);
  if (spec.noUpper === true) counts.push(`upper=${/[A-Z]/.test(raw)}`);
  return `encoded=${password.length} raw=${encoding === "base32" ? "-" : raw.length} ${encoding === "base32" ? "" : counts.join(" ")}`;
}

test("Password: ESO's errors and output shape for each spec", { skip }, async () => {
  const responses = await runOracle(SPECS.map((spec) => ({ op: "generate", generator: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "Password", metadata: { name: "p" }, spec } })));
  const differences: string[] = [];
  for (const [i, spec] of SPECS.entries()) {
    const eso = responses[i]!;
    const mine = ours(spec);
    const label = JSON.stringify(spec);
    if (eso.error !== undefined || !mine.ok) {
      if (eso.error !== (mine.ok ? undefined : mine.error)) differences.push(`${label}: ESO ${eso.error ?? "ok"}, Ferry ${mine.ok ? "ok" : mine.error}`);
      continue;
    }
    const theirs = Buffer.from(unb64(eso.map?.password)).toString("latin1");
    const a = shape(theirs, spec);
    const b = shape(mine.value, spec);
    if (a !== b) differences.push(`${label}: ESO ${a}, Ferry ${b}`);
  }
  assert.deepEqual(differences, []);
});

test("UUID: ESO's key and format", { skip }, async () => {
  const [eso] = await runOracle([{ op: "generate", generator: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "UUID", metadata: { name: "u" } } }]);
  assert.deepEqual(Object.keys(eso!.map ?? {}), ["uuid"]);
  assert.match(Buffer.from(unb64(eso!.map!.uuid)).toString(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
