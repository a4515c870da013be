import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "./clock.ts";
import { defaultControllerRateLimiter, ItemExponentialRateLimiter, MaxOfRateLimiter, TokenBucketRateLimiter } from "./rate-limiter.ts";

describe("rate limiters", () => {
  test("per-key exponential: 1 s doubling to a 7 min cap, keys independent", () => {
    const l = new ItemExponentialRateLimiter(1_000, 420_000);
    const a = Array.from({ length: 11 }, () => l.when("a"));
    assert.deepEqual(a, [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 420_000, 420_000]);
    assert.equal(l.when("b"), 1_000);
    assert.equal(l.numRequeues("a"), 11);
    l.forget("a");
    assert.equal(l.when("a"), 1_000);
  });

  test("token bucket: the burst is free, then retries are spaced at the rate, and tokens refill", () => {
    const clock = new FakeClock();
    const l = new TokenBucketRateLimiter(10, 100, clock);
    const delays = Array.from({ length: 103 }, (_, i) => l.when(`k${i}`));
    assert.deepEqual(delays.slice(0, 100), new Array<number>(100).fill(0));
    assert.deepEqual(delays.slice(100).map(Math.round), [100, 200, 300]);
    clock.advance(300 + 1_000); // pay back the 3-token debt, then refill 10 tokens
    const after = Array.from({ length: 11 }, () => l.when("x")).map(Math.round);
    assert.deepEqual(after, [...new Array<number>(10).fill(0), 100]);
  });

  test("max-of takes the longest delay and forgets in every limiter", () => {
    const clock = new FakeClock();
    const l = new MaxOfRateLimiter(new ItemExponentialRateLimiter(1_000, 420_000), new TokenBucketRateLimiter(1, 1, clock));
    assert.equal(l.when("a"), 1_000); // bucket: 0, item: 1 s
    assert.equal(l.when("b"), 1_000); // bucket: 1 s (empty), item: 1 s
    assert.equal(l.when("c"), 2_000); // bucket: 2 s, item: 1 s
    assert.equal(l.numRequeues("a"), 1);
    l.forget("a");
    assert.equal(l.numRequeues("a"), 0);
  });

  test("ESO's default: a single failing key starts at 1 s", () => {
    const l = defaultControllerRateLimiter(new FakeClock());
    assert.deepEqual([l.when("a"), l.when("a"), l.when("a")], [1_000, 2_000, 4_000]);
  });
});
