import { Backoff } from "../runtime/backoff.ts";

export interface CallBackoffOptions {
  /** Monotonic milliseconds (Clock.monotonic). */
  now: () => number;
  /** First wait after a failed call; default 2 s. */
  initialMs?: number;
  /** Longest wait; default 60 s. */
  maxMs?: number;
  random?: () => number;
}

/**
 * Backoff for one provider client as a whole, after a call failed as a whole (AWS down, throttling, the
 * store's credentials refused): until the wait is over, reads fail at once with that same error instead of
 * each ExternalSecret sending its own call. Per-ExternalSecret backoff alone does not bound the call rate:
 * 200 ExternalSecrets retrying on their own schedules are 200 calls per round where a healthy refresh
 * batches them into 10 (the measured ~10x during an AWS outage). With this, an outage costs one probing
 * call per wait, and the first success ends it. Failures of single secrets (missing, denied) are outcomes,
 * not call failures, and never trip it.
 */
export class CallBackoff {
  readonly #now: () => number;
  readonly #backoff: Backoff;
  #failure: { error: unknown; retryAt: number } | undefined;

  constructor(options: CallBackoffOptions) {
    this.#now = options.now;
    // Jitter up to 20 %: clients of stores cut by one outage do not probe in lockstep.
    this.#backoff = new Backoff({ initialMs: options.initialMs ?? 2_000, maxMs: options.maxMs ?? 60_000, jitter: 0.2, ...(options.random ? { random: options.random } : {}) });
  }

  /** The error to fail with now, while waiting after a failed call; undefined when a call may go out. */
  blocked(): unknown {
    if (this.#failure && this.#now() < this.#failure.retryAt) return this.#failure.error;
    return undefined;
  }

  /** Whether the last call failed (the client is in an outage, probing or waiting). */
  get failing(): boolean {
    return this.#failure !== undefined;
  }

  /** A call failed as a whole: wait longer before the next one. */
  failed(error: unknown): void {
    this.#failure = { error, retryAt: this.#now() + this.#backoff.next() };
  }

  /** A call went through: no more waiting. Returns whether this ended an outage. */
  succeeded(): boolean {
    const recovered = this.#failure !== undefined;
    this.#failure = undefined;
    this.#backoff.reset();
    return recovered;
  }
}
