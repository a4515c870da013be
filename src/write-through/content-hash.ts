import { createHmac } from "node:crypto";
import type { SecretDocument } from "./document.ts";

/** At least this much key material: the hash must not be guessable from a weak secret value. */
export const MIN_KEY_BYTES = 32;

/**
 * Keyed hashes of content. Both are visible to people who cannot read the values (the content hash in the
 * Secret's annotations, the version token as the AWS version id), so a plain SHA-256 would let anyone with
 * `get secrets` or `secretsmanager:DescribeSecret` test guesses of a weak password offline; an HMAC with a
 * key only the webhook holds does not.
 */
export class ContentHasher {
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    if (key.length < MIN_KEY_BYTES) throw new Error(`the content hash key must be at least ${MIN_KEY_BYTES} bytes, got ${key.length}`);
    this.#key = key;
  }

  /** Recorded on the Secret: equal for equal content (same keys, values and encoding). */
  contentHash(document: SecretDocument): string {
    return this.#hmac(["content", document.encoding], document.bytes).toString("hex");
  }

  /**
   * The ClientRequestToken, hence the version id, of a write: derived from the secret, the version the write
   * replaces and the content. A retried admission derives the same token and AWS treats it as the same write;
   * going back to earlier content later (A → B → A) replaces a different version, so it gets a new token
   * (a known token would be ignored by AWS and leave B current).
   */
  versionToken(remoteName: string, previousVersionId: string | undefined, contentHash: string): string {
    const digest = this.#hmac(["version", remoteName, previousVersionId ?? ""], new TextEncoder().encode(contentHash));
    return uuidShaped(digest);
  }

  #hmac(parts: string[], bytes: Uint8Array): Buffer {
    const h = createHmac("sha256", this.#key);
    for (const p of parts) h.update(p).update("\0");
    return h.update(bytes).digest();
  }
}

/** 16 bytes as an RFC 9562 version 8 (custom) UUID: AWS generates UUIDs for version ids, so ours look alike. */
function uuidShaped(digest: Buffer): string {
  const b = Buffer.from(digest.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
