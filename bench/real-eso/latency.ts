/** Latency summary of new-ExternalSecret probes; `timedOut` probes never got their Secret right. */
export interface LatencySummary {
  samples: number;
  timedOut: number;
  p50Seconds: number;
  p99Seconds: number;
  maxSeconds: number;
}

/**
 * Nearest-rank percentile (the smallest sample with at least p% of samples at or below it). Timed-out
 * probes count as +Infinity, so they push the upper percentiles instead of vanishing from them.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarizeLatencies(seconds: ReadonlyArray<number | undefined>): LatencySummary {
  const values = seconds.map((s) => s ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  return {
    samples: values.length,
    timedOut: seconds.filter((s) => s === undefined).length,
    p50Seconds: percentile(values, 50),
    p99Seconds: percentile(values, 99),
    maxSeconds: values.length === 0 ? Number.NaN : values[values.length - 1]!,
  };
}
