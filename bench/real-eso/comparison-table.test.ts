import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { callsPerCycle, callsPerCycleByAction, type ControllerRunResult } from "./controller-result.ts";
import { formatCallBreakdown, formatComparisonTable, ratio } from "./comparison-table.ts";
import { percentile, summarizeLatencies } from "./latency.ts";

const MiB = 1024 * 1024;

function aResult(mutate: (r: ControllerRunResult) => void = () => {}): ControllerRunResult {
  const r: ControllerRunResult = {
    label: "ESO --concurrent=8", kind: "eso", count: 1000,
    coldSyncSeconds: 78, coldSyncAwsCalls: { GetSecretValue: 1000 }, coldSyncCpuSeconds: 20,
    steadySeconds: 180, steadyAwsCalls: { GetSecretValue: 2793 },
    rssBytes: 161 * MiB, peakRssBytes: 170 * MiB, steadyCpuSeconds: 35,
    latency: { samples: 20, timedOut: 0, p50Seconds: 1.4, p99Seconds: 2.1, maxSeconds: 2.1 },
  };
  mutate(r);
  return r;
}

describe("calls per steady cycle", () => {
  const cases: Array<{ name: string; window: number; calls: Record<string, number>; perCycle: number }> = [
    { name: "a 180 s window is three cycles", window: 180, calls: { GetSecretValue: 2793 }, perCycle: 931 },
    { name: "a 60 s window is one cycle", window: 60, calls: { BatchGetSecretValue: 50, GetSecretValue: 3 }, perCycle: 53 },
    { name: "a 30 s window is half a cycle", window: 30, calls: { BatchGetSecretValue: 25 }, perCycle: 50 },
    { name: "no calls", window: 180, calls: {}, perCycle: 0 },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(callsPerCycle({ steadyAwsCalls: c.calls, steadySeconds: c.window }), c.perCycle));
  }
  test("by action", () => {
    assert.deepEqual(callsPerCycleByAction({ steadyAwsCalls: { BatchGetSecretValue: 150, GetSecretValue: 6 }, steadySeconds: 180 }), { BatchGetSecretValue: 50, GetSecretValue: 2 });
  });
});

describe("ratio (Ferry / ESO)", () => {
  const cases: Array<[number | undefined, number | undefined, string]> = [
    [51, 78, "0.65×"],
    [565 * MiB, 161 * MiB, "3.51×"],
    [0, 931, "0.00×"],
    [5, 0, "—"],
    [5, Number.POSITIVE_INFINITY, "—"],
    [Number.POSITIVE_INFINITY, 10, "∞"],
    [undefined, 10, "—"],
    [Number.NaN, 10, "—"],
  ];
  for (const [ferry, eso, expected] of cases) test(`${ferry} / ${eso} → ${expected}`, () => assert.equal(ratio(ferry, eso), expected));
});

describe("latency summary", () => {
  test("nearest-rank percentiles", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 50), 50);
    assert.equal(percentile(sorted, 99), 99);
    assert.equal(percentile([3], 99), 3);
    assert.ok(Number.isNaN(percentile([], 50)));
  });
  test("timed-out probes count as unbounded, at the top", () => {
    const s = summarizeLatencies([0.2, undefined, 0.1, 0.3]);
    assert.deepEqual(s, { samples: 4, timedOut: 1, p50Seconds: 0.2, p99Seconds: Number.POSITIVE_INFINITY, maxSeconds: Number.POSITIVE_INFINITY });
  });
});

describe("formatComparisonTable", () => {
  const eso1 = aResult((r) => {
    r.label = "ESO --concurrent=1";
    r.coldSyncSeconds = 169;
    r.steadyAwsCalls = { GetSecretValue: 1668 };
    r.latency = { samples: 20, timedOut: 0, p50Seconds: 103, p99Seconds: 110, maxSeconds: 110 };
  });
  const eso8 = aResult();
  const ferry = aResult((r) => {
    r.label = "Ferry";
    r.kind = "ferry";
    r.coldSyncSeconds = 39;
    r.steadyAwsCalls = { BatchGetSecretValue: 159 };
    r.rssBytes = 120 * MiB;
    r.latency = { samples: 20, timedOut: 0, p50Seconds: 0.05, p99Seconds: 0.2, maxSeconds: 0.2 };
  });
  const table = formatComparisonTable([eso1, eso8, ferry]);
  const row = (figure: string) => table.split("\n").find((l) => l.startsWith(`| ${figure}`))?.split(" | ").map((c) => c.replace(/^\| |\s*\|$/g, ""));

  test("one column per controller, then Ferry / each ESO", () => {
    assert.deepEqual(row("figure"), ["figure", "ESO --concurrent=1", "ESO --concurrent=8", "Ferry", "Ferry / ESO --concurrent=1", "Ferry / ESO --concurrent=8"]);
  });
  test("the figures of issue #16, with ratios", () => {
    assert.deepEqual(row("cold sync, all 1,000 Secrets right"), ["cold sync, all 1,000 Secrets right", "169.0 s", "78.0 s", "39.0 s", "0.23×", "0.50×"]);
    assert.deepEqual(row("AWS calls per steady 60 s cycle"), ["AWS calls per steady 60 s cycle", "556", "931", "53", "0.10×", "0.06×"]);
    assert.deepEqual(row("RSS after 180 s steady"), ["RSS after 180 s steady", "161 MiB", "161 MiB", "120 MiB", "0.75×", "0.75×"]);
    assert.deepEqual(row("new ExternalSecret latency p99"), ["new ExternalSecret latency p99", "110.0 s", "2.10 s", "0.20 s", "0.00×", "0.10×"]);
  });
  test("a timed-out cold sync reads as such and has no ratio", () => {
    const t = formatComparisonTable([aResult((r) => (r.coldSyncSeconds = undefined)), ferry]);
    assert.match(t, /\| cold sync, all 1,000 Secrets right \| timed out \| 39\.0 s \| — \|/);
  });
  test("Ferry alone: no ratio columns", () => {
    assert.doesNotMatch(formatComparisonTable([ferry]), /Ferry \//);
  });
  test("the call breakdown names every action, per cycle", () => {
    assert.equal(formatCallBreakdown([ferry]), "Ferry: cold sync 1000 calls (GetSecretValue 1000); per steady cycle BatchGetSecretValue 53");
  });
});
