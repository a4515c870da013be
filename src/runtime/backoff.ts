import { jitter } from "./jitter.ts";

export interface BackoffOptions {
  /** First delay; default 800 ms (client-go's reflector). */
  initialMs?: number;
  /** Cap; default 30 s (client-go's reflector). */
  maxMs?: number;
  factor?: number;
  /** Upward jitter fraction; default 1.0, so clients cut by the same outage do not reconnect in lockstep. */
  jitter?: number;
  random?: () => number;
}

/**
 * Capped exponential backoff with jitter for retry-forever loops (informer reconnects, leader election).
 * The cap applies after jitter: a delay never exceeds maxMs.
 */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #factor: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #attempts = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 800;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#factor = options.factor ?? 2;
    this.#jitter = options.jitter ?? 1;
    this.#random = options.random ?? Math.random;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.#attempts;
  }

  /** The delay before the next attempt; each call counts one failure. */
  next(): number {
    const base = Math.min(this.#maxMs, this.#initialMs * this.#factor ** this.#attempts);
    this.#attempts++;
    return Math.min(this.#maxMs, jitter(base, this.#jitter, this.#random));
  }

  reset(): void {
    this.#attempts = 0;
  }
}
