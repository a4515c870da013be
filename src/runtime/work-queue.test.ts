import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock, settle } from "./clock.ts";
import { ItemExponentialRateLimiter } from "./rate-limiter.ts";
import { WorkQueue, type WorkQueueMetrics } from "./work-queue.ts";

describe("WorkQueue", () => {
  test("dedupes a key added while queued, keeping FIFO order", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    for (const k of ["a", "b", "a", "c", "b", "a"]) q.add(k);
    assert.equal(q.length, 3);
    assert.deepEqual([await q.get(), await q.get(), await q.get()], ["a", "b", "c"]);
    assert.equal(q.length, 0);
  });

  test("a key added while processing is re-queued once, after done", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add("a");
    const key = await q.get();
    assert.equal(key, "a");
    q.add("a");
    q.add("a");
    assert.equal(q.length, 0, "not handed to a second worker while processing");
    q.done("a");
    assert.equal(q.length, 1);
    assert.equal(await q.get(), "a");
    q.done("a");
    assert.equal(q.length, 0);
  });

  test("a waiting get receives the next added key", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const pending = q.get();
    q.add("x");
    assert.equal(await pending, "x");
  });

  test("two waiting workers never get the same key", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const g1 = q.get();
    const g2 = q.get();
    q.add("a");
    q.add("a");
    q.add("b");
    assert.deepEqual([await g1, await g2], ["a", "b"]);
  });

  test("delays run on monotonic time: a wall-clock step back does not hold a requeue for an hour", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter("a", 1_000);
    clock.stepWall(-60 * 60_000);
    clock.advance(1_000);
    assert.equal(q.length, 1);
    assert.equal(await q.get(), "a");
  });

  test("a failing key added directly meanwhile still waits out its next, longer backoff", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, rateLimiter: new ItemExponentialRateLimiter(1_000, 60_000) });
    q.addRateLimited("a"); // failure 1: retry in 1 s
    q.add("a"); // pulled forward (an event, read-ahead)
    assert.equal(await q.get(), "a");
    q.done("a");
    q.addRateLimited("a"); // failure 2: retry in 2 s
    clock.advance(1_000);
    assert.equal(q.length, 0, "the 1 s retry was dropped when the key was handed out early");
    clock.advance(1_000);
    assert.equal(q.length, 1);
  });

  test("addRateLimited caps the delay when asked, still counting the failure; retryState reports the backoff", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, rateLimiter: new ItemExponentialRateLimiter(1_000, 7 * 60_000) });
    for (let i = 0; i < 6; i++) q.addRateLimited("a", { maxDelayMs: 15_000 });
    assert.deepEqual(q.retryState("a"), { failures: 6, delayMs: 15_000, dueInMs: 1_000 }, "the first, 1 s, delay is still the earliest pending");
    assert.equal(q.retryState("b"), undefined);
    clock.advance(1_000);
    assert.equal(await q.get(), "a");
    q.done("a");
    q.addRateLimited("a", { maxDelayMs: 15_000 }); // 2^6 s = 64 s uncapped
    assert.deepEqual(q.retryState("a"), { failures: 7, delayMs: 15_000, dueInMs: 15_000 });
    q.forget("a");
    assert.equal(q.retryState("a"), undefined);
  });

  test("addAfter fires when due; the earliest time wins", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter("a", 1_000);
    q.addAfter("a", 5_000); // later: ignored
    q.addAfter("b", 3_000);
    q.addAfter("b", 2_000); // earlier: wins
    assert.equal(q.delayed, 2);
    clock.advance(999);
    assert.equal(q.length, 0);
    clock.advance(1);
    assert.equal(q.length, 1);
    assert.equal(await q.get(), "a");
    clock.advance(1_000);
    assert.equal(await q.get(), "b");
    clock.advance(10_000);
    assert.equal(q.length, 0, "superseded entries do not fire again");
    assert.equal(clock.pending, 0, "no timer left behind");
  });

  test("addAfter with a non-positive delay adds now", () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.addAfter("a", 0);
    q.addAfter("b", -5);
    assert.equal(q.length, 2);
  });

  test("many delayed keys share one timer", () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    for (let i = 0; i < 1_000; i++) q.addAfter(`k${i}`, 60_000 + i);
    assert.equal(clock.pending, 1);
    clock.advance(61_000);
    assert.equal(q.length, 1_000);
  });

  test("addRateLimited backs off exponentially per key until forget", () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, rateLimiter: new ItemExponentialRateLimiter(1_000, 7 * 60_000) });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = clock.now();
      q.addRateLimited("a");
      clock.advance(clock.nextTimerAt()! - before);
      delays.push(clock.now() - before);
      void q.get().then((k) => q.done(k!));
    }
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000]);
    assert.equal(q.numRequeues("a"), 4);
    q.forget("a");
    assert.equal(q.numRequeues("a"), 0);
  });

  test("shutDown: get returns undefined, queued and delayed keys are dropped, adds ignored", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    const waiting = q.get();
    q.add("a");
    assert.equal(await waiting, "a");
    q.add("b");
    q.addAfter("c", 1_000);
    const idle = q.get(); // gets b
    assert.equal(await idle, "b");
    const blocked = q.get();
    await q.shutDown();
    assert.equal(await blocked, undefined);
    assert.equal(await q.get(), undefined);
    q.add("d");
    q.addRateLimited("e");
    assert.equal(q.length, 0);
    assert.equal(clock.pending, 0);
    q.done("a");
    q.done("b");
  });

  test("shutDown with drain hands out queued keys and resolves when all are done", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add("a");
    q.add("b");
    const first = await q.get();
    q.add("a"); // dirty while processing: not re-queued after shutdown
    let drained = false;
    const shutdown = q.shutDown({ drain: true }).then(() => (drained = true));
    assert.equal(await q.get(), "b");
    assert.equal(await q.get(), undefined);
    await settle();
    assert.equal(drained, false, "a and b are still processing");
    q.done(first!);
    q.done("b");
    await shutdown;
    assert.equal(drained, true);
  });

  test("metrics hooks report depth, adds, retries, queue latency and work duration", async () => {
    const clock = new FakeClock();
    const seen = { depth: [] as number[], adds: 0, retries: 0, latency: [] as number[], work: [] as number[] };
    const metrics: WorkQueueMetrics = {
      depth: (d) => seen.depth.push(d),
      add: () => seen.adds++,
      retry: () => seen.retries++,
      queueLatency: (s) => seen.latency.push(s),
      workDuration: (s) => seen.work.push(s),
    };
    const q = new WorkQueue({ clock, metrics });
    q.add("a");
    q.add("a");
    q.add("b");
    clock.advance(2_000);
    const key = await q.get();
    clock.advance(500);
    q.done(key!);
    q.addRateLimited("c");
    assert.equal(seen.adds, 2);
    assert.equal(seen.retries, 1);
    assert.deepEqual(seen.latency, [2]);
    assert.deepEqual(seen.work, [0.5]);
    assert.deepEqual(seen.depth, [1, 2, 1]);
  });
});

describe("WorkQueue.pending", () => {
  test("queued keys in order, then delayed keys due within the window; nothing is consumed", async () => {
    const clock = new FakeClock(0);
    const q = new WorkQueue({ clock });
    q.add("a");
    q.add("b");
    q.addAfter("soon", 1_000);
    q.addAfter("later", 60_000);
    assert.deepEqual([...q.pending(5_000)], ["a", "b", "soon"]);
    const first = await q.get();
    assert.equal(first, "a");
    assert.deepEqual([...q.pending(5_000)], ["b", "soon"], "a key being processed is not pending");
    assert.equal(q.length, 1);
  });
});

describe("WorkQueue priorities (issue #16: a new object is not queued behind due refreshes)", () => {
  const drain = async (q: WorkQueue) => {
    const out: string[] = [];
    while (q.length > 0) {
      const key = (await q.get())!;
      out.push(key);
      q.done(key);
    }
    return out;
  };

  test("normal keys are handed out before low ones, each line in order", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    for (const k of ["r1", "r2", "r3"]) q.add(k, "low");
    q.add("new1");
    q.add("r4", "low");
    q.add("new2");
    assert.equal(q.length, 6);
    assert.deepEqual(await drain(q), ["new1", "new2", "r1", "r2", "r3", "r4"]);
  });

  test("a queued low key added again as normal moves up, once; a normal key added as low stays normal", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add("r1", "low");
    q.add("r2", "low");
    q.add("n1");
    q.add("r2");
    q.add("n1", "low");
    assert.equal(q.length, 3);
    assert.deepEqual([...q.pending(0)], ["n1", "r2", "r1"]);
    assert.deepEqual(await drain(q), ["n1", "r2", "r1"]);
  });

  test("a low requeueAfter comes due behind normal keys; a normal addAfter of the same key wins", async () => {
    const clock = new FakeClock(0);
    const q = new WorkQueue({ clock });
    q.addAfter("refresh", 1_000, "low");
    q.addAfter("both", 1_000, "low");
    q.addAfter("both", 2_000);
    clock.advance(2_000);
    q.add("change");
    assert.deepEqual(await drain(q), ["both", "change", "refresh"]);
  });

  test("a key added while processing is re-queued at the highest priority it was added with", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add("a");
    const key = (await q.get())!;
    q.add("a", "low");
    q.add("b", "low");
    q.add("a");
    q.done(key);
    assert.deepEqual(await drain(q), ["a", "b"]);
  });
});

describe("WorkQueue maxLowInFlight", () => {
  test("low keys are handed out only while fewer than the limit are processed; normal keys always are", async () => {
    const q = new WorkQueue({ clock: new FakeClock(), maxLowInFlight: 2 });
    for (const k of ["r1", "r2", "r3", "r4"]) q.add(k, "low");
    const first = [await q.get(), await q.get()];
    assert.deepEqual(first, ["r1", "r2"]);
    let third: string | undefined;
    void q.get().then((k) => (third = k));
    await settle();
    assert.equal(third, undefined, "a third low key waits for a slot");
    q.add("new");
    await settle();
    assert.equal(third, "new", "a change takes the waiting worker at once");
    let fourth: string | undefined;
    void q.get().then((k) => (fourth = k));
    await settle();
    assert.equal(fourth, undefined);
    q.done("r1");
    await settle();
    assert.equal(fourth, "r3", "a finished low key frees its slot");
    assert.equal(q.length, 1);
  });
});
