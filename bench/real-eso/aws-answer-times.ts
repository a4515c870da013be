// How long moto took to answer, per AWS action, from the counting proxy's log: on a shared machine moto is one
// Python process (one core at most, its secrets dict searched linearly per id), so a slow cold sync is only
// Ferry's when these stay small.
import type { ProxyLogEntry } from "../../test/env/fault-proxy.ts";
import { percentile } from "./latency.ts";

export interface AnswerTimes {
  calls: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers that were not 2xx (a 500 from moto, a 502 when it dropped the connection). */
  failed: number;
}

export function awsAnswerTimes(log: readonly Pick<ProxyLogEntry, "awsAction" | "status" | "ms">[]): Record<string, AnswerTimes> {
  const byAction = new Map<string, { ms: number[]; failed: number }>();
  for (const entry of log) {
    if (!entry.awsAction) continue;
    const times = byAction.get(entry.awsAction) ?? { ms: [], failed: 0 };
    times.ms.push(entry.ms);
    if (entry.status < 200 || entry.status > 299) times.failed++;
    byAction.set(entry.awsAction, times);
  }
  return Object.fromEntries([...byAction].sort(([a], [b]) => a.localeCompare(b)).map(([action, { ms, failed }]) => {
    const sorted = [...ms].sort((a, b) => a - b);
    return [action, { calls: sorted.length, p50Ms: Math.round(percentile(sorted, 50)), p99Ms: Math.round(percentile(sorted, 99)), maxMs: Math.round(sorted[sorted.length - 1]!), failed }];
  }));
}

/** One log line: `BatchGetSecretValue 512 calls p50 40 / p99 900 / max 1200 ms`. */
export function formatAnswerTimes(times: Record<string, AnswerTimes>): string {
  const parts = Object.entries(times).map(([action, t]) => `${action} ${t.calls} calls p50 ${t.p50Ms} / p99 ${t.p99Ms} / max ${t.maxMs} ms${t.failed ? `, ${t.failed} failed` : ""}`);
  return parts.length ? parts.join("; ") : "no AWS calls";
}
