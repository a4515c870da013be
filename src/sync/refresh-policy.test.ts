import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { nextRefreshDelayMs, refreshDecision, renewAtMs, type RefreshInput } from "./refresh-policy.ts";

const HOUR = 3_600_000;
const NOW = 1_800_000_000_000;

function makeInput(mutate: (i: RefreshInput) => void = () => {}): RefreshInput {
  const input: RefreshInput = {
    refreshPolicy: "Periodic",
    refreshIntervalMs: HOUR,
    lastRefreshMs: NOW - 10 * 60_000,
    syncedResourceVersion: "1-abc",
    currentResourceVersion: "1-abc",
    target: { exists: true, managed: true, hashMatches: true },
    creationPolicy: "Owner",
    now: NOW,
  };
  mutate(input);
  return input;
}

describe("refreshDecision", () => {
  const cases: Array<{ name: string; input: RefreshInput; refresh: boolean; reason: string }> = [
    { name: "up to date", input: makeInput(), refresh: false, reason: "UpToDate" },
    { name: "never synced", input: makeInput((i) => (i.lastRefreshMs = undefined)), refresh: true, reason: "NeverSynced" },
    { name: "no synced resource version", input: makeInput((i) => (i.syncedResourceVersion = undefined)), refresh: true, reason: "NeverSynced" },
    { name: "spec changed", input: makeInput((i) => (i.currentResourceVersion = "2-abc")), refresh: true, reason: "ResourceChanged" },
    { name: "force-sync annotation changed the hash", input: makeInput((i) => (i.currentResourceVersion = "1-def")), refresh: true, reason: "ResourceChanged" },
    { name: "remote changed (change event)", input: makeInput((i) => (i.remoteChanged = true)), refresh: true, reason: "RemoteChanged" },
    { name: "remote changed, OnChange policy", input: makeInput((i) => ((i.remoteChanged = true), (i.refreshPolicy = "OnChange"))), refresh: false, reason: "UpToDate" },
    { name: "remote changed, interval 0", input: makeInput((i) => ((i.remoteChanged = true), (i.refreshIntervalMs = 0))), refresh: false, reason: "UpToDate" },
    { name: "interval elapsed", input: makeInput((i) => (i.lastRefreshMs = NOW - HOUR)), refresh: true, reason: "RefreshDue" },
    { name: "target deleted", input: makeInput((i) => (i.target = { exists: false })), refresh: true, reason: "TargetMissing" },
    { name: "target lost its managed label", input: makeInput((i) => (i.target = { exists: true, managed: false, hashMatches: true })), refresh: true, reason: "TargetNotManaged" },
    { name: "target edited by hand", input: makeInput((i) => (i.target = { exists: true, managed: true, hashMatches: false })), refresh: true, reason: "TargetDataChanged" },
    { name: "Orphan targets are not judged by content", input: makeInput((i) => { i.creationPolicy = "Orphan"; i.target = { exists: false }; }), refresh: false, reason: "UpToDate" },
    { name: "Merge waits for its target to exist", input: makeInput((i) => { i.creationPolicy = "Merge"; i.target = { exists: false }; }), refresh: false, reason: "UpToDate" },
    { name: "refreshInterval 0 never polls", input: makeInput((i) => { i.refreshIntervalMs = 0; i.lastRefreshMs = NOW - 100 * HOUR; }), refresh: false, reason: "UpToDate" },
    { name: "CreatedOnce does not poll", input: makeInput((i) => { i.refreshPolicy = "CreatedOnce"; i.lastRefreshMs = NOW - 100 * HOUR; }), refresh: false, reason: "UpToDate" },
    { name: "CreatedOnce still recreates a deleted target", input: makeInput((i) => { i.refreshPolicy = "CreatedOnce"; i.target = { exists: false }; }), refresh: true, reason: "TargetMissing" },
    { name: "OnChange refreshes on change only", input: makeInput((i) => { i.refreshPolicy = "OnChange"; i.lastRefreshMs = NOW - 100 * HOUR; }), refresh: false, reason: "UpToDate" },
    { name: "values read ahead in another batch refresh early", input: makeInput((i) => (i.prefetched = true)), refresh: true, reason: "Prefetched" },
    { name: "its refresh group is due: refresh with it, up to the jitter bound early", input: makeInput((i) => { i.groupDue = true; i.lastRefreshMs = NOW - HOUR + 10 * 60_000; }), refresh: true, reason: "GroupDue" },
    { name: "a due group never pulls a refresh more than the jitter bound early", input: makeInput((i) => { i.groupDue = true; i.lastRefreshMs = NOW - HOUR + 10 * 60_000 + 1; }), refresh: false, reason: "UpToDate" },
    { name: "a due group does not make OnChange poll", input: makeInput((i) => { i.groupDue = true; i.refreshPolicy = "OnChange"; i.lastRefreshMs = NOW - HOUR; }), refresh: false, reason: "UpToDate" },
    { name: "OnChange on a spec change", input: makeInput((i) => { i.refreshPolicy = "OnChange"; i.currentResourceVersion = "2-abc"; }), refresh: true, reason: "ResourceChanged" },
    // ESO's shouldRefresh: CreatedOnce never refreshes once synced, not even on a spec change or force-sync.
    { name: "CreatedOnce ignores a spec change", input: makeInput((i) => { i.refreshPolicy = "CreatedOnce"; i.currentResourceVersion = "2-abc"; }), refresh: false, reason: "UpToDate" },
    { name: "CreatedOnce ignores force-sync", input: makeInput((i) => { i.refreshPolicy = "CreatedOnce"; i.currentResourceVersion = "1-def"; }), refresh: false, reason: "UpToDate" },
    // A 12 h ECR token synced 10 min ago under a 24 h interval: renewed at 8 h (a third of its life before expiry).
    { name: "an ECR token is not renewed early", input: makeInput((i) => { i.refreshIntervalMs = 24 * HOUR; i.valuesExpireAtMs = i.lastRefreshMs! + 12 * HOUR; }), refresh: false, reason: "UpToDate" },
    { name: "an ECR token is renewed before it expires, within a longer interval", input: makeInput((i) => { i.refreshIntervalMs = 24 * HOUR; i.lastRefreshMs = NOW - 8 * HOUR; i.valuesExpireAtMs = NOW + 4 * HOUR; }), refresh: true, reason: "GeneratedValuesExpiring" },
    { name: "renewBeforeMs sets the margin", input: makeInput((i) => { i.refreshIntervalMs = 24 * HOUR; i.lastRefreshMs = NOW - HOUR; i.valuesExpireAtMs = NOW + HOUR; i.renewal = { renewBeforeMs: 2 * HOUR, minIntervalMs: 60_000 }; }), refresh: true, reason: "GeneratedValuesExpiring" },
    { name: "values that arrive expired wait the minimum interval", input: makeInput((i) => { i.lastRefreshMs = NOW - 30_000; i.valuesExpireAtMs = NOW - 1_000_000; }), refresh: false, reason: "UpToDate" },
    { name: "CreatedOnce does not renew expiring values", input: makeInput((i) => { i.refreshPolicy = "CreatedOnce"; i.lastRefreshMs = NOW - 8 * HOUR; i.valuesExpireAtMs = NOW + HOUR; }), refresh: false, reason: "UpToDate" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(refreshDecision(c.input), { refresh: c.refresh, reason: c.reason });
    });
  }
});

describe("nextRefreshDelayMs", () => {
  test("the rest of the interval, with no jitter at random()=0", () => {
    assert.equal(nextRefreshDelayMs(makeInput(), () => 0), 50 * 60_000);
  });
  test("jitter is added, at most 10% of the interval", () => {
    assert.equal(nextRefreshDelayMs(makeInput((i) => (i.refreshIntervalMs = 10 * 60_000)), () => 0.999_999), Math.round(10 * 60_000 * 0.1 * 0.999_999) + 0);
  });
  test("jitter is capped at 5 minutes for long intervals", () => {
    const d = nextRefreshDelayMs(makeInput((i) => { i.refreshIntervalMs = 24 * HOUR; i.lastRefreshMs = NOW; }), () => 1)!;
    assert.equal(d, 24 * HOUR + 5 * 60_000);
  });
  test("overdue comes back immediately (plus jitter)", () => {
    assert.equal(nextRefreshDelayMs(makeInput((i) => (i.lastRefreshMs = NOW - 2 * HOUR)), () => 0), 0);
  });
  test("no periodic requeue for interval 0 or non-Periodic policies", () => {
    assert.equal(nextRefreshDelayMs(makeInput((i) => (i.refreshIntervalMs = 0))), undefined);
    assert.equal(nextRefreshDelayMs(makeInput((i) => (i.refreshPolicy = "OnChange"))), undefined);
  });
  test("renewal of expiring values comes back on time, without jitter", () => {
    const input = makeInput((i) => { i.refreshIntervalMs = 24 * HOUR; i.lastRefreshMs = NOW; i.valuesExpireAtMs = NOW + 12 * HOUR; });
    assert.equal(renewAtMs(input), NOW + 8 * HOUR);
    assert.equal(nextRefreshDelayMs(input, () => 1), 8 * HOUR);
  });
  test("values that arrive expired requeue after the minimum interval, never at once", () => {
    assert.equal(nextRefreshDelayMs(makeInput((i) => { i.lastRefreshMs = NOW; i.valuesExpireAtMs = 0; }), () => 0), 60_000);
  });
  test("1,000 ExternalSecrets synced at once spread their refreshes over minutes", () => {
    const delays = Array.from({ length: 1000 }, () => nextRefreshDelayMs(makeInput((i) => (i.lastRefreshMs = NOW)))!);
    const spreadMs = Math.max(...delays) - Math.min(...delays);
    assert.ok(spreadMs > 4 * 60_000, `spread ${spreadMs} ms`);
  });
});
