import assert from "node:assert/strict";
import { test } from "node:test";
import { gjsonCases } from "./gjson.cases.ts";
import { GjsonUnsupportedError } from "./errors.ts";
import { gjsonGet } from "./get.ts";

const asBytes = (v: string | Uint8Array): Uint8Array => (typeof v === "string" ? new Uint8Array(Buffer.from(v, "utf8")) : v);

for (const c of gjsonCases) {
  test(`gjson: ${c.name} (${JSON.stringify(c.path)})`, () => {
    if (c.want === "unsupported") {
      assert.throws(() => gjsonGet(c.json, c.path), GjsonUnsupportedError);
      return;
    }
    const r = gjsonGet(c.json, c.path);
    if (c.want === "not found") {
      assert.equal(r.exists, false);
      return;
    }
    assert.equal(r.exists, true);
    assert.equal(r.type, c.want.type);
    assert.deepEqual(r.valueBytes, asBytes(c.want.value));
  });
}

test("gjson: raw text of a string keeps its quotes and escapes", () => {
  const r = gjsonGet(String.raw`{"a" : "x\ty" }`, "a");
  assert.equal(r.raw, String.raw`"x\ty"`);
  assert.equal(r.value, "x\ty");
});

test("gjson: bytes and text input agree", () => {
  const json = `{"k":{"v":"é"}}`;
  assert.deepEqual(gjsonGet(new TextEncoder().encode(json), "k.v"), gjsonGet(json, "k.v"));
});
