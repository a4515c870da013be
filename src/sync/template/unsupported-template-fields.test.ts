import assert from "node:assert/strict";
import { test } from "node:test";
import { unsupportedTargetFields } from "./unsupported-template-fields.ts";

const cases: Array<{ name: string; target: Record<string, unknown>; paths: string[] }> = [
  { name: "a plain template", target: { template: { data: { a: "{{ .a }}" }, templateFrom: [{ literal: "b: c", target: "Labels" }] } }, paths: [] },
  { name: "target.manifest", target: { manifest: { apiVersion: "v1", kind: "ConfigMap" } }, paths: ["spec.target.manifest"] },
  { name: "a templateFrom target that is not a Secret field", target: { template: { templateFrom: [{ literal: "a: b", target: "spec.x" }] } }, paths: ["spec.target.template.templateFrom[0].target"] },
  { name: "valuesDecodingStrategy Base64", target: { template: { templateFrom: [{ literal: "a: b", target: "Data", valuesDecodingStrategy: "Base64" }] } }, paths: ["spec.target.template.templateFrom[0].valuesDecodingStrategy"] },
  { name: "valuesDecodingStrategy Auto", target: { template: { templateFrom: [{ literal: "a: b", target: "Data", valuesDecodingStrategy: "Auto" }] } }, paths: ["spec.target.template.templateFrom[0].valuesDecodingStrategy"] },
  // None renders values as they are, which is Ferry's behaviour: accepted (ESO CRDs that defaulted it wrote it).
  { name: "valuesDecodingStrategy None", target: { template: { templateFrom: [{ literal: "a: b", target: "Data", valuesDecodingStrategy: "None" }] } }, paths: [] },
];

for (const c of cases) {
  test(`unsupported target fields: ${c.name}`, () => {
    const spec = { target: c.target } as unknown as Parameters<typeof unsupportedTargetFields>[0];
    assert.deepEqual(unsupportedTargetFields(spec).map((u) => u.path), c.paths);
  });
}
