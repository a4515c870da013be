import assert from "node:assert/strict";
import { test } from "node:test";
import { ExtractError, extractJsonObject } from "./extract.ts";
import { extractCases } from "./transform.cases.ts";

const bytes = (v: string | Uint8Array): Uint8Array => (typeof v === "string" ? new Uint8Array(Buffer.from(v, "utf8")) : v);

for (const c of extractCases) {
  test(`extractJsonObject: ${c.name}`, () => {
    if (c.want === "error") {
      assert.throws(() => extractJsonObject(bytes(c.payload)), ExtractError);
      return;
    }
    const got = extractJsonObject(bytes(c.payload));
    assert.deepEqual(
      Object.fromEntries(got),
      Object.fromEntries(Object.entries(c.want).map(([k, v]) => [k, bytes(v)])),
    );
  });
}

const messageCases = [
  { name: "end of input", payload: `{"a":`, want: "unexpected end of JSON input" },
  { name: "bad start", payload: `x`, want: "invalid character 'x' looking for beginning of value" },
  { name: "not an object", payload: `[1]`, want: "json: cannot unmarshal array into Go value of type map[string]json.RawMessage" },
  { name: "after value", payload: `{"a":1}}`, want: "invalid character '}' after top-level value" },
];

for (const c of messageCases) {
  test(`extractJsonObject message: ${c.name}`, () => {
    assert.throws(() => extractJsonObject(bytes(c.payload)), { name: "ExtractError", message: c.want });
  });
}
