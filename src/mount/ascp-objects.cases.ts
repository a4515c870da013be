/**
 * SecretProviderClass `objects` texts on which Ferry's decoder must agree with ASCP's (sigs.k8s.io/yaml into
 * Go structs), checked against the Go oracle in ascp-objects.oracle.test.ts. Each line is something a real
 * SecretProviderClass could contain: capitalised field names (ASCP's own e2e manifests), YAML 1.1 scalars,
 * repeated keys, merges and anchors, numbers where strings belong, and shapes that must fail.
 */
export interface AscpObjectsCase {
  name: string;
  yaml: string;
  /** Ferry refuses what ASCP accepts (a null entry makes ASCP dereference nil; Ferry names the entry). */
  ferryRefuses?: true;
}

const entry = (body: string) => `- objectName: x\n  ${body.replaceAll("\n", "\n  ")}`;

export const ascpObjectsCases: readonly AscpObjectsCase[] = [
  { name: "ASCP e2e: capitalised jmesPath fields", yaml: "- objectName: secret\n  objectType: secretsmanager\n  jmesPath:\n    - Path: username\n      ObjectAlias: user\n    - Path: password\n      ObjectAlias: pass" },
  { name: "capitalised and upper-case top-level fields", yaml: "- ObjectName: a\n  OBJECTTYPE: secretsmanager\n  ObjectAlias: b\n  ObjectVersionLabel: AWSCURRENT" },
  { name: "long s folds to s", yaml: entry("objectAlia\u017f: y1") },
  { name: "Kelvin sign does not fold into a field without k", yaml: entry("objectAlias: a\n\u212aey: b") },
  { name: "repeated key: the last wins", yaml: "- objectName: a\n  objectName: b" },
  { name: "two spellings: byte order decides (lower-case wins)", yaml: "- objectName: a\n  ObjectName: b" },
  { name: "two spellings, other order", yaml: "- ObjectName: a\n  objectName: b" },
  { name: "three spellings", yaml: "- OBJECTNAME: a\n  objectName: b\n  ObjectName: c" },
  { name: "y is true", yaml: entry("objectAlias: y") },
  { name: "YAML 1.1 booleans", yaml: "- objectName: on\n  objectVersion: Off\n  objectAlias: N\n  objectType: NO\n  objectVersionLabel: Yes" },
  { name: "not booleans", yaml: "- objectName: tRue\n  objectAlias: yES\n  objectVersion: ON_" },
  { name: "nulls", yaml: "- objectName: null\n  objectVersion: Null\n  objectAlias: NULL\n  objectType: ~" },
  { name: "integers", yaml: "- objectName: 3\n  objectVersion: -0\n  objectAlias: +12\n  objectVersionLabel: 1_000" },
  { name: "octal, hex, binary", yaml: "- objectName: 0644\n  objectVersion: 0x10\n  objectAlias: 0b101\n  objectVersionLabel: 0o17" },
  { name: "not quite numbers", yaml: "- objectName: 08\n  objectVersion: 0x\n  objectAlias: 0o\n  objectVersionLabel: 0b" },
  { name: "negative radix", yaml: "- objectName: x\n  objectVersion: -0x10\n  objectAlias: -010\n  objectVersionLabel: -0b11" },
  { name: "big integers", yaml: "- objectName: 9223372036854775807\n  objectVersion: 9223372036854775808\n  objectAlias: 18446744073709551615\n  objectVersionLabel: 18446744073709551616" },
  { name: "big negative", yaml: "- objectName: -9223372036854775808\n  objectVersion: -9223372036854775809" },
  { name: "floats", yaml: "- objectName: 3.5\n  objectVersion: 1e3\n  objectAlias: 1.0\n  objectVersionLabel: 1.50" },
  { name: "float32 precision", yaml: "- objectName: 3.14159265358979\n  objectVersion: 16777217.0\n  objectAlias: 0.1\n  objectVersionLabel: 2.5e-5" },
  { name: "float exponents", yaml: "- objectName: 1e21\n  objectVersion: 100000.0\n  objectAlias: 1000000.0\n  objectVersionLabel: 1e-7" },
  { name: "float specials", yaml: "- objectName: .inf\n  objectVersion: -.Inf\n  objectAlias: .NaN\n  objectVersionLabel: +.INF" },
  { name: "dot floats", yaml: "- objectName: .5\n  objectVersion: .5e3\n  objectAlias: .5_0\n  objectVersionLabel: ." },
  { name: "trailing-dot and signed floats", yaml: "- objectName: 5.\n  objectVersion: +.5\n  objectAlias: -1.5e+3\n  objectVersionLabel: 1.5e" },
  { name: "float overflow stays text", yaml: "- objectName: 1e400\n  objectVersion: -1e400" },
  { name: "underscored floats", yaml: "- objectName: 1_0.5\n  objectVersion: _1\n  objectAlias: 1__0" },
  { name: "timestamps stay text", yaml: "- objectName: 2001-12-14\n  objectVersion: 2001-12-14t21:59:43.10-05:00\n  objectAlias: 12:30" },
  { name: "sexagesimal is not a number", yaml: "- objectName: 190:20:30\n  objectVersion: 1:2" },
  { name: "quoted numbers stay text", yaml: "- objectName: '12'\n  objectVersion: \"0x10\"\n  objectAlias: 'y'" },
  { name: "explicit tags", yaml: "- objectName: !!str 12\n  objectVersion: !!int \"12\"\n  objectAlias: !!float 1\n  objectVersionLabel: !!binary aGVsbG8=" },
  { name: "unknown tag keeps the text", yaml: "- objectName: !custom 12\n  objectVersion: !!bool yes" },
  { name: "block scalars", yaml: "- objectName: |\n    multi\n  objectVersion: >-\n    folded\n    text" },
  { name: "multi-line plain scalar", yaml: "- objectName: first\n    second" },
  { name: "unknown fields are ignored", yaml: entry("unknownField: 1\nnested: {a: [1, 2]}\noptional: true\nexpandJson: yes") },
  { name: "merge key overrides earlier keys", yaml: "- {a: 1, objectName: b, <<: {objectName: m, objectType: t}}" },
  { name: "merge list: first mapping wins", yaml: "- {objectName: b, <<: [{objectType: m1}, {objectType: m2}]}" },
  { name: "later key overrides merge", yaml: "- {<<: {objectName: m}, objectName: b}" },
  { name: "anchors and aliases", yaml: "- &one {objectName: a, objectType: secretsmanager}\n- *one\n- {<<: *one, objectAlias: c}" },
  { name: "jmesPath given twice merges element-wise", yaml: entry("JmesPath: [{path: p1, objectAlias: a1}, {path: p2, objectAlias: a2}]\njmesPath: [{path: q1}]") },
  { name: "failoverObject given twice merges", yaml: entry("FailoverObject: {objectName: f, objectVersion: v}\nfailoverObject: {objectVersionLabel: l}") },
  { name: "null failoverObject after a value keeps it", yaml: entry("FailoverObject: {objectName: f}\nfailoverObject: ~") },
  { name: "null jmesPath after a value empties it", yaml: entry("JmesPath: [{path: p1}]\njmesPath: ~") },
  { name: "jmesPath null entry", yaml: entry("jmesPath: [~, {path: p, objectAlias: a}]") },
  { name: "non-string keys", yaml: "- {objectName: x, 1.5: c, true: d, 1: e}" },
  { name: "filePermission forms", yaml: entry("filePermission: 0644\njmesPath: [{path: p, objectAlias: a, FilePermission: '0400'}]") },
  { name: "objectTemplate is decoded", yaml: entry("ObjectTemplate: '{{ .x }}'") },
  { name: "flow style everything", yaml: "[{objectName: a, objectType: secretsmanager}, {objectName: b, objectType: ssmparameter}]" },
  { name: "empty list", yaml: "[]" },
  { name: "null document", yaml: "~" },
  { name: "list for a string fails", yaml: entry("objectVersion: [1]") },
  { name: "mapping for a string fails", yaml: entry("objectVersion: {a: 1}") },
  { name: "mapping for jmesPath fails", yaml: entry("jmesPath: {path: a}") },
  { name: "list for failoverObject fails", yaml: entry("failoverObject: []") },
  { name: "string for jmesPath fails", yaml: entry("jmesPath: abc") },
  { name: "scalar entry fails", yaml: "- x" },
  { name: "top-level mapping fails", yaml: "objectName: x" },
  { name: "top-level scalar fails", yaml: "just text" },
  { name: "list key fails", yaml: "- {objectName: x, ? [a]: b}" },
  { name: "null key fails", yaml: "- {objectName: x, ~: c}" },
  { name: "infinity in an unknown field fails", yaml: entry("extra: .inf") },
  { name: "merge of a scalar fails", yaml: "- {objectName: x, <<: 3}" },
  { name: "null entry: ASCP would dereference nil", yaml: "- objectName: a\n  objectType: secretsmanager\n- ~", ferryRefuses: true },
];

/**
 * Generated plain scalars for objectVersion, built from the characters that steer YAML 1.1 resolution
 * (signs, digits, radix prefixes, dots, exponents, underscores): each must become the same string as in Go.
 * Deterministic (a fixed linear congruential sequence), so a failure names a case that stays.
 */
export function generatedScalarCases(count: number): AscpObjectsCase[] {
  const alphabet = ["0", "1", "7", "8", "9", "0", "1", ".", "e", "E", "+", "-", "_", "x", "o", "b", "a", "f", "5", "3"];
  let seed = 0x5eed;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const out: AscpObjectsCase[] = [];
  for (let i = 0; i < count; i++) {
    const length = 1 + (next() % 8);
    let s = "";
    for (let j = 0; j < length; j++) s += alphabet[next() % alphabet.length];
    out.push({ name: `generated scalar ${JSON.stringify(s)}`, yaml: `- objectName: x\n  objectVersion: ${s}` });
  }
  return out;
}
