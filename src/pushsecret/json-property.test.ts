import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { encodeSjsonString, NOT_JSON_MESSAGE, parsePropertyPath, PropertyPathError, setJsonProperty } from "./json-property.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe("setJsonProperty (sjson.SetBytes with a []byte value, as ESO's Secrets Manager PushSecret)", () => {
  const cases: Array<[string, string | undefined, string, string, string]> = [
    ["a new secret", undefined, "user", "u", `{"user":"u"}`],
    ["a new secret, nested path", undefined, "db.user", "u", `{"db":{"user":"u"}}`],
    ["an escaped dot is one key", undefined, "a\\.b", "v", `{"a.b":"v"}`],
    ["appended at the end of the object", `{"a":"1"}`, "b", "2", `{"a":"1","b":"2"}`],
    ["an existing key keeps its place", `{"a":"1","b":"2"}`, "a", "x", `{"a":"x","b":"2"}`],
    ["a non-string value is replaced by a string", `{"a":1,"b":true}`, "a", "x", `{"a":"x","b":true}`],
    ["into an existing nested object", `{"db":{"user":"u"},"z":0}`, "db.pass", "p", `{"db":{"user":"u","pass":"p"},"z":0}`],
    ["missing parents are created", `{"x":"1"}`, "db.auth.pass", "p", `{"x":"1","db":{"auth":{"pass":"p"}}}`],
    ["an empty object", `{}`, "a", "1", `{"a":"1"}`],
    ["whitespace is kept", `{ "a" : "1" }`, "a", "2", `{ "a" : "2" }`],
    ["quotes and backslashes are escaped as Go does", undefined, "k", `a"b\\c`, `{"k":"a\\"b\\\\c"}`],
    ["HTML characters stay when nothing needs escaping", undefined, "k", "<a&b>", `{"k":"<a&b>"}`],
    ["HTML characters are escaped once json.Marshal runs", undefined, "k", "<é>", `{"k":"\\u003cé\\u003e"}`],
    ["control characters", undefined, "k", "a\nb\u0001", `{"k":"a\\nb\\u0001"}`],
  ];
  for (const [name, doc, property, value, expected] of cases) {
    test(name, () => assert.equal(dec(setJsonProperty(doc === undefined ? undefined : enc(doc), property, enc(value))), expected));
  }

  test("a current value that is not JSON is refused with ESO's message", () => {
    assert.throws(() => setJsonProperty(enc("plain text"), "a", enc("v")), { message: NOT_JSON_MESSAGE });
  });

  test("setting inside a JSON value that is not an object is refused", () => {
    assert.throws(() => setJsonProperty(enc(`{"a":"s"}`), "a.b", enc("v")), PropertyPathError);
  });
});

describe("parsePropertyPath", () => {
  const refused = ["a.0", "a.-1", "a.*", "a..b", "#", "a|b", "@this", ""];
  for (const path of refused) test(`refuses ${JSON.stringify(path)}`, () => assert.throws(() => parsePropertyPath(path), PropertyPathError));
  test("splits on unescaped dots", () => assert.deepEqual(parsePropertyPath("a.b\\.c.d"), ["a", "b.c", "d"]));
});

describe("encodeSjsonString", () => {
  test("invalid UTF-8 becomes U+FFFD, as Go's json.Marshal", () => assert.equal(encodeSjsonString(new Uint8Array([0x61, 0xff])), `"a\uFFFD"`));
  test("U+2028 is escaped", () => assert.equal(encodeSjsonString(enc("a\u2028")), `"a\\u2028"`));
});
