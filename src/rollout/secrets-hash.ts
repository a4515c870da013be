import { createHmac } from "node:crypto";

export interface SecretDigest {
  name: string;
  /** A digest of the Secret's data (src/sync/data-hash.ts), never the data. */
  digest: string;
}

/**
 * The value of the pod template annotation that rolls a workload: an HMAC over the names and data digests of
 * the Secrets that trigger it, sorted by name. Keyed, because the template is readable by people who may not
 * read the Secrets: a plain hash (what Reloader writes) lets them test guesses of a weak value offline.
 * Equal content gives an equal value under one key, so a change and its revert before the rollout cost nothing.
 */
export function secretsHash(key: Uint8Array, secrets: readonly SecretDigest[]): string {
  const h = createHmac("sha256", key).update("ferry-rollout\0");
  for (const s of [...secrets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    h.update(s.name).update("\0").update(s.digest).update("\0");
  }
  return h.digest("hex").slice(0, 32);
}

/**
 * How long a workload waits before its next rollout: none for the first change, then the rest of the
 * debounce window since the last one, so a burst of changes (several Secrets rotated together, a value
 * changed twice) is at most one rollout per window, the last one carrying the latest data.
 */
export function rolloutDelayMs(lastRolloutAt: number | undefined, now: number, windowMs: number): number {
  if (lastRolloutAt === undefined) return 0;
  return Math.max(0, lastRolloutAt + windowMs - now);
}
