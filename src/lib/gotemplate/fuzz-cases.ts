/**
 * Generated (template, data) pairs for the engine's differential test: actions (if/else if/with/range with
 * else, break/continue, define/template/block, variables, trimming, comments), pipelines through ESO's
 * functions and Go's builtins, KeysAndValues templates, and broken ones (syntax errors, unknown functions,
 * wrong arity, missing keys, bad input to functions that fail). A fixed seed keeps the set stable.
 */
import type { TemplateScope, TemplateTarget } from "./template-engine.ts";
import { seededRandom } from "../seeded-random.ts";

export interface FuzzCase {
  template: string;
  data: Record<string, Uint8Array>;
  scope: TemplateScope;
  target: TemplateTarget;
}


const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

const dataPool: Record<string, Uint8Array> = {
  a: utf8("alpha"),
  b: utf8("Bravo Two"),
  n: utf8("42"),
  f: utf8("2.5"),
  e: utf8(""),
  "dash-key": utf8("dashed"),
  json: utf8('{"x":1,"y":[true,null,"s"],"z":{"w":12345678901},"h":"<&>"}'),
  list: utf8('["p","q","r"]'),
  csv: utf8("one,two,,three"),
  b64: utf8(Buffer.from("decoded\x01bytes").toString("base64")),
  bin: new Uint8Array([0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28]),
  uni: utf8("häßlich 🙂 \"quoted\" \\ back\nnew"),
  yaml: utf8("k1: v1\nk2: 'v 2'\n"),
};
const dataKeys = Object.keys(dataPool);

const unary = [
  "upper", "lower", "title", "trim", "quote", "squote", "b64enc", "b64dec", "b32enc", "len", "sha256sum", "sha1sum",
  "toJson", "toRawJson", "toPrettyJson", "fromJson", "mustFromJson", "urlquery", "html", "js", "print", "println", "toString", "int", "int64",
  "atoi", "float64", "snakecase", "kebabcase", "camelcase", "nospace", "initials", "swapcase", "untitle", "empty",
  "typeOf", "kindOf", "toYaml", "fromYaml", "not", "toStrings", "first", "last", "sortAlpha", "uniq", "ceil",
  "floor", "add1", "base", "dir", "ext", "clean", "adler32sum", "toDecimal", "semver", "b32dec", "compact",
];
const withArg = [
  'replace "a" "4"', "trunc 3", "trunc -2", "indent 2", "nindent 1", 'default "dflt"', 'contains "a"', 'hasPrefix "al"',
  'hasSuffix "o"', 'printf "%v|%s|%q"', 'printf "%d"', 'printf "%T"', 'split ","', 'splitList ","', 'regexFind "[a-z]+"',
  'regexReplaceAll "[aeiou]" "_"', 'regexReplaceAllLiteral "a" "$1"', 'mustRegexMatch "("', 'regexMatch "^a"', "add 1", "mul 2",
  "sub 3", "div 0", "mod 5", 'eq "alpha"', 'ne "x"', "lt 3", "le 1.5", "gt 0", 'trimPrefix "al"', 'trimSuffix "a"', 'repeat 2',
  'join "+"', 'abbrev 5', 'wrap 4', 'plural "one" "many"', 'ternary "T" "F"', 'coalesce ""', 'index 0', 'slice 1', 'dig "x" "none"',
  'get "x"', 'hasKey "x"', 'pluck "x"', 'without 1', 'has "p"', 'append 9', 'prepend 0', "chunk 2", 'filterPEM "CERTIFICATE"',
  'cat "z"', 'substr 1 3', 'splitn "," 2', 'regexSplit "," -1', 'semverCompare ">1.0"',
];
const broken = [
  "{{", "{{ }}", "{{ end }}", "{{ if }}", "{{ nosuch . }}", "{{ upper }}", "{{ .a | }}", '{{ "unterminated }}', "{{ range }}",
  "{{ $undefined }}", "{{ else }}", "{{ template \"nope\" }}", "{{ .a.b.c }}", "{{ index . 1 }}", "{{ 1 2 }}", "{{ (1 }}",
  "{{ define \"x\" }}", "{{ break }}", "{{ .missing }}", "{{ index .list 9 }}", "{{ .a | b64dec }}", "{{ .a | fromJson | toJson }}",
  "{{ .a | mustFromJson }}", "{{ fail .a }}", "{{ .json.x }}", "{{ call .a }}", "{{ slice .a 3 1 }}", "{{ printf }}",
];

export function generatedFuzzCases(count: number, seed = 0x5eed11): FuzzCase[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

  const atom = (depth: number): string => {
    const k = pick(dataKeys);
    const options = [
      () => (/^[a-z]+$/.test(k) ? `.${k}` : `(index . "${k}")`),
      () => `.${k}`,
      () => `"lit ${pick(["x", "a,b", "<&>", "ß"])}"`,
      () => pick(["1", "-2", "3.5", "0", "true", "false", "nil", "1e3", "'a'", "0x1F"]),
      () => `(list ${atom(depth + 1)} ${atom(depth + 1)})`,
      () => `(dict "x" ${atom(depth + 1)} "y" 2)`,
      () => `(.json | fromJson)`,
      () => `(.list | fromJson)`,
      () => "$",
      () => ".missing",
      () => `(${pipeline(depth + 1)})`,
    ];
    return depth > 2 ? options[Math.floor(r() * 4)]!() : pick(options)();
  };

  const pipeline = (depth: number): string => {
    let p = atom(depth);
    const stages = Math.floor(r() * 3);
    for (let i = 0; i < stages; i++) p += ` | ${r() < 0.5 ? pick(unary) : pick(withArg)}`;
    return p;
  };

  const action = (depth: number): string => {
    const t = () => (r() < 0.5 ? "-" : "");
    const body = () => (depth > 2 ? pick(["x", "{{ . }}", "{{ $ }}"]) : block(depth + 1));
    const kinds = [
      () => `{{${t()} ${pipeline(depth)} ${t()}}}`,
      () => `{{ if ${pipeline(depth)} }}${body()}{{ else if ${pipeline(depth)} }}${body()}{{ else }}${body()}{{ end }}`,
      () => `{{ with ${pipeline(depth)} }}${body()}{{ else }}none{{ end }}`,
      () => `{{ range $i, $v := ${pipeline(depth)} }}{{ $i }}={{ $v }};{{ else }}empty{{ end }}`,
      () => `{{ range ${pipeline(depth)} }}{{ if eq (toString .) "q" }}{{ break }}{{ end }}[{{ . }}]{{ continue }}{{ end }}`,
      () => `{{ $x := ${pipeline(depth)} }}{{ $x = ${pipeline(depth)} }}<{{ $x }}>`,
      () => `{{ define "d" }}({{ . }}){{ end }}{{ template "d" ${pipeline(depth)} }}`,
      () => `{{ block "b" ${pipeline(depth)} }}[{{ . }}]{{ end }}`,
      () => `{{/* comment */}}${body()}{{- /* trimmed */ -}}`,
      () => `{{ range ${pick(["3", "0", "-1", '"s"'])} }}{{ . }}{{ end }}`,
      () => `{{ printf "%v %v" ${atom(depth)} ${atom(depth)} }}`,
      () => `{{ and ${atom(depth)} ${atom(depth)} }}{{ or ${atom(depth)} ${atom(depth)} }}{{ not ${atom(depth)} }}`,
      () => `{{ len ${atom(depth)} }}`,
    ];
    return pick(kinds)();
  };

  const block = (depth: number): string => {
    let s = "";
    const n = 1 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) s += pick([" ", "\n", "text ", "  ", "", "a: "]) + action(depth);
    return s;
  };

  const cases: FuzzCase[] = [];
  for (let i = 0; i < count; i++) {
    const data: Record<string, Uint8Array> = {};
    for (const k of dataKeys) if (r() < 0.8) data[k] = dataPool[k]!;
    let template: string;
    let scope: TemplateScope = "Values";
    let target: TemplateTarget = "Data";
    const roll = r();
    if (roll < 0.12) {
      template = pick(broken);
      if (r() < 0.5) template = `prefix ${block(1)} ${template}`;
    } else if (roll < 0.22) {
      // KeysAndValues: the template renders YAML whose keys and values land in the target.
      scope = "KeysAndValues";
      target = pick(["Data", "Labels", "Annotations"] as const);
      template = pick([
        "key1: {{ .a | quote }}\nkey2: {{ .n }}",
        "{{ .a }}: {{ .b | quote }}",
        "{{ range $k, $v := (.json | fromJson) }}{{ $k }}: {{ $v | toJson | quote }}\n{{ end }}",
        "{{ .yaml }}",
        "{{ .csv }}",
        "- not a map",
        "k: [1, 2]",
        `{{ ${pipeline(1)} | toJson }}: v`,
      ]);
    } else {
      template = block(0);
      // Mutations that often break the template in interesting places.
      if (r() < 0.08) template = template.slice(0, Math.floor(r() * template.length));
      if (r() < 0.05) template = template.replace("}}", "}");
    }
    cases.push({ template, data, scope, target });
  }
  return cases;
}
