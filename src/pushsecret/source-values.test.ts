import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { entryValue, MissingKeyError, reverseKeys, sourceDataOf, wholeSecretJson } from "./source-values.ts";

const data = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [k, new TextEncoder().encode(v)]));
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe("entryValue (ESO esutils.ExtractSecretData)", () => {
  test("one key's bytes", () => assert.equal(dec(entryValue(data({ a: "1", b: "2" }), "b")), "2"));
  test("an empty value is a value", () => assert.equal(entryValue(data({ a: "" }), "a").length, 0));
  test("a missing key names the key", () => assert.throws(() => entryValue(data({ a: "1" }), "b"), new MissingKeyError("secret key b does not exist")));
  test("no secretKey: the whole Secret as JSON of strings, keys sorted, HTML not escaped", () => {
    assert.equal(dec(entryValue(data({ b: "<2>", a: 'x"y' }), undefined)), `{"a":"x\\"y","b":"<2>"}`);
  });
});

describe("wholeSecretJson", () => {
  const cases: Array<[string, Record<string, string>, "decoded" | "base64", string]> = [
    ["empty", {}, "decoded", "{}"],
    ["base64 values (Go's []byte)", { a: "hi" }, "base64", `{"a":"aGk="}`],
    ["decoded: newline and tab escaped, & kept", { k: "a\n\t&" }, "decoded", `{"k":"a\\n\\t&"}`],
    ["decoded: U+2028 escaped", { k: "\u2028" }, "decoded", `{"k":"\\u2028"}`],
  ];
  for (const [name, input, mode, expected] of cases) test(name, () => assert.equal(dec(wholeSecretJson(data(input), mode)), expected));
});

describe("reverseKeys (ESO ReverseUnicode)", () => {
  test("_UXXXX_ sequences become the characters", () => assert.deepEqual([...reverseKeys(data({ "a_U0040_b": "1", plain: "2" }), "ReverseUnicode").keys()], ["a@b", "plain"]));
  test("None leaves keys alone", () => assert.deepEqual([...reverseKeys(data({ "a_U0040_b": "1" }), "None").keys()], ["a_U0040_b"]));
});

test("sourceDataOf decodes .data", () => assert.equal(dec(sourceDataOf({ data: { k: Buffer.from("v").toString("base64") } }).get("k")!), "v"));
