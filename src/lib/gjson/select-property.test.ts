import assert from "node:assert/strict";
import { test } from "node:test";
import { propertyCases } from "./select-property.cases.ts";
import { effectivePropertyPath, selectProperty } from "./select-property.ts";

for (const c of propertyCases) {
  test(`selectProperty: ${c.name} (${JSON.stringify(c.property)})`, () => {
    const r = selectProperty(c.payload, c.property);
    if (c.want === null) {
      assert.deepEqual(r, { found: false });
      return;
    }
    assert.ok(r.found);
    const want = typeof c.want === "string" ? new Uint8Array(Buffer.from(c.want, "utf8")) : c.want;
    assert.deepEqual(r.bytes, want);
    if (typeof c.want === "string") assert.equal(r.value, c.want);
  });
}

const pathCases = [
  { name: "no dots: unchanged", payload: `{"a":1}`, property: "a", want: "a" },
  { name: "literal key exists: escaped", payload: `{"a.b":1}`, property: "a.b", want: "a\\.b" },
  { name: "no literal key: unchanged", payload: `{"a":{"b":1}}`, property: "a.b", want: "a.b" },
];

for (const c of pathCases) {
  test(`effectivePropertyPath: ${c.name}`, () => {
    assert.equal(effectivePropertyPath(c.payload, c.property), c.want);
  });
}
