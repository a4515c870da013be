/**
 * What a `data[]` entry takes from the source Secret, byte for byte as ESO: one key's value, or (an empty
 * `secretKey`) the whole Secret as a JSON object, encoded as ESO's esutils.JSONMarshal does (Go's
 * encoding/json with HTML escaping off, keys sorted, no trailing newline). `conversionStrategy:
 * ReverseUnicode` first turns `_UXXXX_` sequences in key names back into the characters (ESO ReverseKeys).
 */
import type { PushConversionStrategy } from "../apis/push-secret.ts";

export type SourceData = ReadonlyMap<string, Uint8Array>;

/** The source Secret's `.data`, decoded. */
export function sourceDataOf(secret: { data?: Record<string, string> | undefined } | undefined): Map<string, Uint8Array> {
  return new Map(Object.entries(secret?.data ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, "base64"))]));
}

/** ESO's `_U([0-9a-fA-F]{4,5})_` (esutils unicodeRegex). */
const UNICODE_ESCAPE = /_U([0-9a-fA-F]{4,5})_/g;

/**
 * ESO's ReverseKeys: undoes the Unicode key conversion of an ExternalSecret (`_U0040_` → `@`, `_U1F600_` → 😀);
 * a code point Go cannot print (a surrogate) becomes U+FFFD as Go's %c makes it; two keys that become one
 * are refused with ESO's message.
 */
export function reverseKeys(data: SourceData, strategy: PushConversionStrategy): SourceData {
  if (strategy !== "ReverseUnicode") return data;
  const out = new Map<string, Uint8Array>();
  for (const [key, value] of data) {
    const reversed = key.replace(UNICODE_ESCAPE, (_m, hex: string) => {
      const code = Number.parseInt(hex, 16);
      return (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff ? "\uFFFD" : String.fromCodePoint(code);
    });
    if (out.has(reversed)) throw new MissingKeyError(`secret name collision during conversion: ${reversed}`);
    out.set(reversed, value);
  }
  return out;
}

export class MissingKeyError extends Error {
  override readonly name = "MissingKeyError";
}

/** The bytes an entry pushes: a key's value, or the whole Secret as ESO's JSON of decoded strings. */
export function entryValue(data: SourceData, secretKey: string | undefined): Uint8Array {
  if (!secretKey) return wholeSecretJson(data, "decoded");
  const value = data.get(secretKey);
  // ESO's words, naming the key only.
  if (!value) throw new MissingKeyError(`secret key ${secretKey} does not exist`);
  return value;
}

/**
 * The whole Secret as JSON. `decoded`: values as strings (ESO's ExtractSecretData, and Parameter Store with
 * encodeAsDecoded); `base64`: Go's encoding of []byte (Parameter Store's default).
 */
export function wholeSecretJson(data: SourceData, values: "decoded" | "base64"): Uint8Array {
  const keys = [...data.keys()].sort(compareBytes);
  const members = keys.map((k) => {
    const v = data.get(k)!;
    const encoded = values === "base64" ? `"${Buffer.from(v).toString("base64")}"` : goJsonString(new TextDecoder("utf-8").decode(v));
    return `${goJsonString(k)}:${encoded}`;
  });
  return new TextEncoder().encode(`{${members.join(",")}}`);
}

/**
 * Go's encoding/json string. With SetEscapeHTML(false) (the default here) <, >, & stay; json.Marshal escapes
 * them (escapeHTML). U+2028/2029 and controls are always escaped.
 */
export function goJsonString(text: string, { escapeHTML = false }: { escapeHTML?: boolean } = {}): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x2028 || c === 0x2029 || (escapeHTML && (ch === "<" || ch === ">" || ch === "&"))) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go's string order (bytes of UTF-8), for sorted map keys. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
