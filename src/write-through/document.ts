/**
 * The Secrets Manager document a Secret becomes: one JSON object of its keys, so one AWS secret holds the
 * whole Secret (NASE stored one key and left the others in etcd) and an ExternalSecret `dataFrom.extract`
 * gives the keys back. Binary-safe: values are text when every value is UTF-8 (what other AWS consumers
 * expect to read), and base64 for all of them when any is not, recorded as the encoding.
 */

export type Encoding = "text" | "base64";

export interface SecretDocument {
  /** The SecretString, UTF-8. Keys sorted, so equal content is byte-for-byte equal. */
  bytes: Uint8Array;
  encoding: Encoding;
}

/** Secrets Manager's limit for a SecretString. */
export const SECRETS_MANAGER_MAX_BYTES = 65_536;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function asText(value: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(value);
  } catch {
    return undefined;
  }
}

export function encodeDocument(values: ReadonlyMap<string, Uint8Array>): SecretDocument {
  const keys = [...values.keys()].sort();
  const texts = keys.map((k) => asText(values.get(k)!));
  const allText = texts.every((t) => t !== undefined);
  const object: Record<string, string> = {};
  keys.forEach((key, i) => {
    object[key] = allText ? texts[i]! : Buffer.from(values.get(key)!).toString("base64");
  });
  return { bytes: new TextEncoder().encode(JSON.stringify(object)), encoding: allText ? "text" : "base64" };
}

/**
 * The values of a document Ferry wrote, e.g. to keep the keys a partial update leaves alone. The error
 * never quotes the document (V8's JSON.parse messages quote their input).
 */
export function decodeDocument(bytes: Uint8Array, encoding: Encoding): Map<string, Uint8Array> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error("the current AWS version is not a JSON document Ferry wrote");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("the current AWS version is not a JSON object");
  const values = new Map<string, Uint8Array>();
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value !== "string") throw new Error(`the current AWS version has a non-string value for key "${key}"`);
    values.set(key, encoding === "base64" ? Buffer.from(value, "base64") : new TextEncoder().encode(value));
  }
  return values;
}

/** Denial text for an oversize document; sizes and the limit only. */
export function oversizeMessage(size: number): string {
  return `the Secret's data is ${size} bytes as a Secrets Manager JSON document, over the ${SECRETS_MANAGER_MAX_BYTES}-byte (64 KiB) limit of a secret value; split it into several Secrets`;
}
