import type { AwsCredentials, Clock, CredentialSource } from "./credentials.ts";

export interface CachedCredentialsOptions {
  fetch: () => Promise<AwsCredentials>;
  now: Clock;
  /** Credentials are renewed this long before they expire (the SDK's own window is also 5 minutes). */
  refreshBeforeExpiryMs?: number;
  /**
   * Credentials without an expiry (static keys read from a Secret) are re-fetched after this long, so a
   * rotated key is picked up without a store edit. Unset: kept until invalidated.
   */
  maxAgeMs?: number;
  /** After a failed renewal, still-valid credentials are served this long before the next attempt. */
  retryAfterFailureMs?: number;
  /** `invalidate` keeps credentials younger than this. */
  minAgeToInvalidateMs?: number;
}

export const DEFAULT_REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/**
 * One hop of a credential chain, cached until it is close to expiry. This is where Ferry differs from ESO,
 * which builds new credential providers on every reconcile and so pays an STS call per refresh
 * (ESO #1194: one AssumeRoleWithWebIdentity next to every GetParameter). Concurrent callers during a
 * renewal share the one in-flight fetch. When a renewal fails while the current credentials are still
 * valid, those are served (and renewal retried later) rather than failing every read during an STS blip.
 */
export class CachedCredentials implements CredentialSource {
  readonly #fetch: () => Promise<AwsCredentials>;
  readonly #now: Clock;
  readonly #refreshBeforeExpiryMs: number;
  readonly #maxAgeMs: number | undefined;
  readonly #retryAfterFailureMs: number;
  readonly #minAgeToInvalidateMs: number;
  #current: { credentials: AwsCredentials; obtainedAt: number } | undefined;
  #inFlight: Promise<AwsCredentials> | undefined;
  #nextAttemptAt = 0;

  constructor(options: CachedCredentialsOptions) {
    this.#fetch = options.fetch;
    this.#now = options.now;
    this.#refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? DEFAULT_REFRESH_BEFORE_EXPIRY_MS;
    this.#maxAgeMs = options.maxAgeMs;
    this.#retryAfterFailureMs = options.retryAfterFailureMs ?? 30_000;
    this.#minAgeToInvalidateMs = options.minAgeToInvalidateMs ?? 5_000;
  }

  async get(): Promise<AwsCredentials> {
    const now = this.#now();
    const current = this.#current;
    if (current && this.#isFresh(current, now)) return current.credentials;
    if (current && this.#isUsable(current, now) && now < this.#nextAttemptAt) return current.credentials;
    try {
      return await this.#renew();
    } catch (err) {
      const still = this.#current;
      if (still && this.#isUsable(still, this.#now())) {
        this.#nextAttemptAt = this.#now() + this.#retryAfterFailureMs;
        return still.credentials;
      }
      throw err;
    }
  }

  invalidate(): void {
    if (this.#current && this.#now() - this.#current.obtainedAt >= this.#minAgeToInvalidateMs) {
      this.#current = undefined;
      this.#nextAttemptAt = 0;
    }
  }

  #renew(): Promise<AwsCredentials> {
    this.#inFlight ??= this.#fetch()
      .then((credentials) => {
        this.#current = { credentials, obtainedAt: this.#now() };
        this.#nextAttemptAt = 0;
        return credentials;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  #isFresh(entry: { credentials: AwsCredentials; obtainedAt: number }, now: number): boolean {
    const { expiration } = entry.credentials;
    if (expiration !== undefined) return expiration.getTime() - now > this.#refreshBeforeExpiryMs;
    return this.#maxAgeMs === undefined || now - entry.obtainedAt < this.#maxAgeMs;
  }

  /** Expiring credentials can be used until they expire; static keys past their age are re-read, not reused. */
  #isUsable(entry: { credentials: AwsCredentials; obtainedAt: number }, now: number): boolean {
    const { expiration } = entry.credentials;
    return expiration !== undefined && expiration.getTime() > now;
  }
}
