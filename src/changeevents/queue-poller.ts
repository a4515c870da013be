import { Backoff } from "../runtime/backoff.ts";
import { realClock, sleep, type Clock } from "../runtime/clock.ts";
import type { Logger } from "../runtime/logger.ts";
import type { QueueApi, QueueMessage } from "./sqs-api.ts";

/** SQS's limits: 10 messages per receive, 20 s the longest long poll. */
export const MAX_MESSAGES = 10;
export const WAIT_SECONDS = 20;

/** What handling a message came to; every outcome deletes it (a malformed event never gets better). */
export type MessageOutcome = "matched" | "unmatched" | "ignored" | "malformed";

export interface QueuePollerOptions {
  /** The queue URL, for logs and metric labels (never a message body). */
  queue: string;
  api: QueueApi;
  /**
   * Handles one body, synchronously (enqueueing is all it does); never throws. `sentAt`: when the message
   * reached the queue (SentTimestamp, epoch ms), when SQS said.
   */
  handle(body: string, receivedAt: number, sentAt?: number): MessageOutcome;
  logger: Logger;
  clock?: Clock | undefined;
  /** Deadline of each SQS call beyond the long poll itself (the SDK's own per-attempt deadline also applies). */
  callTimeoutMs?: number | undefined;
  backoff?: Backoff | undefined;
  /** The queue answered (true) or failed (false): metrics and the polling fallback. */
  onHealth?: ((up: boolean) => void) | undefined;
  onError?: ((call: "ReceiveMessage" | "DeleteMessageBatch") => void) | undefined;
}

/**
 * Reads one queue in a loop: long-poll a batch of up to 10 messages, handle each, delete them in one
 * batch. A failed call is logged without message bodies and retried after a jittered, capped backoff; the
 * poller never stops on its own. Messages that could not be deleted come back after the queue's
 * visibility timeout and are handled again, which only enqueues a refresh again.
 */
export class QueuePoller {
  readonly #o: QueuePollerOptions;
  readonly #clock: Clock;
  readonly #backoff: Backoff;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #up: boolean | undefined;

  constructor(options: QueuePollerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? realClock;
    this.#backoff = options.backoff ?? new Backoff({ initialMs: 1_000, maxMs: 60_000 });
  }

  /** Whether the last call to the queue succeeded (undefined before the first). */
  get up(): boolean | undefined {
    return this.#up;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort(new Error("change events stopping"));
    await this.#loop;
  }

  /** One round: receive, handle, delete. Exposed for tests; `start` runs it forever. */
  async pollOnce(): Promise<number> {
    const signal = this.#abort.signal;
    const messages = await this.#call("ReceiveMessage", (s) => this.#o.api.receive({ maxMessages: MAX_MESSAGES, waitSeconds: WAIT_SECONDS }, s), WAIT_SECONDS * 1000, signal);
    if (messages.length === 0) return 0;
    const receivedAt = this.#clock.monotonic();
    for (const m of messages) this.#o.handle(m.body, receivedAt, m.sentAt);
    const failed = await this.#call("DeleteMessageBatch", (s) => this.#o.api.deleteBatch(messages, s), 0, signal);
    if (failed.length > 0) this.#o.logger.warn({ queue: this.#o.queue, messages: failed.length }, "change event messages not deleted; they come back after the visibility timeout");
    return messages.length;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        await this.pollOnce();
        this.#backoff.reset();
      } catch (err) {
        if (signal.aborted) break;
        const delayMs = this.#backoff.next();
        this.#o.logger.warn({ queue: this.#o.queue, err: errorText(err), retryInMs: Math.round(delayMs) }, "change event queue call failed; periodic refresh still applies");
        await sleep(this.#clock, delayMs, signal);
      }
    }
  }

  async #call<T>(call: "ReceiveMessage" | "DeleteMessageBatch", run: (signal: AbortSignal) => Promise<T>, extraMs: number, stop: AbortSignal): Promise<T> {
    const deadline = new AbortController();
    const timer = this.#clock.setTimeout(() => deadline.abort(new Error(`${call} took longer than its deadline`)), extraMs + (this.#o.callTimeoutMs ?? 15_000));
    const onStop = () => deadline.abort(stop.reason);
    stop.addEventListener("abort", onStop, { once: true });
    try {
      const out = await run(deadline.signal);
      this.#health(true);
      return out;
    } catch (err) {
      if (!stop.aborted) {
        this.#health(false);
        this.#o.onError?.(call);
      }
      throw err;
    } finally {
      this.#clock.clearTimeout(timer);
      stop.removeEventListener("abort", onStop);
    }
  }

  #health(up: boolean): void {
    if (this.#up === up) return;
    this.#up = up;
    this.#o.onHealth?.(up);
    if (up) this.#o.logger.info({ queue: this.#o.queue }, "reading change events");
  }
}

/** An SDK error's name and message; SQS errors carry no message bodies. */
function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 500);
  return String(err).slice(0, 500);
}

export type { QueueMessage };
