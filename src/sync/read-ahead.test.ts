import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { pickCompanions, retryMayJoinBatch } from "./read-ahead.ts";
import { PrefetchCache } from "./prefetch-cache.ts";

const ids = (...keys: string[]) => keys.map((key) => ({ key }));

describe("pickCompanions", () => {
  const cases = [
    {
      name: "fills the batch in candidate order",
      requested: ids("a"),
      candidates: [{ key: "es1", ids: ids("b") }, { key: "es2", ids: ids("c", "d") }, { key: "es3", ids: ids("e") }],
      max: 4,
      companions: ["es1", "es2"],
      batch: ["a", "b", "c", "d"],
    },
    {
      name: "a candidate that would overflow is skipped for a smaller one",
      requested: ids("a", "b"),
      candidates: [{ key: "big", ids: ids("x", "y", "z") }, { key: "small", ids: ids("c") }],
      max: 4,
      companions: ["small"],
      batch: ["a", "b", "c"],
    },
    {
      name: "ids already in the batch cost nothing (shared keys)",
      requested: ids("a"),
      candidates: [{ key: "same", ids: ids("a") }, { key: "other", ids: ids("b") }],
      max: 2,
      companions: ["same", "other"],
      batch: ["a", "b"],
    },
    {
      name: "a full request takes no companions",
      requested: ids("a", "b"),
      candidates: [{ key: "es", ids: ids("c") }],
      max: 2,
      companions: [],
      batch: ["a", "b"],
    },
    {
      name: "candidates without ids (find only) are not companions",
      requested: ids("a"),
      candidates: [{ key: "finder", ids: [] }],
      max: 20,
      companions: [],
      batch: ["a"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = pickCompanions(c.requested, c.candidates, c.max);
      assert.deepEqual(r.companions.map((x) => x.key), c.companions);
      assert.deepEqual(r.ids.map((x) => x.key), c.batch);
    });
  }

  test("1,000 single-key ExternalSecrets: batches of 20", () => {
    const candidates = Array.from({ length: 999 }, (_, i) => ({ key: `es${i}`, ids: ids(`k${i}`) }));
    const r = pickCompanions(ids("first"), candidates, 20);
    assert.equal(r.ids.length, 20);
    assert.equal(r.companions.length, 19);
  });
});

describe("PrefetchCache", () => {
  const outcomes = () => new Map([["k", { ok: true as const, payload: { value: new Uint8Array([1]), binary: false } }]]);

  test("an entry is taken once, by its ExternalSecret at the version it was read for", () => {
    const cache = new PrefetchCache({ ttlMs: 1000, now: () => 0 });
    cache.put("ns/a", "1-x", outcomes());
    assert.equal(cache.has("ns/b", "1-x"), false);
    assert.equal(cache.has("ns/a", "1-x"), true);
    assert.ok(cache.take("ns/a", "1-x"));
    assert.equal(cache.take("ns/a", "1-x"), undefined, "taken once");
  });

  test("a change after the read (force-sync, spec edit) discards the entry", () => {
    const cache = new PrefetchCache({ ttlMs: 1000, now: () => 0 });
    cache.put("ns/a", "1-x", outcomes());
    assert.equal(cache.take("ns/a", "1-y"), undefined);
    assert.equal(cache.size, 0);
  });

  test("entries expire after the TTL", () => {
    let now = 0;
    const cache = new PrefetchCache({ ttlMs: 1000, now: () => now });
    cache.put("ns/a", "1-x", outcomes());
    now = 1000;
    assert.equal(cache.has("ns/a", "1-x"), false);
  });
});

describe("retryMayJoinBatch", () => {
  const cases: Array<[string, { delayMs: number; dueInMs: number | undefined } | undefined, boolean]> = [
    ["not backing off", undefined, true],
    ["retry due now (queued)", { delayMs: 8_000, dueInMs: 0 }, true],
    ["retry due within the 1 s floor", { delayMs: 2_000, dueInMs: 900 }, true],
    ["retry due within a tenth of a long backoff", { delayMs: 120_000, dueInMs: 11_000 }, true],
    ["retry due later than a tenth of its backoff", { delayMs: 120_000, dueInMs: 30_000 }, false],
    ["retry 4 s away on an 8 s backoff", { delayMs: 8_000, dueInMs: 4_000 }, false],
    ["not scheduled (being processed)", { delayMs: 8_000, dueInMs: undefined }, false],
  ];
  for (const [name, state, want] of cases) test(name, () => assert.equal(retryMayJoinBatch(state), want));
});
