// The table of issue #16: one column per controller process, Ferry's figures divided by each ESO column's.
import { callsPerCycle, callsPerCycleByAction, totalCalls, type ControllerRunResult } from "./controller-result.ts";

const MiB = 1024 * 1024;

interface Row {
  figure: string;
  value: (r: ControllerRunResult) => number | undefined;
  format: (n: number) => string;
}

const seconds = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) + " s" : "timed out");
const mib = (n: number) => `${(n / MiB).toFixed(0)} MiB`;
const calls = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function rows(results: readonly ControllerRunResult[]): Row[] {
  const count = results[0]?.count ?? 0;
  const steady = results[0]?.steadySeconds ?? 0;
  return [
    { figure: `cold sync, all ${count.toLocaleString("en-US")} Secrets right`, value: (r) => r.coldSyncSeconds ?? Number.POSITIVE_INFINITY, format: seconds },
    { figure: "CPU during the cold sync", value: (r) => r.coldSyncCpuSeconds, format: seconds },
    { figure: "AWS calls per steady 60 s cycle", value: (r) => callsPerCycle(r), format: calls },
    { figure: `RSS after ${steady} s steady`, value: (r) => r.rssBytes, format: mib },
    { figure: "peak RSS (VmHWM)", value: (r) => r.peakRssBytes, format: mib },
    { figure: `CPU in the ${steady} s steady window`, value: (r) => r.steadyCpuSeconds, format: seconds },
    { figure: "new ExternalSecret latency p50", value: (r) => r.latency.p50Seconds, format: seconds },
    { figure: "new ExternalSecret latency p99", value: (r) => r.latency.p99Seconds, format: seconds },
    { figure: "new ExternalSecret latency max", value: (r) => r.latency.maxSeconds, format: seconds },
  ];
}

/** Ferry's figure over ESO's, as "0.42×"; "—" when either is missing or ESO's is zero or unbounded. */
export function ratio(ferry: number | undefined, eso: number | undefined): string {
  if (ferry === undefined || eso === undefined || !Number.isFinite(eso) || eso === 0 || Number.isNaN(ferry)) return "—";
  if (!Number.isFinite(ferry)) return "∞";
  return `${(ferry / eso).toFixed(2)}×`;
}

/** A Markdown table: figures × controllers, then one Ferry/ESO ratio column per ESO run when Ferry ran. */
export function formatComparisonTable(results: readonly ControllerRunResult[]): string {
  const ferry = results.find((r) => r.kind === "ferry");
  const esos = ferry ? results.filter((r) => r.kind === "eso") : [];
  const header = ["figure", ...results.map((r) => r.label), ...esos.map((e) => `Ferry / ${e.label}`)];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const row of rows(results)) {
    const cells = results.map((r) => {
      const v = row.value(r);
      return v === undefined ? "—" : row.format(v);
    });
    const ratios = esos.map((e) => ratio(row.value(ferry!), row.value(e)));
    lines.push(`| ${[row.figure, ...cells, ...ratios].join(" | ")} |`);
  }
  return lines.join("\n");
}

/** One line per controller: AWS calls by action in the cold sync, and per steady cycle. */
export function formatCallBreakdown(results: readonly ControllerRunResult[]): string {
  const byAction = (counts: Record<string, number>) =>
    Object.entries(counts).map(([action, n]) => `${action} ${calls(Math.round(n * 10) / 10)}`).join(", ") || "none";
  return results
    .map((r) => `${r.label}: cold sync ${totalCalls(r.coldSyncAwsCalls)} calls (${byAction(r.coldSyncAwsCalls)}); per steady cycle ${byAction(callsPerCycleByAction(r))}` +
      (r.latency.timedOut > 0 ? `; ${r.latency.timedOut} of ${r.latency.samples} new ExternalSecrets timed out` : ""))
    .join("\n");
}
