/**
 * Case tables for the value transforms. Expectations are ESO's answers (the oracle test runs every case
 * through ESO's own Go code and Go's regexp and checks both sides); the unit tests check Ferry.
 */

const u8 = (...parts: Array<string | number[]>): Uint8Array =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p)))));

// ---------------------------------------------------------------------------------------------------
// decodingStrategy

export interface DecodeCase {
  name: string;
  strategy: string;
  input: string | Uint8Array;
  /** Decoded bytes, or an error message. */
  want: string | Uint8Array | { error: string };
}

export const decodeCases: DecodeCase[] = [
  { name: "none keeps bytes", strategy: "None", input: "aGVsbG8=", want: "aGVsbG8=" },
  { name: "empty strategy keeps bytes", strategy: "", input: "aGVsbG8=", want: "aGVsbG8=" },
  { name: "base64", strategy: "Base64", input: "aGVsbG8=", want: "hello" },
  { name: "base64 two pads", strategy: "Base64", input: "YQ==", want: "a" },
  { name: "base64 empty", strategy: "Base64", input: "", want: "" },
  { name: "base64 without padding fails", strategy: "Base64", input: "aGVsbG8", want: { error: "illegal base64 data at input byte 4" } },
  { name: "base64 newline ignored", strategy: "Base64", input: "aGVs\nbG8=\r\n", want: "hello" },
  { name: "base64 space fails", strategy: "Base64", input: "aGVs bG8=", want: { error: "illegal base64 data at input byte 4" } },
  { name: "base64 url alphabet fails", strategy: "Base64", input: "-_8=", want: { error: "illegal base64 data at input byte 0" } },
  { name: "base64 binary output", strategy: "Base64", input: "+/8=", want: u8([0xfb, 0xff]) },
  { name: "base64 non-zero trailing bits accepted", strategy: "Base64", input: "YR==", want: "a" },
  { name: "base64 data after padding fails", strategy: "Base64", input: "YQ==YQ==", want: { error: "illegal base64 data at input byte 4" } },
  { name: "base64 single pad where two needed", strategy: "Base64", input: "YQ=", want: { error: "illegal base64 data at input byte 3" } },
  { name: "base64 newline between pads", strategy: "Base64", input: "YQ=\n=", want: "a" },
  { name: "base64 pad too early", strategy: "Base64", input: "Y===", want: { error: "illegal base64 data at input byte 1" } },
  { name: "base64 lone pad", strategy: "Base64", input: "=", want: { error: "illegal base64 data at input byte 0" } },
  { name: "base64 one char", strategy: "Base64", input: "Y", want: { error: "illegal base64 data at input byte 0" } },
  { name: "base64 long input", strategy: "Base64", input: "VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZw==", want: "The quick brown fox jumps over the lazy dog" },
  { name: "base64 garbage at the end of a long input", strategy: "Base64", input: "VGhlIHF1aWNrIGJyb3du!", want: { error: "illegal base64 data at input byte 20" } },
  { name: "base64url", strategy: "Base64URL", input: "-_8=", want: u8([0xfb, 0xff]) },
  { name: "base64url rejects std alphabet", strategy: "Base64URL", input: "+/8=", want: { error: "illegal base64 data at input byte 0" } },
  { name: "base64url needs padding", strategy: "Base64URL", input: "-_8", want: { error: "illegal base64 data at input byte 0" } },
  { name: "auto std", strategy: "Auto", input: "aGVsbG8=", want: "hello" },
  { name: "auto url", strategy: "Auto", input: "-_8=", want: u8([0xfb, 0xff]) },
  { name: "auto falls back to raw", strategy: "Auto", input: "not base64!", want: "not base64!" },
  { name: "auto unpadded stays raw", strategy: "Auto", input: "aGVsbG8", want: "aGVsbG8" },
  { name: "auto decodes a word that happens to be base64", strategy: "Auto", input: "test", want: u8([0xb5, 0xeb, 0x2d]) },
  { name: "auto binary input stays raw", strategy: "Auto", input: u8([0xff, 0x00, 0x01]), want: u8([0xff, 0x00, 0x01]) },
  { name: "unknown strategy", strategy: "Hex", input: "00", want: { error: "decoding strategy Hex is not supported" } },
];

// ---------------------------------------------------------------------------------------------------
// conversionStrategy

export interface ConvertCase {
  name: string;
  strategy: string;
  keys: string[];
  /** Converted key for each input key (same order), or the collision error. */
  want: string[] | { error: string };
}

export const convertCases: ConvertCase[] = [
  { name: "default slash", strategy: "Default", keys: ["a/b"], want: ["a_b"] },
  { name: "unicode slash", strategy: "Unicode", keys: ["a/b"], want: ["a_U002f_b"] },
  { name: "allowed characters kept", strategy: "Default", keys: ["x.y-z_0"], want: ["x.y-z_0"] },
  { name: "letters of any script kept", strategy: "Default", keys: ["é日本ключ"], want: ["é日本ключ"] },
  { name: "numbers of any script kept", strategy: "Unicode", keys: ["٣Ⅻ½"], want: ["٣Ⅻ½"] },
  { name: "default space and symbols", strategy: "Default", keys: ["a b:c@d"], want: ["a_b_c_d"] },
  { name: "unicode space and symbols", strategy: "Unicode", keys: ["a b:c@d"], want: ["a_U0020_b_U003a_c_U0040_d"] },
  { name: "unicode emoji has five digits", strategy: "Unicode", keys: ["k😀"], want: ["k_U1f600_"] },
  { name: "default emoji", strategy: "Default", keys: ["k😀"], want: ["k_"] },
  { name: "unicode control char", strategy: "Unicode", keys: ["a\tb"], want: ["a_U0009_b"] },
  { name: "combining mark is no letter", strategy: "Unicode", keys: ["e\u0301"], want: ["e_U0301_"] },
  { name: "several keys", strategy: "Default", keys: ["db/user", "db/pass", "plain"], want: ["db_user", "db_pass", "plain"] },
  { name: "collision fails", strategy: "Default", keys: ["a/b", "a:b"], want: { error: "secret name collision during conversion: a_b" } },
  { name: "no collision with unicode", strategy: "Unicode", keys: ["a/b", "a:b"], want: ["a_U002f_b", "a_U003a_b"] },
  { name: "empty key", strategy: "Default", keys: [""], want: [""] },
];

// ---------------------------------------------------------------------------------------------------
// dataFrom.extract (GetSecretMap)

export interface ExtractCase {
  name: string;
  payload: string | Uint8Array;
  /** Key -> value, or that ESO fails (the message is Go's and not compared). */
  want: Record<string, string | Uint8Array> | "error";
}

export const extractCases: ExtractCase[] = [
  {
    name: "value kinds",
    payload: `{"a":"x","b":1,"c":true,"d":null,"e":{"f": [1, 2]},"g":[ ],"h":1e3,"i":"\\u00e9\\n","j":-0.50}`,
    want: { a: "x", b: "1", c: "true", d: "", e: `{"f": [1, 2]}`, g: "[ ]", h: "1e3", i: "é\n", j: "-0.50" },
  },
  { name: "whitespace around", payload: ` \n{ "a" : "x" , "b" : [1,2] }\t`, want: { a: "x", b: "[1,2]" } },
  { name: "duplicate key keeps the last", payload: `{"a":1,"a":2}`, want: { a: "2" } },
  { name: "empty object", payload: `{}`, want: {} },
  { name: "null document is empty", payload: `null`, want: {} },
  { name: "array fails", payload: `[1,2]`, want: "error" },
  { name: "string fails", payload: `"str"`, want: "error" },
  { name: "number fails", payload: `12`, want: "error" },
  { name: "bool fails", payload: `true`, want: "error" },
  { name: "empty payload fails", payload: ``, want: "error" },
  { name: "not JSON fails", payload: `password123`, want: "error" },
  { name: "missing value fails", payload: `{"a":}`, want: "error" },
  { name: "trailing garbage fails", payload: `{"a":1} x`, want: "error" },
  { name: "trailing comma fails", payload: `{"a":1,}`, want: "error" },
  { name: "single quotes fail", payload: `{'a':1}`, want: "error" },
  { name: "leading zero fails", payload: `{"a":01}`, want: "error" },
  { name: "bad escape fails", payload: `{"a":"\\x"}`, want: "error" },
  { name: "raw control char fails", payload: `{"a":"x\ty"}`, want: "error" },
  { name: "truncated fails", payload: `{"a":"x"`, want: "error" },
  { name: "NaN fails", payload: `{"a":NaN}`, want: "error" },
  { name: "big number kept as written", payload: `{"n":123456789012345678901234567890}`, want: { n: "123456789012345678901234567890" } },
  { name: "escaped key", payload: `{"k\\u00e9y":"v","a\\/b":"w"}`, want: { kéy: "v", "a/b": "w" } },
  { name: "lone surrogate replaced", payload: `{"a":"\\ud800x","b":"\\udc00\\ud800"}`, want: { a: "\ufffdx", b: "\ufffd\ufffd" } },
  { name: "surrogate pair decoded", payload: `{"a":"\\ud83d\\ude00"}`, want: { a: "😀" } },
  { name: "high surrogate then non-surrogate escape", payload: `{"a":"\\ud83d\\u0041"}`, want: { a: "\ufffdA" } },
  { name: "nested raw keeps escapes", payload: `{"a":{"k":"\\u00e9"}}`, want: { a: `{"k":"\\u00e9"}` } },
  { name: "unicode key and value", payload: `{"ключ":"значение"}`, want: { ключ: "значение" } },
  {
    name: "invalid UTF-8 in a string becomes U+FFFD",
    payload: u8(`{"a":"x`, [0xff], `y","b":["`, [0xfe], `"]}`),
    want: { a: "x\ufffdy", b: u8(`["`, [0xfe], `"]`) },
  },
  { name: "truncated UTF-8 sequence", payload: u8(`{"a":"`, [0xe2, 0x82], `"}`), want: { a: "\ufffd\ufffd" } },
  { name: "deep nesting is raw", payload: `{"a":[[[[{"b":[null]}]]]]}`, want: { a: `[[[[{"b":[null]}]]]]` } },
];

// ---------------------------------------------------------------------------------------------------
// dataFrom.rewrite

export interface RewriteCase {
  name: string;
  keys: string[];
  rewrites: unknown[];
  /** New key -> original key, "error", or "unsupported" (Ferry refuses; ESO answers). */
  want: Record<string, string> | "error" | "unsupported";
}

export const rewriteCases: RewriteCase[] = [
  { name: "prefix rename", keys: ["db-user", "db-pass", "other"], rewrites: [{ regexp: { source: "^db-", target: "DB_" } }], want: { DB_user: "db-user", DB_pass: "db-pass", other: "other" } },
  {
    name: "operations in order",
    keys: ["app/db/user"],
    rewrites: [{ regexp: { source: "^app/", target: "" } }, { regexp: { source: "/", target: "_" } }],
    want: { db_user: "app/db/user" },
  },
  { name: "groups swap", keys: ["a-b", "c-d"], rewrites: [{ regexp: { source: "(.)-(.)", target: "${2}-${1}" } }], want: { "b-a": "a-b", "d-c": "c-d" } },
  { name: "named group", keys: ["dev-api"], rewrites: [{ regexp: { source: "(?P<env>\\w+)-(?P<svc>\\w+)", target: "${svc}_${env}" } }], want: { api_dev: "dev-api" } },
  { name: "no match keeps keys", keys: ["x"], rewrites: [{ regexp: { source: "y", target: "z" } }], want: { x: "x" } },
  { name: "empty operation is a no-op", keys: ["x"], rewrites: [{}], want: { x: "x" } },
  { name: "bad regexp", keys: ["x"], rewrites: [{ regexp: { source: "(", target: "" } }], want: "error" },
  { name: "transform not supported", keys: ["x"], rewrites: [{ transform: { template: "{{ .value | upper }}" } }], want: "unsupported" },
  { name: "merge not supported", keys: ["x"], rewrites: [{ merge: { into: "all", strategy: "JSON" } }], want: "unsupported" },
];
