/**
 * Time as the runtime sees it. Every component that waits (work queue delays, informer backoff, leader
 * election renewals) takes a Clock, so unit tests drive time with FakeClock instead of sleeping: timed
 * assertions flake on a loaded CI machine, a fake clock never does.
 */

/** An opaque timer handle; only the clock that made it can clear it. */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch: for timestamps other processes read (a Lease's renewTime, a status). */
  now(): number;
  /**
   * Milliseconds from an arbitrary origin that never jumps (NTP steps, a VM resumed, an operator setting the
   * date): for every duration and deadline. Go's time.Since uses the monotonic reading for the same reason;
   * client-go's leader election depends on it (kubernetes/kubernetes #61207).
   */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The wall clock. Timers are not unref'd: a component that schedules one keeps the process alive until it
 * is stopped, and every component clears its timers on stop.
 */
export const realClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A manual clock. `advance(ms)` fires every timer due within the window in due order (ties in the order
 * they were set), moving time to each timer's due time as it fires, so a timer set by a firing timer
 * also fires if it falls inside the window. Timers run on monotonic time, as real timers do; `stepWall`
 * moves only the wall clock (an NTP step), so tests can prove durations are not measured with it.
 */
export class FakeClock implements Clock {
  /** Monotonic time; starts equal to the wall clock so tests without wall steps see one timeline. */
  #now: number;
  #wallOffset = 0;
  #nextId = 1;
  #timers: FakeTimer[] = [];

  constructor(startMs = 1_700_000_000_000) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now + this.#wallOffset;
  }

  monotonic(): number {
    return this.#now;
  }

  /** Steps the wall clock (now()) by `ms`, forward or back, without moving monotonic time or firing timers. */
  stepWall(ms: number): void {
    this.#wallOffset += ms;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: FakeTimer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), fn };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Number of timers not yet fired or cleared. */
  get pending(): number {
    return this.#timers.length;
  }

  /** When the next timer is due, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    return this.#next()?.at;
  }

  /** Moves time forward by `ms`, firing due timers synchronously. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (let timer = this.#due(until); timer; timer = this.#due(until)) {
      this.#now = timer.at;
      timer.fn();
    }
    this.#now = until;
  }

  /**
   * Like advance, but lets promise continuations run after each timer (and before the first), so async code
   * that awaits between timers (a backoff sleep, then a request, then another sleep) makes progress.
   */
  async advanceAsync(ms: number): Promise<void> {
    const until = this.#now + ms;
    await settle();
    for (let timer = this.#due(until); timer; timer = this.#due(until)) {
      this.#now = timer.at;
      timer.fn();
      await settle();
    }
    this.#now = until;
    await settle();
  }

  #next(): FakeTimer | undefined {
    let next: FakeTimer | undefined;
    for (const t of this.#timers) if (!next || t.at < next.at || (t.at === next.at && t.id < next.id)) next = t;
    return next;
  }

  #due(until: number): FakeTimer | undefined {
    const next = this.#next();
    if (!next || next.at > until) return undefined;
    this.#timers = this.#timers.filter((t) => t !== next);
    return next;
  }
}

/** Lets pending promise continuations and immediates run (a few rounds, for chained awaits). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Resolves after `ms` on `clock`, or early (without rejecting) when `signal` aborts. Callers check the signal
 * afterwards: loops that back off must wake up promptly on stop.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || !(ms > 0)) {
      resolve();
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(handle);
      resolve();
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
