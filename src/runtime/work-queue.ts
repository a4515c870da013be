import { realClock, type Clock, type TimerHandle } from "./clock.ts";
import { defaultControllerRateLimiter, type RateLimiter } from "./rate-limiter.ts";

/**
 * Metrics hooks, as callbacks so the runtime does not depend on a metrics registry. Durations are seconds
 * (Prometheus convention).
 */
export interface WorkQueueMetrics {
  /** Keys waiting to be handed out (not counting keys being processed or delayed). */
  depth?(depth: number): void;
  /** A key was accepted by add (deduplicated adds are not counted). */
  add?(): void;
  /** A key was scheduled by addRateLimited. */
  retry?(): void;
  /** How long a key waited in the queue before get handed it out. */
  queueLatency?(seconds: number): void;
  /** How long a key was processed (get to done). */
  workDuration?(seconds: number): void;
  /**
   * Called once with a probe of the work in progress, read when metrics are scraped: client-go's
   * unfinished_work_seconds and longest_running_processor_seconds, which show a stuck reconcile (a hung
   * remote call) long before it finishes and lands in workDuration.
   */
  inProgress?(probe: () => InProgressWork): void;
}

/** Work handed out and not yet done, as of now. */
export interface InProgressWork {
  /** Sum over keys being processed of how long each has been processing. */
  unfinishedSeconds: number;
  /** How long the longest-running key has been processing; 0 when none is. */
  longestSeconds: number;
}

/**
 * Which line a key waits in. `normal`: something changed (an object was created or edited, a retry) and a user
 * may be waiting for it. `low`: periodic work nobody is waiting for (a refresh due, a value read ahead). Low keys
 * are handed out only when no normal key is waiting, so a new ExternalSecret is not queued behind a thousand
 * due refreshes (issue #16; controller-runtime's priority queue does the same for its periodic resyncs).
 * A key added at both priorities waits as normal.
 */
export type QueuePriority = "normal" | "low";

export interface WorkQueueOptions {
  clock?: Clock;
  /** Default: ESO's, per-key 1 s → 7 min, max'ed with a 10/s burst 100 global bucket. */
  rateLimiter?: RateLimiter;
  metrics?: WorkQueueMetrics;
  /**
   * At most this many low-priority keys are processed at once (default: no limit). The other workers stay free
   * for changes: a new object then waits neither behind due refreshes nor for a worker they all hold, and on a
   * CPU-bound process it shares the CPU with at most this many refreshes.
   */
  maxLowInFlight?: number | undefined;
}

/**
 * client-go's rate-limited delaying work queue, for string keys ("namespace/name").
 *
 * - A key is queued at most once: adding a queued key is a no-op.
 * - A key is processed by at most one worker: adding a key that is being processed marks it dirty, and
 *   `done` re-queues it once, however many times it was added meanwhile. Together these make a burst of
 *   watch events for one object a single reconcile of its latest state.
 * - `addAfter` keeps the earliest pending time per key.
 * - Normal keys are handed out before low-priority ones (QueuePriority), each line first in, first out.
 */
export class WorkQueue {
  readonly #clock: Clock;
  readonly #rateLimiter: RateLimiter;
  readonly #metrics: WorkQueueMetrics;

  // The two lines of queued keys (FIFO each). A key promoted from low to normal leaves a stale entry in the
  // low line, skipped when it comes up; #queued says which line each queued key is in.
  readonly #lines = { normal: new Line(), low: new Line() };
  readonly #queued = new Map<string, QueuePriority>();
  /** Keys that need processing (queued, or added while being processed), with the line they go to. */
  readonly #dirty = new Map<string, QueuePriority>();
  readonly #processing = new Set<string>();
  /** The keys being processed that were handed out from the low line. */
  readonly #processingLow = new Set<string>();
  readonly #maxLowInFlight: number;
  readonly #addedAt = new Map<string, number>();
  readonly #startedAt = new Map<string, number>();
  /** The delay each key backing off was last given by addRateLimited. */
  readonly #retryDelay = new Map<string, number>();
  readonly #getters: Array<(key: string | undefined) => void> = [];

  // Delayed adds: the due time per key, a min-heap of (due, key) with lazily dropped stale entries, and one
  // timer for the earliest, so thousands of requeueAfter keys cost one timer.
  readonly #waiting = new Map<string, number>();
  /** Delayed keys that come due at low priority (a delayed normal add for the same key wins). */
  readonly #waitingLow = new Set<string>();
  readonly #heap = new DelayHeap();
  #timer: TimerHandle;
  #timerAt = Number.POSITIVE_INFINITY;

  #shuttingDown = false;
  #draining = false;
  #drained: (() => void) | undefined;

  constructor(options: WorkQueueOptions = {}) {
    this.#clock = options.clock ?? realClock;
    this.#rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(this.#clock);
    this.#metrics = options.metrics ?? {};
    this.#maxLowInFlight = options.maxLowInFlight ?? Number.POSITIVE_INFINITY;
    this.#metrics.inProgress?.(() => this.inProgress());
  }

  /** How much work is in progress now (client-go's unfinished work and longest running processor). */
  inProgress(): InProgressWork {
    const now = this.#clock.monotonic();
    let unfinished = 0;
    let longest = 0;
    for (const started of this.#startedAt.values()) {
      const ms = Math.max(0, now - started);
      unfinished += ms;
      longest = Math.max(longest, ms);
    }
    return { unfinishedSeconds: unfinished / 1000, longestSeconds: longest / 1000 };
  }

  /** Keys waiting to be handed out. */
  get length(): number {
    return this.#queued.size;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Keys scheduled by addAfter / addRateLimited and not yet due. */
  get delayed(): number {
    return this.#waiting.size;
  }

  /**
   * The keys that will be handed out soon, without changing anything: first the queued ones in order, then
   * the delayed ones due within `withinMs`. Lets a caller do work for them ahead of time (batching).
   */
  *pending(withinMs: number): Generator<string> {
    for (const priority of ["normal", "low"] as const) {
      for (const key of this.#lines[priority].keys()) {
        if (this.#queued.get(key) === priority && !this.#processing.has(key)) yield key;
      }
    }
    const until = this.#clock.monotonic() + withinMs;
    for (const [key, at] of this.#waiting) if (at <= until && !this.#dirty.has(key)) yield key;
  }

  /** Queues the key (at `priority`, default normal); a key queued at low priority is moved up by a normal add. */
  add(key: string, priority: QueuePriority = "normal"): void {
    if (this.#shuttingDown) return;
    const dirty = this.#dirty.get(key);
    if (dirty !== undefined) {
      if (dirty === "low" && priority === "normal") {
        this.#dirty.set(key, "normal");
        if (this.#queued.has(key)) this.#enqueue(key, "normal");
      }
      return;
    }
    this.#dirty.set(key, priority);
    this.#metrics.add?.();
    if (this.#processing.has(key)) return; // re-queued by done()
    this.#enqueue(key, priority);
  }

  /**
   * Adds the key after `ms` (at `priority` then); when the key is already waiting, the earlier time wins,
   * and a normal add wins over a low one.
   */
  addAfter(key: string, ms: number, priority: QueuePriority = "normal"): void {
    if (this.#shuttingDown) return;
    if (!(ms > 0)) {
      this.add(key, priority);
      return;
    }
    const at = this.#clock.monotonic() + ms;
    const current = this.#waiting.get(key);
    if (current !== undefined && priority === "normal") this.#waitingLow.delete(key);
    if (current !== undefined && current <= at) return;
    if (current === undefined && priority === "low") this.#waitingLow.add(key);
    this.#waiting.set(key, at);
    this.#heap.push(at, key);
    this.#schedule();
  }

  /**
   * Adds the key after the rate limiter's delay for it (a failed attempt), at most `maxDelayMs` when given
   * (a caller that knows the failure is short-lived, such as an unreachable apiserver, caps the wait so the
   * key converges soon after the outage ends; the failure still counts, so the backoff keeps growing to the cap).
   */
  addRateLimited(key: string, options: { maxDelayMs?: number | undefined } = {}): void {
    if (this.#shuttingDown) return;
    this.#metrics.retry?.();
    const delay = Math.min(this.#rateLimiter.when(key), options.maxDelayMs ?? Number.POSITIVE_INFINITY);
    this.#retryDelay.set(key, delay);
    this.addAfter(key, delay);
  }

  /** Clears the key's failure history; call after a successful attempt. */
  forget(key: string): void {
    this.#rateLimiter.forget(key);
    this.#retryDelay.delete(key);
  }

  /**
   * A key backing off after failures: how many, the delay it was given, and how long until it is due
   * (0 when queued now). Undefined for a key without failures. Lets a caller doing work ahead of time
   * (read-ahead) respect the backoff instead of pulling the key forward.
   */
  retryState(key: string): { failures: number; delayMs: number; dueInMs: number | undefined } | undefined {
    const failures = this.#rateLimiter.numRequeues(key);
    const delayMs = this.#retryDelay.get(key);
    if (failures === 0 || delayMs === undefined) return undefined;
    const at = this.#waiting.get(key);
    const dueInMs = at !== undefined ? Math.max(0, at - this.#clock.monotonic()) : this.#dirty.has(key) ? 0 : undefined;
    return { failures, delayMs, dueInMs };
  }

  numRequeues(key: string): number {
    return this.#rateLimiter.numRequeues(key);
  }

  /**
   * The next key to process, waiting for one if needed; undefined once the queue is shut down (after a
   * draining shutdown, once the already-queued keys are handed out). The caller must call done(key).
   */
  get(): Promise<string | undefined> {
    const key = this.#take();
    if (key !== undefined) return Promise.resolve(key);
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Marks the key processed; re-queues it if it was added meanwhile. */
  done(key: string): void {
    if (!this.#processing.delete(key)) return;
    const freedLowSlot = this.#processingLow.delete(key);
    const started = this.#startedAt.get(key);
    this.#startedAt.delete(key);
    if (started !== undefined) this.#metrics.workDuration?.((this.#clock.monotonic() - started) / 1000);
    const again = this.#dirty.get(key);
    if (again !== undefined) this.#enqueue(key, again);
    if (freedLowSlot) this.#wakeGetters();
    this.#checkDrained();
  }

  /**
   * Stops accepting keys and drops delayed ones. Without `drain`, get() returns undefined from now on and
   * queued keys are dropped (level-based: whoever runs next relists and sees them again). With `drain`,
   * get() still hands out the keys already queued; the promise resolves when they are all done.
   */
  shutDown(options: { drain?: boolean } = {}): Promise<void> {
    this.#shuttingDown = true;
    this.#waiting.clear();
    this.#waitingLow.clear();
    this.#heap.clear();
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    // Keys added while being processed are not re-queued after a shutdown, like any other late add.
    for (const key of this.#processing) this.#dirty.delete(key);
    if (options.drain) {
      this.#draining = true;
    } else {
      for (const key of this.#queued.keys()) this.#dirty.delete(key);
      this.#queued.clear();
      this.#lines.normal.clear();
      this.#lines.low.clear();
      this.#addedAt.clear();
      this.#metrics.depth?.(0);
    }
    this.#wakeGetters();
    if (!this.#draining) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drained = resolve;
      this.#checkDrained();
    });
  }

  /** Puts the key in its line (again, when promoted: its low entry goes stale). */
  #enqueue(key: string, priority: QueuePriority): void {
    this.#lines[priority].push(key);
    if (!this.#queued.has(key)) this.#addedAt.set(key, this.#clock.monotonic());
    this.#queued.set(key, priority);
    this.#metrics.depth?.(this.length);
    this.#wakeGetters();
  }

  #take(): string | undefined {
    let key: string | undefined;
    let from: QueuePriority = "normal";
    for (const priority of ["normal", "low"] as const) {
      if (priority === "low" && this.#processingLow.size >= this.#maxLowInFlight) break;
      from = priority;
      const line = this.#lines[priority];
      while ((key = line.shift()) !== undefined && this.#queued.get(key) !== priority);
      if (key !== undefined) break;
    }
    if (key === undefined) return undefined;
    this.#queued.delete(key);
    this.#dirty.delete(key);
    this.#processing.add(key);
    if (from === "low") this.#processingLow.add(key);
    // A key handed out early (added directly while a delayed add was pending) drops that pending time: the
    // attempt that starts now decides the next one (requeueAfter, or a longer backoff after a failure).
    // Otherwise the stale, earlier time would win over the new backoff in addAfter, and every direct add of
    // a failing key would buy it an extra attempt: backoff bypassed (client-go keeps both; its controllers
    // do not enqueue keys ahead of time as read-ahead does).
    this.#waiting.delete(key); // its heap entry goes stale and is skipped when it comes up
    this.#waitingLow.delete(key);
    const now = this.#clock.monotonic();
    const added = this.#addedAt.get(key);
    this.#addedAt.delete(key);
    if (added !== undefined) this.#metrics.queueLatency?.((now - added) / 1000);
    this.#startedAt.set(key, now);
    this.#metrics.depth?.(this.length);
    return key;
  }

  #wakeGetters(): void {
    while (this.#getters.length > 0) {
      const key = this.#take();
      if (key === undefined && !this.#shuttingDown) return;
      this.#getters.shift()!(key);
    }
  }

  #checkDrained(): void {
    if (this.#drained && this.length === 0 && this.#processing.size === 0) {
      const resolve = this.#drained;
      this.#drained = undefined;
      resolve();
    }
  }

  #schedule(): void {
    const next = this.#nextDue();
    if (next === undefined || next >= this.#timerAt) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timerAt = next;
    this.#timer = this.#clock.setTimeout(() => this.#fire(), next - this.#clock.monotonic());
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = this.#clock.monotonic();
    for (let top = this.#heap.peek(); top && top.at <= now; top = this.#heap.peek()) {
      this.#heap.pop();
      if (this.#waiting.get(top.key) !== top.at) continue; // superseded by an earlier addAfter
      this.#waiting.delete(top.key);
      const low = this.#waitingLow.delete(top.key);
      this.add(top.key, low ? "low" : "normal");
    }
    this.#schedule();
  }

  /** The earliest live due time, dropping stale heap entries on the way. */
  #nextDue(): number | undefined {
    for (let top = this.#heap.peek(); top; top = this.#heap.peek()) {
      if (this.#waiting.get(top.key) === top.at) return top.at;
      this.#heap.pop();
    }
    return undefined;
  }
}

/** A first-in, first-out line of keys; a moving head keeps shift() O(1) on long lines. */
class Line {
  #items: string[] = [];
  #head = 0;

  push(key: string): void {
    this.#items.push(key);
  }

  shift(): string | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const key = this.#items[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return key;
  }

  *keys(): Generator<string> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i]!;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}

interface DelayEntry {
  at: number;
  seq: number;
  key: string;
}

/** A binary min-heap by (at, insertion order). */
class DelayHeap {
  #items: DelayEntry[] = [];
  #seq = 0;

  push(at: number, key: string): void {
    const items = this.#items;
    items.push({ at, seq: this.#seq++, key });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  peek(): DelayEntry | undefined {
    return this.#items[0];
  }

  pop(): DelayEntry | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < items.length && less(items[l]!, items[smallest]!)) smallest = l;
        if (r < items.length && less(items[r]!, items[smallest]!)) smallest = r;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }

  clear(): void {
    this.#items = [];
  }
}

function less(a: DelayEntry, b: DelayEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
