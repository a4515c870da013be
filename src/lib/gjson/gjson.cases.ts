/**
 * gjson path cases: the expectations are what tidwall/gjson v1.18 returns (the oracle test checks them
 * against the real library), and the unit test checks Ferry against them.
 */
import type { GjsonType } from "./result.ts";

export type GjsonWant = { type: GjsonType; value: string | Uint8Array } | "not found" | "unsupported";

export interface GjsonCase {
  name: string;
  json: string | Uint8Array;
  path: string;
  want: GjsonWant;
}

const person = `{
  "name": {"first": "Tom", "last": "Anderson"},
  "age": 37,
  "children": ["Sara", "Alex", "Jack"],
  "fav.movie": "Deer Hunter",
  "friends": [
    {"first": "Dale", "last": "Murphy", "age": 44, "nets": ["ig", "fb", "tw"]},
    {"first": "Roger", "last": "Craig", "age": 68, "nets": ["fb", "tw"]},
    {"first": "Jane", "last": "Murphy", "age": 47, "nets": ["ig", "tw"]}
  ]
}`;

const values = String.raw`{"s":"text","esc":"line1\nline2\t\"quoted\" \\ back \/ slash","u":"caf\u00e9 \ud83d\ude00","lone":"\ud800x","pair":"\ud83d\ude00","bad":"\uZZZZ!","n":null,"t":true,"f":false,"i":42,"neg":-7,"z":-0,"zf":-0.0,"e":1e3,"E":2.5E-3,"big":12345678901234567890,"bigf":1.5e300,"tiny":1e-400,"huge":1e400,"frac":1.50,"obj":{ "a" : [1, 2,  3] , "b":{}},"arr":[ ],"empty":"","ws":   "  spaced  "   }`;

const keys = String.raw`{"ключ":"значение","日本":{"語":"にほんご"},"emoji😀":"yes","a.b":{"c":1},"a":{"b":{"c":2}},"we*rd":"star","q?":"qm","pipe|key":"p","hash#":"h","@at":"at","!bang":"bang","sp ace":"sp","":"emptykey","esc\"key":"ek","uni\u00e9":"escaped-key","back\\slash":"bs"}`;

const nested = `[1,[2,[3,4]],{"k":[5,6]},"x",null,true]`;

const items = `{"items":[{"on":true,"n":"a"},{"on":"false","n":"b"},{"on":0,"n":"c"},{"n":"d"},{"on":null,"n":"e"},{"on":"T","n":"f"}]}`;

const vals = `{"vals":[1,5,10,"5","a",true,false,null]}`;

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p)))));

const str = (value: string | Uint8Array): GjsonWant => ({ type: "String", value });
const num = (value: string): GjsonWant => ({ type: "Number", value });
const raw = (value: string): GjsonWant => ({ type: "JSON", value });
const NF = "not found";
const UNSUPPORTED = "unsupported";

export const gjsonCases: GjsonCase[] = [
  // Nested keys, indexes, counts.
  { name: "top-level number", json: person, path: "age", want: num("37") },
  { name: "nested key", json: person, path: "name.last", want: str("Anderson") },
  { name: "object is raw JSON", json: person, path: "name", want: raw(`{"first": "Tom", "last": "Anderson"}`) },
  { name: "array is raw JSON", json: person, path: "children", want: raw(`["Sara", "Alex", "Jack"]`) },
  { name: "array length", json: person, path: "children.#", want: num("3") },
  { name: "array index", json: person, path: "children.1", want: str("Alex") },
  { name: "array index past the end", json: person, path: "children.3", want: NF },
  { name: "negative index is no index", json: person, path: "children.-1", want: NF },
  { name: "leading zero index", json: person, path: "children.01", want: str("Alex") },
  { name: "index wraps at 2^64 like Go", json: person, path: "children.18446744073709551617", want: str("Alex") },
  { name: "index into object of array", json: person, path: "friends.1.last", want: str("Craig") },
  { name: "object element raw", json: person, path: "friends.2.nets", want: raw(`["ig", "tw"]`) },
  { name: "missing key", json: person, path: "missing", want: NF },
  { name: "missing nested key", json: person, path: "name.middle", want: NF },
  { name: "key below a scalar", json: person, path: "age.foo", want: NF },
  { name: "empty path", json: person, path: "", want: NF },
  { name: "trailing dot", json: person, path: "name.", want: NF },

  // Escapes and wildcards in keys.
  { name: "escaped dot matches literal key", json: person, path: "fav\\.movie", want: str("Deer Hunter") },
  { name: "unescaped dot is a path", json: person, path: "fav.movie", want: NF },
  { name: "star wildcard", json: person, path: "child*.2", want: str("Jack") },
  { name: "question wildcard", json: person, path: "c?ildren.0", want: str("Sara") },
  { name: "star alone takes the first key", json: person, path: "*.first", want: str("Tom") },
  { name: "wildcard continues to a later key", json: person, path: "*.1", want: str("Alex") },
  { name: "wildcard without match", json: person, path: "x*", want: NF },
  { name: "escaped star is literal", json: keys, path: "we\\*rd", want: str("star") },
  { name: "star matching a star key", json: keys, path: "we*rd", want: str("star") },
  { name: "escaped question mark", json: keys, path: "q\\?", want: str("qm") },
  { name: "escaped pipe", json: keys, path: "pipe\\|key", want: str("p") },
  { name: "hash in object key", json: keys, path: "hash#", want: str("h") },
  { name: "at-key that is no modifier", json: keys, path: "@at", want: str("at") },
  { name: "bang-key that is no literal", json: keys, path: "!bang", want: str("bang") },
  { name: "space in key", json: keys, path: "sp ace", want: str("sp") },
  { name: "quote in key", json: keys, path: 'esc"key', want: str("ek") },
  { name: "escaped backslash in path", json: keys, path: "back\\\\slash", want: str("bs") },
  { name: "trailing backslash is dropped", json: person, path: "age\\", want: num("37") },
  { name: "key written with \\u escape", json: keys, path: "unié", want: str("escaped-key") },
  { name: "cyrillic key", json: keys, path: "ключ", want: str("значение") },
  { name: "CJK nested keys", json: keys, path: "日本.語", want: str("にほんご") },
  { name: "emoji in key", json: keys, path: "emoji😀", want: str("yes") },
  { name: "question mark matches one multibyte rune", json: keys, path: "emoji?", want: str("yes") },
  { name: "question mark on CJK key", json: keys, path: "日?.語", want: str("にほんご") },
  { name: "dotted path", json: keys, path: "a.b.c", want: num("2") },
  { name: "escaped then path", json: keys, path: "a\\.b.c", want: num("1") },

  // Value types and Result.String().
  { name: "string", json: values, path: "s", want: str("text") },
  { name: "escapes unescaped", json: values, path: "esc", want: str('line1\nline2\t"quoted" \\ back / slash') },
  { name: "unicode escapes and surrogate pair", json: values, path: "u", want: str("café 😀") },
  { name: "lone surrogate becomes U+FFFD", json: values, path: "lone", want: str("\ufffdx") },
  { name: "escaped pair alone", json: values, path: "pair", want: str("😀") },
  { name: "bad \\u escape is NUL", json: values, path: "bad", want: str("\u0000!") },
  { name: "null exists with empty value", json: values, path: "n", want: { type: "Null", value: "" } },
  { name: "true", json: values, path: "t", want: { type: "True", value: "true" } },
  { name: "false", json: values, path: "f", want: { type: "False", value: "false" } },
  { name: "integer", json: values, path: "i", want: num("42") },
  { name: "negative integer", json: values, path: "neg", want: num("-7") },
  { name: "negative zero integer", json: values, path: "z", want: num("-0") },
  { name: "negative zero float", json: values, path: "zf", want: num("-0") },
  { name: "exponent formatted", json: values, path: "e", want: num("1000") },
  { name: "small exponent formatted", json: values, path: "E", want: num("0.0025") },
  { name: "big integer keeps its digits", json: values, path: "big", want: num("12345678901234567890") },
  { name: "big float in fixed notation", json: values, path: "bigf", want: num("15" + "0".repeat(299)) },
  { name: "underflow is 0", json: values, path: "tiny", want: num("0") },
  { name: "overflow is +Inf", json: values, path: "huge", want: num("+Inf") },
  { name: "trailing zero dropped", json: values, path: "frac", want: num("1.5") },
  { name: "object keeps whitespace", json: values, path: "obj", want: raw(`{ "a" : [1, 2,  3] , "b":{}}`) },
  { name: "array keeps whitespace", json: values, path: "obj.a", want: raw("[1, 2,  3]") },
  { name: "count with spaces", json: values, path: "obj.a.#", want: num("3") },
  { name: "empty object", json: values, path: "obj.b", want: raw("{}") },
  { name: "empty array", json: values, path: "arr", want: raw("[ ]") },
  { name: "empty array count", json: values, path: "arr.#", want: num("0") },
  { name: "empty array index", json: values, path: "arr.0", want: NF },
  { name: "empty string exists", json: values, path: "empty", want: str("") },
  { name: "string with spaces", json: values, path: "ws", want: str("  spaced  ") },
  { name: "empty key", json: keys, path: "", want: str("emptykey") },

  // Arrays at the top and nested.
  { name: "top-level array index", json: nested, path: "0", want: num("1") },
  { name: "nested arrays", json: nested, path: "1.1.0", want: num("3") },
  { name: "array in object in array", json: nested, path: "2.k.1", want: num("6") },
  { name: "top-level count", json: nested, path: "#", want: num("6") },
  { name: "null element", json: nested, path: "4", want: { type: "Null", value: "" } },
  { name: "bool element", json: nested, path: "5", want: { type: "True", value: "true" } },
  { name: "nested count", json: nested, path: "1.#", want: num("2") },
  { name: "collect over mixed elements", json: nested, path: "#.k", want: raw("[[5,6]]") },
  { name: "collect counts", json: nested, path: "#.#", want: raw("[2]") },

  // #. collection and queries.
  { name: "collect a field", json: person, path: "friends.#.first", want: raw(`["Dale","Roger","Jane"]`) },
  { name: "collect nested counts", json: person, path: "friends.#.nets.#", want: raw("[3,2,2]") },
  { name: "collect then index by pipe", json: person, path: "friends.#.first|1", want: str("Roger") },
  { name: "collect then index by dot", json: person, path: "friends.#.nets.1", want: raw(`["fb","tw","tw"]`) },
  { name: "collect missing field", json: person, path: "friends.#.middle", want: raw("[]") },
  { name: "query first match", json: person, path: 'friends.#(last=="Murphy").first', want: str("Dale") },
  { name: "query all matches", json: person, path: 'friends.#(last=="Murphy")#.first', want: raw(`["Dale","Jane"]`) },
  { name: "query single equals", json: person, path: "friends.#(first=Jane).age", want: num("47") },
  { name: "query number greater", json: person, path: "friends.#(age>45)#.last", want: raw(`["Craig","Murphy"]`) },
  { name: "query number less-or-equal", json: person, path: "friends.#(age<=44).first", want: str("Dale") },
  { name: "query not equal", json: person, path: 'friends.#(last!="Murphy").first', want: str("Roger") },
  { name: "query pattern", json: person, path: 'friends.#(first%"D*").last', want: str("Murphy") },
  { name: "query negated pattern", json: person, path: 'friends.#(first!%"D*").last', want: str("Craig") },
  { name: "nested query", json: person, path: 'friends.#(nets.#(=="fb"))#.first', want: raw(`["Dale","Roger"]`) },
  { name: "query existence", json: person, path: "friends.#(nets)#.first", want: raw(`["Dale","Roger","Jane"]`) },
  { name: "query then index", json: person, path: "friends.#(age==44).nets.1", want: str("fb") },
  { name: "query whole element", json: person, path: "friends.#(age==68)", want: raw(`{"first": "Roger", "last": "Craig", "age": 68, "nets": ["fb", "tw"]}`) },
  { name: "query without match", json: person, path: 'friends.#(nope=="x")', want: NF },
  { name: "query all without match", json: person, path: 'friends.#(nope=="x")#', want: raw("[]") },
  { name: "query match, missing rest", json: person, path: "friends.#(age==44).nope", want: NF },
  { name: "query with brackets", json: person, path: 'friends.#[last=="Craig"].first', want: str("Roger") },
  { name: "query on scalars", json: vals, path: "vals.#(==5)", want: num("5") },
  { name: "query quoted number matches numbers", json: vals, path: 'vals.#(=="5")#', want: raw(`[5,"5"]`) },
  { name: "query greater over mixed types", json: vals, path: "vals.#(>4)#", want: raw(`[5,10,"5","a"]`) },
  { name: "query true", json: vals, path: "vals.#(==true)", want: { type: "True", value: "true" } },
  { name: "query truthy", json: items, path: "items.#(on==~true)#.n", want: raw(`["a","f"]`) },
  { name: "query falsy", json: items, path: "items.#(on==~false)#.n", want: raw(`["b","c","d","e"]`) },
  { name: "query null-ish", json: items, path: "items.#(on==~null)#.n", want: raw(`["d","e"]`) },
  { name: "query exists-ish", json: items, path: "items.#(on==~*)#.n", want: raw(`["a","b","c","e","f"]`) },
  { name: "query escaped quote in value", json: `{"a":[{"k":"x\\"y"},{"k":"z"}]}`, path: 'a.#(k=="x\\"y")', want: raw(`{"k":"x\\"y"}`) },

  // Pipes.
  { name: "pipe into object", json: person, path: "name|last", want: str("Anderson") },
  { name: "pipe count", json: person, path: "children|#", want: num("3") },
  { name: "pipe on missing", json: person, path: "nope|0", want: NF },
  { name: "pipe into string text", json: `{"a":"[7,8]"}`, path: "a|1", want: num("8") },

  // Duplicates, containers and odd but valid documents.
  { name: "duplicate key: first wins", json: `{"a":1,"a":2}`, path: "a", want: num("1") },
  { name: "duplicate key: later one searched", json: `{"a":{"x":1},"a":{"y":2}}`, path: "a.y", want: num("2") },
  { name: "deep nesting", json: `{"a":{"b":{"c":{"d":{"e":[[[{"f":"deep"}]]]}}}}}`, path: "a.b.c.d.e.0.0.0.f", want: str("deep") },
  { name: "key ending in dot", json: `{"a":{"":5}}`, path: "a.", want: num("5") },
  { name: "brackets inside strings skipped", json: `{"a":"}]{[","b":2}`, path: "b", want: num("2") },
  { name: "escaped quotes skipped", json: String.raw`{"a":"x\"}","b":3}`, path: "b", want: num("3") },
  { name: "even backslashes end a string", json: String.raw`{"a":"x\\","b":4}`, path: "b", want: num("4") },
  { name: "BOM before document", json: `\ufeff{"a":1}`, path: "a", want: num("1") },

  // Malformed input: gjson answers anyway.
  { name: "not JSON", json: "plain text", path: "a", want: NF },
  { name: "empty document", json: "", path: "a", want: NF },
  { name: "JSON string document", json: `"hello"`, path: "a", want: NF },
  { name: "garbage before object", json: `xx {"a":1}`, path: "a", want: num("1") },
  { name: "truncated object", json: `{"a":1`, path: "a", want: num("1") },
  { name: "truncated array count", json: `{"a":[1,2`, path: "a.#", want: num("2") },
  { name: "unterminated string", json: `{"a":"abc`, path: "a", want: NF },
  { name: "unterminated string in container", json: `[{"a`, path: "#", want: NF },
  { name: "single quotes", json: `{'a':1}`, path: "a", want: NF },
  { name: "leading zero number", json: `{"a":01}`, path: "a", want: num("01") },
  { name: "plus sign number", json: `{"a":+1}`, path: "a", want: num("1") },
  { name: "NaN", json: `{"a":NaN}`, path: "a", want: num("NaN") },
  { name: "lowercase nan", json: `{"a":nan}`, path: "a", want: num("NaN") },
  { name: "Infinity", json: `{"a":-Infinity}`, path: "a", want: num("-Inf") },
  { name: "bad exponent", json: `{"a":1e}`, path: "a", want: num("0") },
  { name: "hex float", json: `{"a":0x1p3}`, path: "a", want: num("8") },
  { name: "underscore digits", json: `{"a":1_000}`, path: "a", want: num("1000") },
  { name: "truncated literal", json: `{"a":tru}`, path: "a", want: { type: "True", value: "true" } },
  { name: "long null literal", json: `{"a":nulll}`, path: "a", want: { type: "Null", value: "" } },
  { name: "bare minus", json: `[-]`, path: "0", want: num("-") },
  { name: "trailing comma count", json: `[1,2,]`, path: "#", want: num("2") },

  // Bytes that are not UTF-8 (SecretBinary).
  { name: "invalid UTF-8 value", json: bytes(`{"k":"`, [0xff, 0xfe], `"}`), path: "k", want: str(bytes([0xff, 0xfe])) },
  { name: "invalid UTF-8 key with ?", json: bytes(`{"`, [0xff], `":1}`), path: "?", want: num("1") },
  { name: "NUL from \\u0000", json: String.raw`{"k":"a\u0000b"}`, path: "k", want: str("a\u0000b") },
  { name: "raw control byte ends unescaping", json: bytes(`{"k":"a\\n`, [0x01], `b"}`), path: "k", want: str("a\n") },
  { name: "raw control byte without escapes", json: bytes(`{"k":"a`, [0x01], `b"}`), path: "k", want: str(bytes("a", [0x01], "b")) },

  // Syntax Ferry does not evaluate: an error, never a silently different answer.
  { name: "modifier", json: person, path: "@reverse", want: UNSUPPORTED },
  { name: "modifier after dot", json: person, path: "children.@reverse", want: UNSUPPORTED },
  { name: "modifier after pipe", json: person, path: "children|@this", want: UNSUPPORTED },
  { name: "multipath array", json: person, path: "[age,name.first]", want: UNSUPPORTED },
  { name: "multipath object", json: person, path: "{age,name.first}", want: UNSUPPORTED },
  { name: "literal value", json: person, path: "!true", want: UNSUPPORTED },
  { name: "JSON lines", json: person, path: "..0", want: UNSUPPORTED },
  { name: "unknown @name is a key", json: person, path: "@nope", want: NF },
  { name: "unbalanced bracket empties the path", json: `{"[a":1,"":2}`, path: "[a", want: num("2") },
  { name: "selector followed by text keeps the text", json: `{"b":3}`, path: "[a]b", want: num("3") },
];
