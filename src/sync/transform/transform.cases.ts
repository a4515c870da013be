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
// Go regexp ReplaceAllString

/** A regexp use Go and JavaScript answer differently; Ferry refuses it (GoRegexpUnsupportedError). */
export const UNSUPPORTED = { unsupported: true } as const;

export interface RegexpCase {
  name: string;
  pattern: string;
  input: string;
  repl: string;
  /** Go's output, Go's compile error message, or UNSUPPORTED (Ferry refuses; Go answers). */
  want: string | { error: string } | typeof UNSUPPORTED;
}

export const regexpCases: RegexpCase[] = [
  { name: "prefix", pattern: "^db-", input: "db-user", repl: "DB_", want: "DB_user" },
  { name: "numbered groups", pattern: "(\\w+)-(\\w+)", input: "db-user", repl: "${2}_$1", want: "user_db" },
  { name: "$2_ is a named group", pattern: "(\\w+)-(\\w+)", input: "db-user", repl: "$2_$1", want: "db" },
  { name: "$1x is a named group", pattern: "(a)", input: "a", repl: "$1x", want: "" },
  { name: "${1}x", pattern: "(a)", input: "a", repl: "${1}x", want: "ax" },
  { name: "named groups", pattern: "(?P<env>dev|prod)-(?<name>.+)", input: "dev-api", repl: "${name}.${env}", want: "api.dev" },
  { name: "$name", pattern: "(?P<env>dev|prod)-(?<name>.+)", input: "prod-db", repl: "$name/$env", want: "db/prod" },
  { name: "dollar dollar", pattern: "a", input: "cab", repl: "$$", want: "c$b" },
  { name: "malformed dollar kept", pattern: "a", input: "a", repl: "$-${x", want: "$-${x" },
  { name: "$0 whole match", pattern: "b+", input: "abbc", repl: "[$0]", want: "a[bb]c" },
  { name: "out of range group", pattern: "(a)", input: "a", repl: "<$2>", want: "<>" },
  { name: "leading zero is a name", pattern: "(a)", input: "a", repl: "<$01>", want: "<>" },
  { name: "unmatched optional group", pattern: "(x)?a", input: "a", repl: "<$1>", want: "<>" },
  { name: "empty matches skip after a match", pattern: "a*", input: "baaac", repl: "-", want: "-b-c-" },
  { name: "empty pattern", pattern: "", input: "ab", repl: "x", want: "xaxbx" },
  { name: "empty pattern on empty input", pattern: "", input: "", repl: "x", want: "x" },
  { name: "empty matches with multibyte", pattern: "x*", input: "é😀", repl: "-", want: "-é-😀-" },
  { name: "case-insensitive flag", pattern: "(?i)abc", input: "xABcx", repl: "Y", want: "xYx" },
  { name: "scoped flag group", pattern: "a(?i:b)c", input: "aBc aBC", repl: "_", want: "_ aBC" },
  { name: "flag until group end", pattern: "(a(?i)b)c", input: "aBc aBC", repl: "_", want: "_ aBC" },
  { name: "negated flag", pattern: "(?i)a(?-i)b", input: "Ab AB", repl: "_", want: "_ AB" },
  { name: "multiline anchors", pattern: "(?m)^x$", input: "x\ny\nx", repl: "Z", want: "Z\ny\nZ" },
  { name: "text anchors", pattern: "^x$", input: "x\nx", repl: "Z", want: "x\nx" },
  { name: "dollar before final newline is no match", pattern: "a$", input: "a\n", repl: "Z", want: "a\n" },
  { name: "dot excludes newline only", pattern: ".", input: "a\n\r\u2028", repl: "_", want: "_\n__" },
  { name: "s flag", pattern: "(?s)a.b", input: "a\nb", repl: "_", want: "_" },
  { name: "ungreedy flag", pattern: "(?U)a+", input: "aaa", repl: "b", want: "bbb" },
  { name: "ungreedy flag with ?", pattern: "(?U)a+?", input: "aaa", repl: "b", want: "b" },
  { name: "lazy", pattern: "a.*?b", input: "aXbYb", repl: "_", want: "_Yb" },
  { name: "counted repeat", pattern: "x{2,3}", input: "xxxxx", repl: "y", want: "yy" },
  { name: "open repeat", pattern: "x{2,}", input: "xxxxx", repl: "y", want: "y" },
  { name: "brace that is no repeat", pattern: "a{,2}", input: "a{,2}", repl: "_", want: "_" },
  { name: "lone brace", pattern: "{", input: "a{b}", repl: "_", want: "a_b}" },
  { name: "closing brace and bracket literal", pattern: "}]", input: "a}]", repl: "_", want: "a_" },
  { name: "ascii \\d", pattern: "\\d+", input: "a12٣4", repl: "#", want: "a#٣#" },
  { name: "ascii \\w", pattern: "\\w+", input: "héllo_1", repl: "W", want: "WéW" },
  { name: "ascii \\s", pattern: "\\s", input: "a b\u00a0c\vd", repl: "_", want: "a_b\u00a0c\vd" },
  { name: "ascii \\b", pattern: "\\bé", input: "é aé", repl: "_", want: "é a_" },
  { name: "\\B", pattern: "\\Bb", input: "ab b", repl: "_", want: "a_ b" },
  { name: "negated perl class", pattern: "\\D+", input: "a1b2", repl: "_", want: "_1_2" },
  { name: "class with perl and negated perl", pattern: "[\\d\\W]", input: "a1-b", repl: "#", want: "a##b" },
  { name: "posix class", pattern: "[[:alpha:]]+", input: "ab12cd", repl: "A", want: "A12A" },
  { name: "negated posix class", pattern: "[[:^digit:]]", input: "a1", repl: "_", want: "_1" },
  { name: "bracket first is literal", pattern: "[]a]", input: "]ab", repl: "_", want: "__b" },
  { name: "negated bracket first", pattern: "[^]a]", input: "]ab", repl: "_", want: "]a_" },
  { name: "dash at the end", pattern: "[a-]", input: "a-b", repl: "_", want: "__b" },
  { name: "negated class matches newline", pattern: "[^a]", input: "a\nb", repl: "_", want: "a__" },
  { name: "unicode category", pattern: "\\pL+", input: "ab1γδ", repl: "L", want: "L1L" },
  { name: "unicode script", pattern: "\\p{Greek}+", input: "abγδε", repl: "G", want: "abG" },
  { name: "unicode script lowercase name", pattern: "\\p{greek}", input: "aγ", repl: "G", want: "aG" },
  { name: "negated unicode", pattern: "\\P{L}", input: "a1b", repl: "_", want: "a_b" },
  { name: "caret negation in braces", pattern: "\\p{^L}", input: "a1b", repl: "_", want: "a_b" },
  { name: "unicode long alias", pattern: "\\p{Uppercase_Letter}", input: "aBc", repl: "_", want: "a_c" },
  { name: "hex escapes", pattern: "\\x41\\x{1F600}", input: "A😀", repl: "_", want: "_" },
  { name: "octal escape", pattern: "\\101\\0", input: "A\u0000", repl: "_", want: "_" },
  { name: "quoted literal", pattern: "\\Q.*+\\E+", input: ".*++", repl: "_", want: "_" },
  { name: "escaped punctuation", pattern: "\\.\\-\\_\\#", input: "a.-_#", repl: "_", want: "a_" },
  { name: "case folding Kelvin", pattern: "(?i)k", input: "kK\u212a", repl: "_", want: "___" },
  { name: "alternation preference", pattern: "a|ab", input: "ab", repl: "_", want: "_b" },
  { name: "key with slash to dash", pattern: "/", input: "app/db/password", repl: "-", want: "app-db-password" },
  { name: "strip path prefix", pattern: "^.*/", input: "app/db/password", repl: "", want: "password" },
  { name: "unicode key", pattern: "ключ", input: "мой-ключ", repl: "key", want: "мой-key" },
  { name: "assertion repeated", pattern: "^*a", input: "aa", repl: "_", want: "__" },
  { name: "repeat after flags applies to previous", pattern: "a(?i)*", input: "aaa", repl: "_", want: "_" },
  { name: "group set in an earlier iteration", pattern: "(?:(a)|b)+", input: "ab", repl: "<$1>", want: UNSUPPORTED },
  { name: "optional group in a loop", pattern: "(?:a(b)?)+", input: "aba", repl: "<$1>", want: UNSUPPORTED },
  { name: "same loop without group reference", pattern: "(?:(a)|b)+", input: "abc", repl: "<$0>", want: "<ab>c" },
  { name: "whole loop body captured", pattern: "(a|b)+", input: "ab", repl: "<$1>", want: "<b>" },
  { name: "empty iteration", pattern: "(a|)+", input: "aab", repl: "<$1>", want: "<a>b<>" },
  { name: "empty loop body", pattern: "(a*)*", input: "b", repl: "<$1>", want: "<>b<>" },
  { name: "missing argument", pattern: "*a", input: "", repl: "", want: { error: "error parsing regexp: missing argument to repetition operator: `*`" } },
  { name: "nested repetition", pattern: "a**", input: "", repl: "", want: { error: "error parsing regexp: invalid nested repetition operator: `**`" } },
  { name: "lazy then repeat", pattern: "a+?*", input: "", repl: "", want: { error: "error parsing regexp: invalid nested repetition operator: `+?*`" } },
  { name: "repeat too large", pattern: "a{1001}", input: "", repl: "", want: { error: "error parsing regexp: invalid repeat count: `{1001}`" } },
  { name: "nested repeat too large", pattern: "(a{100}){20}", input: "", repl: "", want: { error: "error parsing regexp: invalid repeat count: `{20}`" } },
  { name: "min over max", pattern: "a{3,2}", input: "", repl: "", want: { error: "error parsing regexp: invalid repeat count: `{3,2}`" } },
  { name: "missing paren", pattern: "(a", input: "", repl: "", want: { error: "error parsing regexp: missing closing ): `(a`" } },
  { name: "unexpected paren", pattern: "a)", input: "", repl: "", want: { error: "error parsing regexp: unexpected ): `a)`" } },
  { name: "missing bracket", pattern: "[a", input: "", repl: "", want: { error: "error parsing regexp: missing closing ]: `[a`" } },
  { name: "bad range", pattern: "[z-a]", input: "", repl: "", want: { error: "error parsing regexp: invalid character class range: `z-a`" } },
  { name: "lookahead", pattern: "a(?=b)", input: "", repl: "", want: { error: "error parsing regexp: invalid or unsupported Perl syntax: `(?=`" } },
  { name: "lookbehind", pattern: "(?<=a)b", input: "", repl: "", want: { error: "error parsing regexp: invalid named capture: `(?<=a)b`" } },
  { name: "backreference", pattern: "(a)\\1", input: "", repl: "", want: { error: "error parsing regexp: invalid escape sequence: `\\1`" } },
  { name: "unknown escape", pattern: "\\e", input: "", repl: "", want: { error: "error parsing regexp: invalid escape sequence: `\\e`" } },
  { name: "\\Z", pattern: "a\\Z", input: "", repl: "", want: { error: "error parsing regexp: invalid escape sequence: `\\Z`" } },
  { name: "backspace in class", pattern: "[\\b]", input: "", repl: "", want: { error: "error parsing regexp: invalid escape sequence: `\\b`" } },
  { name: "trailing backslash", pattern: "a\\", input: "", repl: "", want: { error: "error parsing regexp: trailing backslash at end of expression: ``" } },
  { name: "unknown posix class", pattern: "[[:foo:]]", input: "", repl: "", want: { error: "error parsing regexp: invalid character class range: `[:foo:]`" } },
  { name: "unknown unicode class", pattern: "\\p{Klingon}", input: "", repl: "", want: { error: "error parsing regexp: invalid character class range: `\\p{Klingon}`" } },
  { name: "multi-word script unknown to Go", pattern: "\\p{Old_Italic}", input: "", repl: "", want: { error: "error parsing regexp: invalid character class range: `\\p{Old_Italic}`" } },
  { name: "bad named capture", pattern: "(?P<a-b>x)", input: "", repl: "", want: { error: "error parsing regexp: invalid named capture: `(?P<a-b>`" } },
  { name: "bad flag", pattern: "(?x)a", input: "", repl: "", want: { error: "error parsing regexp: invalid or unsupported Perl syntax: `(?x`" } },
  { name: "possessive", pattern: "a++", input: "", repl: "", want: { error: "error parsing regexp: invalid nested repetition operator: `++`" } },
  { name: "any byte", pattern: "\\C", input: "", repl: "", want: { error: "error parsing regexp: invalid escape sequence: `\\C`" } },
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
