import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock, realClock, sleep } from "./clock.ts";
import { Backoff } from "./backoff.ts";
import { jitter } from "./jitter.ts";

describe("FakeClock", () => {
  test("advance fires due timers in due order, ties in the order set, and moves now() with each", () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 30);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 10);
    clock.setTimeout(() => fired.push("late"), 31);
    clock.advance(30);
    assert.deepEqual(fired, ["a@10", "b@10", "c@30"]);
    assert.equal(clock.now(), 30);
    assert.equal(clock.pending, 1);
  });

  test("a timer set by a firing timer fires within the same advance when due", () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 5);
    }, 5);
    clock.advance(10);
    assert.deepEqual(fired, [5, 10]);
  });

  test("clearTimeout cancels", () => {
    const clock = new FakeClock(0);
    let fired = false;
    const h = clock.setTimeout(() => (fired = true), 1);
    clock.clearTimeout(h);
    clock.advance(10);
    assert.equal(fired, false);
    assert.equal(clock.nextTimerAt(), undefined);
  });

  test("sleep resolves on the clock, or early on abort, leaving no timer", async () => {
    const clock = new FakeClock(0);
    let done = false;
    const p = sleep(clock, 100).then(() => (done = true));
    await clock.advanceAsync(99);
    assert.equal(done, false);
    await clock.advanceAsync(1);
    await p;
    const ac = new AbortController();
    const q = sleep(clock, 1_000, ac.signal);
    ac.abort();
    await q;
    assert.equal(clock.pending, 0);
  });

  test("the real clock's timers fire", async () => {
    await new Promise<void>((resolve) => realClock.setTimeout(resolve, 1));
    assert.ok(realClock.now() > 1_600_000_000_000);
  });
});

describe("jitter and backoff", () => {
  test("jitter only spreads upwards, by at most the fraction", () => {
    const cases: Array<[ms: number, fraction: number, random: number, expected: number]> = [
      [60_000, 0.1, 0, 60_000],
      [60_000, 0.1, 0.5, 63_000],
      [60_000, 0.1, 1, 66_000],
      [60_000, 0, 0.7, 60_000],
      [0, 0.5, 0.7, 0],
    ];
    for (const [ms, fraction, random, expected] of cases) assert.equal(jitter(ms, fraction, () => random), expected);
  });

  test("backoff doubles to its cap (jitter included), and resets", () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1_000, jitter: 0.5, random: () => 1 });
    assert.deepEqual(Array.from({ length: 6 }, () => b.next()), [150, 300, 600, 1_000, 1_000, 1_000]);
    assert.equal(b.attempts, 6);
    b.reset();
    assert.equal(b.next(), 150);
  });
});
