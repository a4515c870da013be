import { Backoff } from "../runtime/backoff.ts";
import { realClock, sleep, type Clock } from "../runtime/clock.ts";
import type { Logger } from "../runtime/logger.ts";
import type { QueueApi, QueueMessage } from "./sqs-api.ts";

/** SQS's limits: 10 messages per receive, 20 s the longest long poll. */
export const MAX_MESSAGES = 10;
export const WAIT_SECONDS = 20;
/**
 * Deletes in flight before the next receive waits for the oldest: bounded memory and calls when SQS is slow
 * to delete, while a delete never holds back the next receive in the ordinary case.
 */
export const MAX_DELETES_IN_FLIGHT = 4;

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
 * batch. The delete goes out beside the next receive instead of before it: a change that reaches the queue
 * while a batch is being deleted is received at once, not a delete round trip later (issue 15's p99; the
 * received messages are invisible to other receives until their visibility timeout, so nothing is handled
 * twice meanwhile). A failed call is logged without message bodies and retried after a jittered, capped
 * backoff; the poller never stops on its own. Messages that could not be deleted come back after the
 * queue's visibility timeout and are handled again, which only enqueues a refresh again.
 */
export class QueuePoller {
  readonly #o: QueuePollerOptions;
  readonly #clock: Clock;
  readonly #backoff: Backoff;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #up: boolean | undefined;
  /** Deletes not yet answered, oldest first (at most MAX_DELETES_IN_FLIGHT before a receive waits). */
  readonly #deleting: Array<Promise<void>> = [];

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
    await this.drained();
  }

  /** Resolves when every delete started so far has been answered (or failed). */
  async drained(): Promise<void> {
    while (this.#deleting.length > 0) await this.#deleting[0];
  }

  /**
   * One round: receive, handle, and start deleting what was handled (not awaited: see the class comment).
   * Exposed for tests; `start` runs it forever.
   */
  async pollOnce(): Promise<number> {
    const signal = this.#abort.signal;
    while (this.#deleting.length >= MAX_DELETES_IN_FLIGHT) await this.#deleting[0];
    const messages = await this.#call("ReceiveMessage", (s) => this.#o.api.receive({ maxMessages: MAX_MESSAGES, waitSeconds: WAIT_SECONDS }, s), WAIT_SECONDS * 1000, signal);
    if (messages.length === 0) return 0;
    const receivedAt = this.#clock.monotonic();
    for (const m of messages) this.#o.handle(m.body, receivedAt, m.sentAt);
    this.#startDelete(messages, signal);
    return messages.length;
  }

  #startDelete(messages: readonly QueueMessage[], signal: AbortSignal): void {
    const deleting: Promise<void> = this.#call("DeleteMessageBatch", (s) => this.#o.api.deleteBatch(messages, s), 0, signal)
      .then(
        (failed) => {
          if (failed.length > 0) this.#o.logger.warn({ queue: this.#o.queue, messages: failed.length }, "change event messages not deleted; they come back after the visibility timeout");
        },
        (err: unknown) => {
          // Handled already: a message not deleted comes back after the visibility timeout, and is handled again.
          if (!signal.aborted) this.#o.logger.warn({ queue: this.#o.queue, messages: messages.length, err: errorText(err) }, "change event messages not deleted; they come back after the visibility timeout");
        },
      )
      .finally(() => this.#deleting.splice(this.#deleting.indexOf(deleting), 1));
    this.#deleting.push(deleting);
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
