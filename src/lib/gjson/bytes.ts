/**
 * Byte strings: JavaScript strings whose every code unit is one byte (0-255), as Node's "latin1"
 * encoding produces. gjson works on Go strings, which are byte sequences that need not be UTF-8; keeping
 * the same representation lets the evaluator index, slice and compare exactly as Go does, so payloads
 * that are binary or not valid UTF-8 (SecretBinary) give the same bytes as ESO.
 */
export type ByteString = string;

export function bytesToByteString(bytes: Uint8Array): ByteString {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** UTF-8 encodes text (lone surrogates become U+FFFD, as Go's string conversion does). */
export function textToByteString(text: string): ByteString {
  return Buffer.from(text, "utf8").toString("latin1");
}

export function toByteString(input: Uint8Array | string): ByteString {
  return typeof input === "string" ? textToByteString(input) : bytesToByteString(input);
}

export function byteStringToBytes(s: ByteString): Uint8Array {
  return new Uint8Array(Buffer.from(s, "latin1"));
}

/** Decodes UTF-8 bytes to text; invalid sequences become U+FFFD. */
export function byteStringToText(s: ByteString): string {
  return Buffer.from(s, "latin1").toString("utf8");
}
