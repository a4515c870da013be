// Whether refreshes keep up: at the end of the steady window, how long ago each ExternalSecret's status says it
// was last refreshed. With refreshInterval I and jitter bound b (ADR 14: min(10% of I, 5 min)), an ExternalSecret
// older than I + b is late — its refreshes are queued behind the controller or the apiserver, not on schedule.
import { summarizeLatencies, type LatencySummary } from "./latency.ts";

export interface RefreshAges extends LatencySummary {
  /** Older than the interval plus the jitter bound (and the second refreshTime is rounded to). */
  late: number;
}

export function refreshAges(items: ReadonlyArray<{ status?: { refreshTime?: string } }>, nowMs: number, intervalSeconds: number): RefreshAges {
  const lateAfter = intervalSeconds + Math.min(intervalSeconds * 0.1, 300) + 1;
  const ages = items.map((es) => {
    const at = es.status?.refreshTime ? Date.parse(es.status.refreshTime) : Number.NaN;
    return Number.isFinite(at) ? Math.max(0, (nowMs - at) / 1000) : undefined;
  });
  return { ...summarizeLatencies(ages), late: ages.filter((a) => a === undefined || a > lateAfter).length };
}
