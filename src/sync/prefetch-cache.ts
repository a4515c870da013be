import type { ReadOutcome } from "../providers/provider.ts";

interface Entry {
  /** The ExternalSecret's `<generation>-<labels/annotations hash>` when its values were read. */
  version: string;
  outcomes: Map<string, ReadOutcome>;
  expiresAt: number;
}

/**
 * Outcomes read ahead for specific ExternalSecrets that are about to refresh. Not a value cache: an entry
 * belongs to one ExternalSecret, is taken once by its next reconcile, and only if that ExternalSecret has not
 * changed since (a force-sync or spec edit after the read gets a fresh read); anything not taken expires
 * after `ttlMs`. Values live only in memory, like every value on its way to a Secret.
 */
export class PrefetchCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { ttlMs: number; now: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#now = options.now;
  }

  put(externalSecret: string, version: string, outcomes: Map<string, ReadOutcome>): void {
    this.#entries.set(externalSecret, { version, outcomes, expiresAt: this.#now() + this.#ttlMs });
  }

  /** Whether a fresh entry is waiting for this ExternalSecret at this version. */
  has(externalSecret: string, version: string): boolean {
    const e = this.#live(externalSecret);
    return e !== undefined && e.version === version;
  }

  /** Takes (removes) the entry if it is fresh and for this version. */
  take(externalSecret: string, version: string): Map<string, ReadOutcome> | undefined {
    const e = this.#live(externalSecret);
    this.#entries.delete(externalSecret);
    return e && e.version === version ? e.outcomes : undefined;
  }

  /** Drops expired entries. */
  sweep(): void {
    const now = this.#now();
    for (const [k, e] of this.#entries) if (e.expiresAt <= now) this.#entries.delete(k);
  }

  get size(): number {
    return this.#entries.size;
  }

  #live(externalSecret: string): Entry | undefined {
    const e = this.#entries.get(externalSecret);
    if (e && e.expiresAt <= this.#now()) {
      this.#entries.delete(externalSecret);
      return undefined;
    }
    return e;
  }
}
