import { goJsonString } from "./source-values.ts";
/**
 * `remoteRef.property`: a value written into one key of a JSON document, as ESO's AWS provider does with
 * tidwall/sjson (`sjson.SetBytes(current, property, value)`): dotted paths nest (`a.b` is key b inside key a,
 * `a\.b` is the key "a.b"), an existing key keeps its place and only its value is replaced, a new key is
 * appended at the end of its object, missing parents are created, and the value is always a JSON string
 * encoded as sjson does (plain quotes when nothing needs escaping, Go's json.Marshal otherwise).
 *
 * sjson's other path syntax (array indexes, `-1` appends, wildcards, modifiers) is refused with a message
 * rather than guessed at. Linear in the document's size; nesting depth is bounded.
 */

export class PropertyPathError extends Error {
  override readonly name = "PropertyPathError";
}

/** ESO's message when the current secret is not JSON. */
export const NOT_JSON_MESSAGE = "PushSecret for aws secrets manager with a pushSecretData property requires a json secret";

const MAX_DEPTH = 64;

/** `a.b\.c` → ["a", "b.c"]; refuses what sjson would treat as something other than object keys. */
export function parsePropertyPath(property: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < property.length; i++) {
    const c = property[i]!;
    if (c === "\\" && i + 1 < property.length) {
      current += property[++i];
      continue;
    }
    if (c === ".") {
      parts.push(current);
      current = "";
      continue;
    }
    if ("*?|#@!".includes(c)) throw new PropertyPathError(`property "${property}": the character "${c}" (sjson path syntax) is not supported; use plain dotted keys`);
    current += c;
  }
  parts.push(current);
  for (const part of parts) {
    if (part === "") throw new PropertyPathError(`property "${property}": empty path component`);
    // sjson treats a numeric component as an array index (and -1 as append): refused, not guessed.
    if (/^-?\d+$/.test(part) || part.startsWith(":")) throw new PropertyPathError(`property "${property}": array indexes are not supported; use plain dotted keys`);
  }
  if (parts.length > MAX_DEPTH) throw new PropertyPathError(`property "${property}": more than ${MAX_DEPTH} levels`);
  return parts;
}

/** Sets `property` to the string `value` in `document` (empty for a new secret). */
export function setJsonProperty(document: Uint8Array | undefined, property: string, value: Uint8Array): Uint8Array {
  const path = parsePropertyPath(property);
  const text = document && document.length > 0 ? decodeUtf8(document) : "";
  if (text !== "" && !isJson(text)) throw new PropertyPathError(NOT_JSON_MESSAGE);
  const encoded = encodeSjsonString(value);
  if (text.trim() === "") return utf8(buildObject(path, encoded));
  return utf8(setIn(text, 0, path, encoded, 0));
}

/** Sets the path inside the JSON value starting at `start`; returns the whole document. */
function setIn(text: string, start: number, path: readonly string[], encoded: string, depth: number): string {
  if (depth > MAX_DEPTH) throw new PropertyPathError("property: document nested too deeply");
  const open = skipSpace(text, start);
  if (text[open] !== "{") throw new PropertyPathError(`property: "${path[0]}" would be set inside a JSON value that is not an object`);
  const [key, ...rest] = path as [string, ...string[]];
  let i = skipSpace(text, open + 1);
  let lastMemberEnd = -1;
  while (text[i] !== "}") {
    const keyEnd = scanString(text, i);
    const name = JSON.parse(text.slice(i, keyEnd)) as string;
    const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const valueEnd = scanValue(text, valueStart);
    if (name === key) {
      if (rest.length === 0) return text.slice(0, valueStart) + encoded + text.slice(valueEnd);
      return setIn(text, valueStart, rest, encoded, depth + 1);
    }
    lastMemberEnd = valueEnd;
    i = skipSpace(text, valueEnd);
    if (text[i] === ",") i = skipSpace(text, i + 1);
  }
  const member = `${encodeSjsonKey(key)}:${rest.length === 0 ? encoded : buildObject(rest, encoded)}`;
  return text.slice(0, i) + (lastMemberEnd >= 0 ? "," : "") + member + text.slice(i);
}

function buildObject(path: readonly string[], encoded: string): string {
  let out = encoded;
  for (let i = path.length - 1; i >= 0; i--) out = `{${encodeSjsonKey(path[i]!)}:${out}}`;
  return out;
}

function encodeSjsonKey(key: string): string {
  return encodeSjsonString(utf8(key));
}

/**
 * sjson's string encoding: quoted as is unless a byte is a control character, non-ASCII, `"` or `\`, in
 * which case Go's json.Marshal (HTML characters as \u003c etc., U+2028/2029 escaped, invalid UTF-8 as U+FFFD).
 */
export function encodeSjsonString(value: Uint8Array): string {
  const plain = value.every((b) => b >= 0x20 && b <= 0x7f && b !== 0x22 && b !== 0x5c);
  const text = new TextDecoder("utf-8").decode(value);
  if (plain) return `"${text}"`;
  return goJsonMarshalString(text);
}

/** Go's encoding/json for a string (escapeHTML on, json.Marshal's default). */
export function goJsonMarshalString(text: string): string {
  return goJsonString(text, { escapeHTML: true });
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new PropertyPathError(NOT_JSON_MESSAGE);
  }
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  return i;
}

/** The index after the string starting at `i` (a `"`). The document is known to be valid JSON. */
function scanString(text: string, i: number): number {
  i++;
  while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
  return i + 1;
}

/** The index after the JSON value starting at `i` (iterative, so depth costs no stack). */
function scanValue(text: string, i: number): number {
  let depth = 0;
  do {
    const c = text[i];
    if (c === '"') i = scanString(text, i);
    else if (c === "{" || c === "[") {
      depth++;
      i++;
    } else if (c === "}" || c === "]") {
      depth--;
      i++;
    } else if (depth === 0) {
      // A literal or number at the top of this value.
      while (i < text.length && !",}] \t\n\r".includes(text[i]!)) i++;
    } else i++;
  } while (depth > 0 && i < text.length);
  return i;
}
