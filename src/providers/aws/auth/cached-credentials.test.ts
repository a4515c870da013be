import { test } from "node:test";
import assert from "node:assert/strict";
import { CachedCredentials } from "./cached-credentials.ts";
import type { AwsCredentials } from "./credentials.ts";

/** A hand-driven clock and a fetch that counts and can be made to fail or to wait. */
function harness(options: { lifetimeMs?: number; maxAgeMs?: number } = {}) {
  let now = 1_000_000;
  let fetches = 0;
  let fail: Error | undefined;
  let gate: Promise<void> | undefined;
  const source = new CachedCredentials({
    now: () => now,
    ...(options.maxAgeMs !== undefined ? { maxAgeMs: options.maxAgeMs } : {}),
    fetch: async (): Promise<AwsCredentials> => {
      fetches++;
      if (gate) await gate;
      if (fail) throw fail;
      return {
        accessKeyId: `AKID${fetches}`,
        secretAccessKey: "s",
        ...(options.lifetimeMs !== undefined ? { expiration: new Date(now + options.lifetimeMs) } : {}),
      };
    },
  });
  return {
    source,
    fetches: () => fetches,
    advance: (ms: number) => void (now += ms),
    failWith: (err: Error | undefined) => void (fail = err),
    hold: () => {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

const MIN = 60_000;

test("expiring credentials are reused until 5 minutes before expiry", async () => {
  const h = harness({ lifetimeMs: 60 * MIN });
  const steps: Array<{ advance: number; fetches: number }> = [
    { advance: 0, fetches: 1 },
    { advance: 30 * MIN, fetches: 1 },
    { advance: 24 * MIN, fetches: 1 },
    { advance: 2 * MIN, fetches: 2 }, // 56 min: inside the 5-minute window
    { advance: 1 * MIN, fetches: 2 },
  ];
  for (const { advance, fetches } of steps) {
    h.advance(advance);
    await h.source.get();
    assert.equal(h.fetches(), fetches);
  }
});

test("static credentials are re-read after maxAge, and kept forever without one", async () => {
  const aged = harness({ maxAgeMs: 5 * MIN });
  await aged.source.get();
  aged.advance(4 * MIN);
  await aged.source.get();
  assert.equal(aged.fetches(), 1);
  aged.advance(2 * MIN);
  assert.equal((await aged.source.get()).accessKeyId, "AKID2");

  const forever = harness();
  await forever.source.get();
  forever.advance(1000 * MIN);
  await forever.source.get();
  assert.equal(forever.fetches(), 1);
});

test("concurrent misses share one fetch", async () => {
  const h = harness({ lifetimeMs: 60 * MIN });
  const release = h.hold();
  const all = Promise.all(Array.from({ length: 50 }, () => h.source.get()));
  release();
  const results = await all;
  assert.equal(h.fetches(), 1);
  assert.ok(results.every((c) => c.accessKeyId === "AKID1"));
});

test("a failed renewal keeps serving still-valid credentials, and retries later", async () => {
  const h = harness({ lifetimeMs: 60 * MIN });
  await h.source.get();
  h.advance(57 * MIN);
  h.failWith(new Error("sts down"));
  assert.equal((await h.source.get()).accessKeyId, "AKID1");
  assert.equal((await h.source.get()).accessKeyId, "AKID1");
  assert.equal(h.fetches(), 2, "no retry storm within 30 s");
  h.advance(MIN);
  h.failWith(undefined);
  assert.equal((await h.source.get()).accessKeyId, "AKID3");
});

test("expired credentials are not served when renewal fails", async () => {
  const h = harness({ lifetimeMs: 10 * MIN });
  await h.source.get();
  h.advance(11 * MIN);
  h.failWith(new Error("sts down"));
  await assert.rejects(h.source.get(), /sts down/);
});

test("invalidate forgets credentials unless they were just fetched", async () => {
  const h = harness({ lifetimeMs: 60 * MIN });
  await h.source.get();
  h.source.invalidate(); // fetched this instant: what a re-read would return again
  await h.source.get();
  assert.equal(h.fetches(), 1);
  h.advance(10_000);
  h.source.invalidate();
  h.source.invalidate();
  await h.source.get();
  assert.equal(h.fetches(), 2);
});
