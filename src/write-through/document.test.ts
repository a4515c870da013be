import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { decodeDocument, encodeDocument } from "./document.ts";

const enc = (s: string) => new TextEncoder().encode(s);

describe("encodeDocument / decodeDocument", () => {
  test("text values stay readable, sorted; any binary value switches the whole document to base64; both round-trip", () => {
    const cases: Array<{ name: string; values: Map<string, Uint8Array>; encoding: string; json: string }> = [
      { name: "text", values: new Map([["b", enc("2")], ["a", enc("é ✓")]]), encoding: "text", json: '{"a":"é ✓","b":"2"}' },
      { name: "empty", values: new Map(), encoding: "text", json: "{}" },
      { name: "empty value", values: new Map([["a", enc("")]]), encoding: "text", json: '{"a":""}' },
      { name: "binary", values: new Map([["k", new Uint8Array([0xff, 0])], ["t", enc("x")]]), encoding: "base64", json: '{"k":"/wA=","t":"eA=="}' },
    ];
    for (const c of cases) {
      const doc = encodeDocument(c.values);
      assert.equal(doc.encoding, c.encoding, c.name);
      assert.equal(new TextDecoder().decode(doc.bytes), c.json, c.name);
      const back = decodeDocument(doc.bytes, doc.encoding);
      assert.deepEqual([...back].map(([k, v]) => [k, Buffer.from(v).toString("hex")]).sort(), [...c.values].map(([k, v]) => [k, Buffer.from(v).toString("hex")]).sort(), c.name);
    }
  });

  test("decoding something Ferry did not write fails without quoting it", () => {
    for (const bad of ['{"a": 1}', "[1]", "hunter2-not-json"]) {
      assert.throws(() => decodeDocument(enc(bad), "text"), (err: Error) => !err.message.includes("hunter2"));
    }
  });
});
