import { randomBytes } from "node:crypto";
import { ContentHasher } from "../write-through/content-hash.ts";

/**
 * Version tokens (ClientRequestToken, hence the AWS version id) of PushSecret writes, derived as the
 * write-through path derives them: a keyed hash of the secret's name, the version being replaced and the
 * content. A retried write is the same write (AWS accepts the token again), going back to an earlier value
 * (A → B → A) is a new one. Keyed, because version ids are visible to anyone with DescribeSecret and a plain
 * hash would let them test guesses of a weak value. The key is per process unless one is configured:
 * idempotency matters for a retry within one reconcile, and across restarts the compare-before-write makes
 * a repeated write a no-op anyway.
 */
export class VersionTokens {
  readonly #hasher: ContentHasher;

  constructor(key: Uint8Array = randomBytes(32)) {
    this.#hasher = new ContentHasher(key);
  }

  tokenFor(remoteName: string, previousVersionId: string | undefined, value: Uint8Array): string {
    return this.#hasher.versionToken(remoteName, previousVersionId, this.#hasher.contentHash({ encoding: "text", bytes: value }));
  }
}
