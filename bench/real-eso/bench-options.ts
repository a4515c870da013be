// Command line of `npm run bench`. Without --against-eso it runs the fast in-process check (naive baseline).
import { parseArgs } from "node:util";

export type ControllerName = `eso-${number}` | "ferry";

export interface BenchOptions {
  mode: "in-process" | "against-eso";
  count: number;
  /** Controllers run one after the other, each on a fresh control plane: eso-<concurrent> and ferry. */
  controllers: ControllerName[];
  steadySeconds: number;
  probes: number;
  probeIntervalSeconds: number;
  /** Unmanaged Secrets created before the controller starts (their memory cost is part of the figure). */
  unmanagedSecrets: number;
  timeoutSeconds: number;
  keepLogs: boolean;
  /** Ferry's --concurrency (the chart's controller.concurrency); the chart's default when absent. */
  ferryConcurrency?: number;
}

export const USAGE = `npm run bench [-- options]
  (no options)              fast in-process check: Ferry against a naive ESO-like model (BENCH_COUNT, default 1000)
  --memory                  the controller's RSS at 1,000 / 5,000 / 10,000 ExternalSecrets (bench/memory-run.ts)
  --change-propagation      only the change-propagation figure (issue 15): latency from the AWS write, from the
                            event's arrival in SQS and from Ferry receiving it, events vs polling, AWS calls per
                            hour (bench/change-propagation.ts); BENCH_CHANGE_COUNT (50), BENCH_POLL_INTERVAL (30s),
                            BENCH_CHANGES_PER_HOUR (60), BENCH_CHANGE_MODES (events,polling; "events" skips polling)
  --templates               only the cost of templates (issue 11): one refresh cycle of BENCH_COUNT ExternalSecrets
                            without and with a 5-key template, CPU ratio and render p50/p99 (bench/template-cost.ts)
  --against-eso             the real ESO v0.16.2 (built by tools/eso/build.sh) and Ferry, each as its own process
  --count N                 ExternalSecrets, one Secrets Manager key each, refreshInterval 60 s (default 1000)
  --controllers LIST        comma-separated, run in this order (default eso-1,eso-8,ferry); eso-N runs --concurrent=N
  --steady SECONDS          steady window after the cold sync: calls, CPU, RSS (default 180)
  --probes N                new ExternalSecrets created after the steady window for latency (default 20)
  --probe-interval SECONDS  between two new ExternalSecrets (default 3)
  --unmanaged-secrets N     plain Secrets present before the controller starts (default 0)
  --timeout SECONDS         per phase (default 1800)
  --keep-logs               keep each run's logs (controller, apiserver, moto); their directory is printed
  --ferry-concurrency N     Ferry's --concurrency, as the chart's controller.concurrency sets it (default the
                            chart's, 32); refreshes take at most a quarter of the workers (ADR 20)
  BENCH_FERRY_NODE_OPTIONS  Ferry's NODE_OPTIONS instead of the chart's`;

export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv = {}): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      "against-eso": { type: "boolean", default: false },
      count: { type: "string" },
      controllers: { type: "string", default: "eso-1,eso-8,ferry" },
      steady: { type: "string", default: "180" },
      probes: { type: "string", default: "20" },
      "probe-interval": { type: "string", default: "3" },
      "unmanaged-secrets": { type: "string", default: "0" },
      timeout: { type: "string", default: "1800" },
      "keep-logs": { type: "boolean", default: false },
      "ferry-concurrency": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const number = (name: string, raw: string, min: number): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got "${raw}"`);
    return n;
  };
  const controllers = values.controllers.split(",").map((c) => c.trim()).filter(Boolean);
  for (const c of controllers) {
    if (c !== "ferry" && !/^eso-[1-9]\d*$/.test(c)) throw new Error(`--controllers: "${c}" is neither ferry nor eso-<concurrent> (eso-1, eso-8)`);
  }
  if (controllers.length === 0) throw new Error("--controllers names no controller");
  return {
    mode: values["against-eso"] ? "against-eso" : "in-process",
    count: Math.floor(number("count", values.count ?? env.BENCH_COUNT ?? "1000", 1)),
    controllers: controllers as ControllerName[],
    steadySeconds: number("steady", values.steady, 1),
    probes: Math.floor(number("probes", values.probes, 0)),
    probeIntervalSeconds: number("probe-interval", values["probe-interval"], 0),
    unmanagedSecrets: Math.floor(number("unmanaged-secrets", values["unmanaged-secrets"], 0)),
    timeoutSeconds: number("timeout", values.timeout, 1),
    keepLogs: values["keep-logs"],
    ...(values["ferry-concurrency"] === undefined ? {} : { ferryConcurrency: Math.floor(number("ferry-concurrency", values["ferry-concurrency"], 1)) }),
  };
}

/** The --concurrent value of an eso-N controller name. */
export const esoConcurrency = (name: ControllerName): number => Number(name.slice("eso-".length));
