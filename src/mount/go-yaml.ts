/**
 * YAML read the way Go's yaml.v2 reads it into `interface{}` — the first half of sigs.k8s.io/yaml.Unmarshal,
 * which ASCP uses for a SecretProviderClass's `objects` (provider/secret_descriptor.go). YAML 1.1 scalars:
 * `y`, `yes`, `on`, `off` are booleans, `0644` is octal, `1_000` is 1000, `.inf` a float; `<<` merges;
 * a repeated key keeps the last value. The differences from a YAML 1.2 parser decide what ASCP mounts, so
 * Ferry must resolve scalars exactly like go.yaml.in/yaml/v2 resolve.go (differential tests: the oracle's
 * `ascpObjects`).
 *
 * Bounded: aliases expand at most MAX_NODES nodes in total (yaml.v2 likewise refuses excessive aliasing).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node } from "yaml";

export type GoValue =
  | { kind: "null" }
  | { kind: "string"; value: string }
  | { kind: "bool"; value: boolean }
  /** int or int64 in Go (ParseInt succeeded). */
  | { kind: "int"; value: bigint }
  /** uint64 in Go (only ParseUint succeeded). */
  | { kind: "uint"; value: bigint }
  | { kind: "float"; value: number }
  | { kind: "seq"; items: GoValue[] }
  /** Entries in the order yaml.v2 assigns them; a key assigned again replaces the earlier value in place. */
  | { kind: "map"; entries: Array<{ key: GoValue; value: GoValue }> };

export class GoYamlError extends Error {
  override readonly name = "GoYamlError";
}

const MAX_NODES = 100_000;
const TAG = "tag:yaml.org,2002:";

/** Parses one YAML document as yaml.v2 does into interface{}; throws GoYamlError with a position, never the text. */
export function parseGoYaml(text: string): GoValue {
  const doc = parseDocument(text, { schema: "failsafe", uniqueKeys: false, strict: false });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    throw new GoYamlError(`not valid YAML${pos ? ` (${error.code} at line ${pos.line}, column ${pos.col})` : ""}`);
  }
  let budget = MAX_NODES;
  const visit = (node: unknown, depth: number): GoValue => {
    if (--budget < 0 || depth > 1000) throw new GoYamlError("document contains excessive aliasing or nesting");
    if (node === null || node === undefined) return { kind: "null" };
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) throw new GoYamlError(`unknown anchor "${node.source}" referenced`);
      return visit(target, depth + 1);
    }
    if (isScalar(node)) {
      // The parser decodes !!binary itself, whatever the schema.
      if (node.value instanceof Uint8Array) return { kind: "string", value: new TextDecoder().decode(node.value) };
      const raw = typeof node.value === "string" ? node.value : JSON.stringify(node.value ?? "");
      return resolveScalar(raw, node.type === "PLAIN" || node.type === undefined, node.tag);
    }
    if (isSeq(node)) return { kind: "seq", items: node.items.map((item) => visit(item, depth + 1)) };
    if (isMap(node)) {
      const out: Array<{ key: GoValue; value: GoValue }> = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        if (isScalar(keyNode) && keyNode.type === "PLAIN" && keyNode.value === "<<" && !keyNode.tag) {
          merge(out, visit(pair.value, depth + 1));
          continue;
        }
        assign(out, visit(keyNode, depth + 1), visit(pair.value, depth + 1));
      }
      return { kind: "map", entries: out };
    }
    throw new GoYamlError("unsupported YAML node");
  };
  return visit(doc.contents, 0);
}

/** Go map assignment: an equal key (same type and value) is replaced, else appended. */
function assign(entries: Array<{ key: GoValue; value: GoValue }>, key: GoValue, value: GoValue): void {
  if (key.kind === "seq" || key.kind === "map") throw new GoYamlError("invalid map key: a list or mapping cannot be a key");
  const i = entries.findIndex((e) => sameKey(e.key, key));
  if (i >= 0) entries[i] = { key, value };
  else entries.push({ key, value });
}

function sameKey(a: GoValue, b: GoValue): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "null") return true;
  return (a as { value: unknown }).value === (b as { value: unknown }).value;
}

/**
 * yaml.v2's `<<`: a mapping is decoded into the same map (overwriting keys set before it; later keys win);
 * a list of mappings is applied last to first, so the first mapping wins among them.
 */
function merge(entries: Array<{ key: GoValue; value: GoValue }>, value: GoValue): void {
  if (value.kind === "map") {
    for (const e of value.entries) assign(entries, e.key, e.value);
    return;
  }
  if (value.kind === "seq" && value.items.every((i) => i.kind === "map")) {
    for (const item of [...value.items].reverse()) merge(entries, item);
    return;
  }
  throw new GoYamlError("map merge requires map or sequence of maps as the value");
}

const MAPPED: ReadonlyMap<string, GoValue> = new Map<string, GoValue>([
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map((s): [string, GoValue] => [s, { kind: "bool", value: true }]),
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map((s): [string, GoValue] => [s, { kind: "bool", value: false }]),
  ...["", "~", "null", "Null", "NULL"].map((s): [string, GoValue] => [s, { kind: "null" }]),
  ...[".nan", ".NaN", ".NAN"].map((s): [string, GoValue] => [s, { kind: "float", value: NaN }]),
  ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((s): [string, GoValue] => [s, { kind: "float", value: Infinity }]),
  ...["-.inf", "-.Inf", "-.INF"].map((s): [string, GoValue] => [s, { kind: "float", value: -Infinity }]),
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go's ParseFloat syntax for text that starts with "." (underscores only between digits). */
const DOT_FLOAT = /^\.[0-9]+(_[0-9]+)*([eE][-+]?[0-9]+(_[0-9]+)*)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** yaml.v2 resolve(): what a scalar becomes. Quoted and block scalars are strings unless explicitly tagged. */
export function resolveScalar(text: string, plain: boolean, tag?: string): GoValue {
  const explicit = tag?.startsWith(TAG) ? tag.slice(TAG.length) : tag?.startsWith("!!") ? tag.slice(2) : undefined;
  if (explicit === "str") return { kind: "string", value: text };
  if (explicit === "binary") return { kind: "string", value: decodeBinary(text) };
  // Unknown tags leave the text a string (yaml.v2 resolvableTag).
  if (tag !== undefined && tag !== "!" && explicit === undefined) return { kind: "string", value: text };
  if (!plain && explicit === undefined) return { kind: "string", value: text };
  const resolved = resolvePlain(text);
  if (explicit === undefined || explicit === "timestamp") return resolved;
  const wanted: GoValue["kind"] | undefined = ({ int: "int", float: "float", bool: "bool", null: "null" } as Record<string, GoValue["kind"]>)[explicit];
  if (wanted === undefined) return { kind: "string", value: text };
  if (resolved.kind === wanted || (wanted === "int" && resolved.kind === "uint")) return resolved;
  if (wanted === "float" && (resolved.kind === "int" || resolved.kind === "uint")) return { kind: "float", value: Number(resolved.value) };
  throw new GoYamlError(`cannot decode ${describeKind(resolved)} as a !!${explicit}`);
}

function describeKind(v: GoValue): string {
  return v.kind === "string" ? "!!str" : v.kind === "uint" ? "!!int" : `!!${v.kind}`;
}

function resolvePlain(text: string): GoValue {
  const mapped = MAPPED.get(text);
  if (mapped) return mapped;
  const c = text[0] ?? "";
  if (c === ".") {
    return DOT_FLOAT.test(text) ? finiteFloat(text.replaceAll("_", ""), text) : { kind: "string", value: text };
  }
  if (!(c === "+" || c === "-" || (c >= "0" && c <= "9"))) return { kind: "string", value: text };
  const plainDigits = text.replaceAll("_", "");
  const asInt = parseGoInt(plainDigits, true);
  if (asInt !== undefined && asInt >= INT64_MIN && asInt <= INT64_MAX) return { kind: "int", value: asInt };
  const asUint = parseGoInt(plainDigits, false);
  if (asUint !== undefined && asUint >= 0n && asUint <= UINT64_MAX) return { kind: "uint", value: asUint };
  if (YAML_STYLE_FLOAT.test(plainDigits)) return finiteFloat(plainDigits, text);
  return { kind: "string", value: text };
}

/** A float, or the original text when Go's ParseFloat reports a range error (±Inf from finite digits). */
function finiteFloat(digits: string, text: string): GoValue {
  const value = Number(digits);
  return Number.isFinite(value) ? { kind: "float", value } : { kind: "string", value: text };
}

/**
 * strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64) syntax: optional sign (signed only), then 0x / 0o / 0b
 * prefixes or a leading 0 for octal. Range is checked by the caller.
 */
export function parseGoInt(s: string, signed: boolean): bigint | undefined {
  let body = s;
  let negative = false;
  if (signed && (body[0] === "+" || body[0] === "-")) {
    negative = body[0] === "-";
    body = body.slice(1);
  }
  let digits = body;
  let base = 10;
  const prefix = body.slice(0, 2).toLowerCase();
  if (prefix === "0x") [base, digits] = [16, body.slice(2)];
  else if (prefix === "0o") [base, digits] = [8, body.slice(2)];
  else if (prefix === "0b") [base, digits] = [2, body.slice(2)];
  else if (body.length > 1 && body[0] === "0") [base, digits] = [8, body.slice(1)];
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base as 2 | 8 | 10 | 16];
  if (!valid.test(digits)) return undefined;
  let value = 0n;
  for (const d of digits.toLowerCase()) value = value * BigInt(base) + BigInt(Number.parseInt(d, 16));
  return negative ? -value : value;
}

function decodeBinary(text: string): string {
  const clean = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) throw new GoYamlError("!!binary value is not valid base64");
  return new TextDecoder().decode(Buffer.from(clean, "base64"));
}
