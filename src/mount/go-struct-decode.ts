/**
 * The second half of sigs.k8s.io/yaml.Unmarshal into Go structs, as ASCP decodes `objects`: yaml.v2's value
 * is turned into JSON — numbers and booleans become strings where the target field is a string, map keys are
 * sorted (json.Marshal) — and encoding/json decodes that into the structs:
 *   - field names match exactly, else case-insensitively (Go's simple folding: "ObjectAlias", "OBJECTALIAS",
 *     even "objectAliaſ" with a long s all set objectAlias);
 *   - of several keys naming one field, the last in byte order wins ("objectName" beats "ObjectName");
 *     a struct given twice is merged, a list given twice is decoded over the first one element by element;
 *   - unknown fields are ignored; null leaves a string or struct as it was and empties a list;
 *   - a value of the wrong shape (a list for a string) fails the whole decode.
 * sigs.k8s.io/yaml yaml.go (convertToJSONableObject), encoding/json decode.go (object, array) and fold.go.
 */
import type { GoValue } from "./go-yaml.ts";

export type FieldSchema =
  | { kind: "string" }
  /** Ferry's own boolean fields: a YAML boolean, or a string Go's ParseBool accepts. */
  | { kind: "bool" }
  | { kind: "struct"; fields: Readonly<Record<string, FieldSchema>> }
  | { kind: "list"; of: FieldSchema & { kind: "struct" } };

/** A decoded string field, and whether YAML gave it as a number (sigs.k8s.io/yaml formats it; ASCP never knows). */
export interface DecodedString {
  value: string;
  fromNumber: boolean;
}

export interface DecodedStruct {
  [field: string]: DecodedString | boolean | DecodedStruct | DecodedStruct[] | undefined;
}

export class GoDecodeError extends Error {
  override readonly name = "GoDecodeError";
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field} ${message}`);
    this.field = field;
  }
}

/** A struct with every field at its Go zero value (strings empty, lists empty, nested structs zero). */
export function zeroStruct(schema: FieldSchema & { kind: "struct" }): DecodedStruct {
  const out: DecodedStruct = {};
  for (const [name, field] of Object.entries(schema.fields)) {
    if (field.kind === "string") out[name] = { value: "", fromNumber: false };
    else if (field.kind === "struct") out[name] = zeroStruct(field);
    else if (field.kind === "list") out[name] = [];
  }
  return out;
}

/** Decodes a YAML mapping into `target` (mutated, as encoding/json decodes into an existing value). */
export function decodeStruct(target: DecodedStruct, value: GoValue, schema: FieldSchema & { kind: "struct" }, path: string): void {
  if (value.kind === "null") return;
  if (value.kind !== "map") throw new GoDecodeError(path || "entry", `must be a mapping, got ${shapeOf(value)}`);
  const byKey = new Map<string, GoValue>();
  for (const { key, value: v } of value.entries) byKey.set(jsonKey(key, path), v);
  const keys = [...byKey.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const names = Object.keys(schema.fields);
  for (const key of keys) {
    const v = byKey.get(key)!;
    const name = names.find((n) => n === key) ?? names.find((n) => foldName(n) === foldName(key));
    const fieldPath = path ? `${path}.${name ?? key}` : (name ?? key);
    if (name === undefined) {
      checkMarshalable(v, fieldPath);
      continue;
    }
    const field = schema.fields[name]!;
    if (field.kind === "string") {
      const s = decodeString(v, fieldPath);
      if (s !== undefined) target[name] = s;
    } else if (field.kind === "bool") {
      const b = decodeBool(v, fieldPath);
      if (b !== undefined) target[name] = b;
    } else if (field.kind === "struct") {
      decodeStruct(target[name] as DecodedStruct, v, field, fieldPath);
    } else {
      target[name] = decodeList(target[name] as DecodedStruct[] & { backing?: DecodedStruct[] }, v, field, fieldPath);
    }
  }
}

function decodeString(v: GoValue, path: string): DecodedString | undefined {
  switch (v.kind) {
    case "null":
      return undefined;
    case "string":
      return { value: v.value, fromNumber: false };
    case "bool":
      return { value: String(v.value), fromNumber: false };
    case "int":
    case "uint":
      return { value: v.value.toString(), fromNumber: true };
    case "float":
      return { value: formatFloat32G(v.value), fromNumber: true };
    default:
      throw new GoDecodeError(path, `must be a string, got ${shapeOf(v)}`);
  }
}

function decodeBool(v: GoValue, path: string): boolean | undefined {
  if (v.kind === "null") return undefined;
  if (v.kind === "bool") return v.value;
  if (v.kind === "string") {
    if (["1", "t", "T", "TRUE", "true", "True"].includes(v.value)) return true;
    if (["0", "f", "F", "FALSE", "false", "False"].includes(v.value)) return false;
  }
  throw new GoDecodeError(path, `must be true or false, got ${v.kind === "string" ? JSON.stringify(v.value) : shapeOf(v)}`);
}

/**
 * encoding/json into a slice: null empties it; a list is decoded element by element into the slice's
 * backing array, reusing (merging into) elements already there, then the length is set — so a list given
 * twice under two spellings of the key merges element-wise. The backing array is kept on the result.
 */
function decodeList(current: DecodedStruct[] & { backing?: DecodedStruct[] }, v: GoValue, schema: FieldSchema & { kind: "list" }, path: string): DecodedStruct[] {
  if (v.kind === "null") return [];
  if (v.kind !== "seq") throw new GoDecodeError(path, `must be a list, got ${shapeOf(v)}`);
  const backing = current.backing ?? [...current];
  v.items.forEach((item, i) => {
    backing[i] ??= zeroStruct(schema.of);
    decodeStruct(backing[i], item, schema.of, `${path}[${i}]`);
  });
  const out = backing.slice(0, v.items.length) as DecodedStruct[] & { backing?: DecodedStruct[] };
  Object.defineProperty(out, "backing", { value: backing, enumerable: false });
  return out;
}

/** sigs.k8s.io/yaml: map keys become JSON strings; null and collections cannot. */
function jsonKey(key: GoValue, path: string): string {
  switch (key.kind) {
    case "string":
      return key.value;
    case "int":
      return key.value.toString();
    case "bool":
      return String(key.value);
    case "float": {
      const s = formatFloat32G(key.value);
      return s === "+Inf" ? ".inf" : s === "-Inf" ? "-.inf" : s === "NaN" ? ".nan" : s;
    }
    default:
      throw new GoDecodeError(path || "entry", `has an unsupported map key (${shapeOf(key)})`);
  }
}

/** json.Marshal refuses NaN and infinities even in fields nobody reads, and sigs.k8s.io/yaml refuses odd keys. */
function checkMarshalable(v: GoValue, path: string): void {
  if (v.kind === "float" && !Number.isFinite(v.value)) throw new GoDecodeError(path, `has a value JSON cannot carry (${formatFloat32G(v.value)})`);
  if (v.kind === "seq") v.items.forEach((item, i) => checkMarshalable(item, `${path}[${i}]`));
  if (v.kind === "map") {
    for (const e of v.entries) {
      checkMarshalable(e.value, `${path}.${jsonKey(e.key, path)}`);
    }
  }
}

function shapeOf(v: GoValue): string {
  return { null: "null", string: "a string", bool: "a boolean", int: "a number", uint: "a number", float: "a number", seq: "a list", map: "a mapping" }[v.kind];
}

/** encoding/json foldName: ASCII upper-cased; ſ (U+017F) folds to S and the Kelvin sign (U+212A) to K. */
export function foldName(name: string): string {
  return name.replace(/[a-z]/g, (c) => c.toUpperCase()).replaceAll("\u017f", "S").replaceAll("\u212a", "K");
}

/**
 * strconv.FormatFloat(f, 'g', -1, 32), which sigs.k8s.io/yaml uses for a float going into a string field:
 * the shortest digits that read back as the same float32; exponent form ("1e+06", "1e-07") when the
 * exponent is below -4 or at least 6 (strconv ftoa.go formatDigits: "if shortest { eprec = 6 }").
 */
export function formatFloat32G(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  const x = Math.fround(f);
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const abs = Math.abs(x);
  if (abs === 0) return `${sign}0`;
  let digits = "0";
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const [mant = "0", e = "0"] = abs.toExponential(p - 1).split("e");
    if (Math.fround(Number(`${mant}e${e}`)) === abs) {
      digits = mant.replace(".", "").replace(/0+$/, "") || "0";
      exp = Number(e);
      break;
    }
  }
  if (exp < -4 || exp >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}e${exp < 0 ? "-" : "+"}${Math.abs(exp).toString().padStart(2, "0")}`;
  }
  const point = exp + 1;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
