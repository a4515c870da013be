import { test } from "node:test";
import assert from "node:assert/strict";
import { validateObject } from "./validate-command.ts";

// Which documents `ferry validate` checks, refuses or passes by: nothing of ESO's own group is passed by.
const cases: Array<{ name: string; doc: Record<string, unknown>; errors: RegExp | null; skipped: boolean }> = [
  { name: "a ConfigMap is not Ferry's business", doc: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }, errors: null, skipped: true },
  { name: "another group's kind is skipped", doc: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } }, errors: null, skipped: true },
  { name: "an ESO kind Ferry does not serve is an error", doc: { apiVersion: "external-secrets.io/v1", kind: "ClusterProviderClass", metadata: { name: "x" } }, errors: /kind: Unsupported value: "ClusterProviderClass"/, skipped: false },
  { name: "a misspelt ESO kind is an error", doc: { apiVersion: "external-secrets.io/v1", kind: "ExternalSecrets", metadata: { name: "x" } }, errors: /kinds Ferry serves: ExternalSecret, /, skipped: false },
];
for (const c of cases) {
  test(`validate: ${c.name}`, () => {
    const report = validateObject("f:0", c.doc);
    assert.equal(report.skipped !== undefined, c.skipped);
    if (c.errors) assert.match(report.errors.join("\n"), c.errors);
    else assert.deepEqual(report.errors, []);
  });
}
