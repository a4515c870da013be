/**
 * ESO's AWS Secrets Manager rule for `remoteRef.property` (providers/v1/aws/secretsmanager,
 * escapeDotsIfRequired + GetSecret): a property with dots first tries the dots as literal key
 * characters (`a.b` as the single key "a.b"), and only when that finds nothing are the dots a path.
 * The value is gjson's Result.String(): strings unquoted, numbers and booleans as text, objects and
 * arrays as their raw JSON, null as "".
 */
import { byteStringToBytes, byteStringToText, toByteString } from "./bytes.ts";
import { getRaw } from "./get.ts";
import { resultExists, resultString } from "./result.ts";

export type PropertySelection =
  | { found: true; value: string; /** The value's exact bytes (the payload may not be UTF-8). */ bytes: Uint8Array }
  | { found: false };

/** The gjson path ESO evaluates for `property` on this payload. */
export function effectivePropertyPath(payload: Uint8Array | string, property: string): string {
  if (!property.includes(".")) return property;
  const escaped = property.replaceAll(".", "\\.");
  return resultExists(getRaw(toByteString(payload), toByteString(escaped))) ? escaped : property;
}

/**
 * Selects `property` from a secret payload as ESO does. Not found is ESO's "key ... does not exist in
 * secret ..." error. Throws GjsonUnsupportedError for gjson syntax Ferry does not evaluate.
 */
export function selectProperty(payload: Uint8Array | string, property: string): PropertySelection {
  const json = toByteString(payload);
  const path = effectivePropertyPath(payload, property);
  const r = getRaw(json, toByteString(path));
  if (!resultExists(r)) return { found: false };
  const value = resultString(r);
  return { found: true, value: byteStringToText(value), bytes: byteStringToBytes(value) };
}
