import type { LatencySummary } from "./latency.ts";

/** What one controller process measured in the real-controller benchmark (scenario.ts). */
export interface ControllerRunResult {
  /** Column heading, e.g. "ESO --concurrent=8" or "Ferry". */
  label: string;
  kind: "eso" | "ferry";
  count: number;
  /** Seconds from the first ExternalSecret created until all N Secrets held the right value; undefined on timeout. */
  coldSyncSeconds: number | undefined;
  coldSyncAwsCalls: Record<string, number>;
  /** User + system CPU seconds the process used from the first create until all N Secrets were right (or timeout). */
  coldSyncCpuSeconds: number;
  /** Length of the steady window that follows the cold sync. */
  steadySeconds: number;
  /** AWS calls by action counted in the steady window. */
  steadyAwsCalls: Record<string, number>;
  /** VmRSS at the end of the steady window, and VmHWM (peak) over the whole run. */
  rssBytes: number;
  peakRssBytes: number;
  /** User + system CPU seconds the process used in the steady window. */
  steadyCpuSeconds: number;
  /** New ExternalSecrets created one by one after the steady window, while the N keep refreshing. */
  latency: LatencySummary;
}

export const totalCalls = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** AWS calls per 60 s refresh cycle (the ExternalSecrets' refreshInterval), from a window of any length. */
export function callsPerCycle(result: Pick<ControllerRunResult, "steadyAwsCalls" | "steadySeconds">, cycleSeconds = 60): number {
  return (totalCalls(result.steadyAwsCalls) * cycleSeconds) / result.steadySeconds;
}

export function callsPerCycleByAction(result: Pick<ControllerRunResult, "steadyAwsCalls" | "steadySeconds">, cycleSeconds = 60): Record<string, number> {
  return Object.fromEntries(Object.entries(result.steadyAwsCalls).map(([action, n]) => [action, (n * cycleSeconds) / result.steadySeconds]));
}
