import { test } from "node:test";
import assert from "node:assert/strict";
import { refreshAges } from "./refresh-ages.ts";

const now = Date.parse("2026-12-03T20:00:00Z");
const refreshedAgo = (seconds: number) => ({ status: { refreshTime: new Date(now - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") } });

test("refreshAges: ages from status.refreshTime; late past interval + jitter bound; never refreshed counts as late", () => {
  const ages = refreshAges([refreshedAgo(10), refreshedAgo(60), refreshedAgo(67), refreshedAgo(68), {}], now, 60);
  assert.equal(ages.samples, 5);
  assert.equal(ages.timedOut, 1, "one never refreshed");
  assert.equal(ages.p50Seconds, 67);
  assert.equal(ages.maxSeconds, Number.POSITIVE_INFINITY);
  assert.equal(ages.late, 2, "68 s and the one without a refreshTime; 67 s is within 60 + 6 + 1");
});
