import { realClock, type Clock } from "./clock.ts";

/** How long a failing key waits before its next attempt (client-go workqueue.RateLimiter). */
export interface RateLimiter {
  /** The delay for this key's next retry; each call counts one failure. */
  when(key: string): number;
  /** Clears the key's failure history (call on success). */
  forget(key: string): void;
  /** Failures counted for the key since it was last forgotten. */
  numRequeues(key: string): number;
}

/**
 * Per-key exponential backoff: base * 2^failures, capped. Each key backs off on its own, so one broken
 * ExternalSecret does not slow the others.
 */
export class ItemExponentialRateLimiter implements RateLimiter {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #failures = new Map<string, number>();

  constructor(baseMs: number, maxMs: number) {
    this.#baseMs = baseMs;
    this.#maxMs = maxMs;
  }

  when(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    // 2^failures overflows to Infinity long before it matters; min() keeps it at the cap.
    return Math.min(this.#maxMs, this.#baseMs * 2 ** failures);
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}

/**
 * A global token bucket (golang.org/x/time/rate reservation semantics, as client-go's BucketRateLimiter):
 * every retry takes a token, and once the burst is spent retries are spaced at `perSecond`, so a mass
 * failure (the provider is down for every key) cannot turn into a retry storm against AWS.
 */
export class TokenBucketRateLimiter implements RateLimiter {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  constructor(perSecond: number, burst: number, clock: Clock = realClock) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#last = clock.monotonic();
  }

  when(_key: string): number {
    const now = this.#clock.monotonic();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#perSecond);
    this.#last = now;
    // Reserve a token even when none is left: the balance goes negative and the delay is the time to pay it back.
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#perSecond) * 1000;
  }

  forget(_key: string): void {}

  numRequeues(_key: string): number {
    return 0;
  }
}

/** The longest delay of several limiters (client-go MaxOfRateLimiter). */
export class MaxOfRateLimiter implements RateLimiter {
  readonly #limiters: RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.#limiters = limiters;
  }

  when(key: string): number {
    return Math.max(0, ...this.#limiters.map((l) => l.when(key)));
  }

  forget(key: string): void {
    for (const l of this.#limiters) l.forget(key);
  }

  numRequeues(key: string): number {
    return Math.max(0, ...this.#limiters.map((l) => l.numRequeues(key)));
  }
}

/**
 * ESO's controller rate limiter: per-key 1 s doubling to 7 min, combined with a global 10/s bucket with a
 * burst of 100.
 */
export function defaultControllerRateLimiter(clock: Clock = realClock): RateLimiter {
  return new MaxOfRateLimiter(new ItemExponentialRateLimiter(1_000, 7 * 60_000), new TokenBucketRateLimiter(10, 100, clock));
}
