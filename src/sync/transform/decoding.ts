/**
 * ESO's decodingStrategy (runtime/decoding Decode): how a fetched value is turned into the bytes stored
 * in the Secret. Auto tries standard base64, then URL-safe base64, and falls back to the value as is.
 */
import { decodeBase64Go } from "./base64.ts";

export const DECODING_STRATEGIES = ["None", "Base64", "Base64URL", "Auto"] as const;
export type DecodingStrategy = (typeof DECODING_STRATEGIES)[number];

export class DecodingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DecodingError";
  }
}

/**
 * Decodes one value. The strategy is a string because it comes from the spec as written; "" (a
 * v1alpha1 object stored without the field) means None, as in ESO. Throws DecodingError.
 */
export function decodeValue(value: Uint8Array, strategy: string): Uint8Array {
  switch (strategy) {
    case "None":
    case "":
      return value;
    case "Base64":
      return decodeOrThrow(value, "std");
    case "Base64URL":
      return decodeOrThrow(value, "url");
    case "Auto":
      try {
        return decodeBase64Go(value, "std");
      } catch {
        try {
          return decodeBase64Go(value, "url");
        } catch {
          return value;
        }
      }
    default:
      throw new DecodingError(`decoding strategy ${strategy} is not supported`);
  }
}

function decodeOrThrow(value: Uint8Array, alphabet: "std" | "url"): Uint8Array {
  try {
    return decodeBase64Go(value, alphabet);
  } catch (err) {
    throw new DecodingError((err as Error).message, { cause: err });
  }
}

/** ESO's DecodeMap: every value, failing on the first that does not decode ("failure decoding key k: ..."). */
export function decodeValues(values: ReadonlyMap<string, Uint8Array>, strategy: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [key, value] of values) {
    try {
      out.set(key, decodeValue(value, strategy));
    } catch (err) {
      throw new DecodingError(`failure decoding key ${key}: ${(err as Error).message}`, { cause: err });
    }
  }
  return out;
}
