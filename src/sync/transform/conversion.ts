/**
 * ESO's conversionStrategy for dataFrom keys (runtime/esutils convert): every character that is not a
 * Unicode letter, a Unicode number, '-', '.' or '_' is replaced, by "_" (Default) or by "_U" + its code
 * point in at least four lowercase hex digits + "_" (Unicode: "/" becomes "_U002f_", "😀" "_U1f600_").
 * Note ESO tests Go's unicode.IsLetter/IsNumber, so "é" or "日" are kept, though Kubernetes itself only
 * accepts [-._a-zA-Z0-9] in Secret keys.
 */

export const CONVERSION_STRATEGIES = ["Default", "Unicode"] as const;
export type ConversionStrategy = (typeof CONVERSION_STRATEGIES)[number];

const KEEP = /^[\p{L}\p{N}._-]$/u;

/**
 * Converts one key. "" means Default (the field omitted), as in current ESO; an unknown strategy
 * leaves the key as it is, as ESO's switch does.
 */
export function convertKey(key: string, strategy: string): string {
  if (strategy !== "" && strategy !== "Default" && strategy !== "Unicode") return key;
  let out = "";
  for (const ch of key) {
    if (KEEP.test(ch)) out += ch;
    else if (strategy === "Unicode") out += `_U${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}_`;
    else out += "_";
  }
  return out;
}

export class KeyCollisionError extends Error {
  readonly key: string;

  constructor(key: string) {
    super(`secret name collision during conversion: ${key}`);
    this.name = "KeyCollisionError";
    this.key = key;
  }
}

/** ESO's ConvertKeys: converts every key and fails when two keys convert to the same one. */
export function convertKeys(values: ReadonlyMap<string, Uint8Array>, strategy: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [key, value] of values) {
    const converted = convertKey(key, strategy);
    if (out.has(converted)) throw new KeyCollisionError(converted);
    out.set(converted, value);
  }
  return out;
}
