// `npm run bench`: three modes (docs/adr/0012-benchmark-against-real-eso.md).
//   npm run bench                      the fast in-process check: Ferry and a naive ESO-like model in this
//                                      process against the same servers (BENCH_COUNT, default 1000); ratios only;
//                                      then the change-propagation figure, events vs polling (bench/change-propagation.ts).
//   npm run bench -- --against-eso     the real ESO v0.16.2 (tools/eso/build.sh) and Ferry, each as its own
//                                      process on a fresh control plane, one after the other; issue #16's table.
//   npm run bench -- --memory          the controller's RSS at 1,000 / 5,000 / 10,000 ExternalSecrets (bench/memory-run.ts).
//   npm run bench -- --change-propagation   only the change-propagation figure (events vs polling), a few minutes.
//   npm run bench -- --templates       only the cost of templates (issue 11), a few minutes.
// `npm run bench -- --help` lists the options.
if (process.argv.includes("--memory")) {
  await import("./memory-run.ts");
  process.exit(0);
}
// Only the change-propagation figure (issue 15), on its own control plane, in a few minutes.
if (process.argv.includes("--change-propagation") && !process.argv.includes("--help")) {
  const { runChangePropagationAlone } = await import("./change-propagation.ts");
  await runChangePropagationAlone();
  process.exit(0);
}
// Only the cost of templates (issue 11), on its own control plane.
if (process.argv.includes("--templates") && !process.argv.includes("--help")) {
  const { runTemplateCostAlone } = await import("./template-cost.ts");
  await runTemplateCostAlone(Number(process.env.BENCH_COUNT ?? 1000));
  process.exit(0);
}
import { execFileSync } from "node:child_process";
import { AwsProvider } from "../src/providers/aws/index.ts";
import { startEnvironment } from "../test/env/environment.ts";
import { TestEnvironment } from "../test/env/test-environment.ts";
import { NaiveAwsProvider } from "./naive-provider.ts";
import { formatComparison, runSyncScenario } from "./sync-benchmark.ts";
import { changePropagationFigure } from "./change-propagation.ts";
import { formatFanOut, runFanOutScenario } from "./fanout.ts";
import { formatSteady, runSteadyScenario } from "./steady-refresh.ts";
import { USAGE, esoConcurrency, parseBenchOptions, type BenchOptions } from "./real-eso/bench-options.ts";
import { ensureEsoBuild, type EsoBuild } from "./real-eso/eso-build.ts";
import { CHART_CONTROLLER_CONCURRENCY, startEso, startFerry } from "./real-eso/controller-process.ts";
import { runControllerScenario } from "./real-eso/scenario.ts";
import type { ControllerRunResult } from "./real-eso/controller-result.ts";
import { formatTemplateCost, runTemplateCost } from "./template-cost.ts";
import { formatCallBreakdown, formatComparisonTable } from "./real-eso/comparison-table.ts";

if (process.argv.includes("--help")) {
  console.log(USAGE);
  process.exit(0);
}
const options = parseBenchOptions(process.argv.slice(2), process.env);
if (options.mode === "in-process") await runInProcess(options.count);
else await runAgainstEso(options);

async function runInProcess(count: number): Promise<void> {
  const running = await startEnvironment();
  try {
    const env = new TestEnvironment(running.state);
    console.error(`[bench] naive baseline: ${count} ExternalSecrets, 1 worker, one GetSecretValue per key, new client per reconcile`);
    const baseline = await runSyncScenario({ env, label: "naive", count, provider: new NaiveAwsProvider(), concurrency: 1, coalescing: { windowMs: 0, maxBatch: 1 }, readAhead: false });
    console.error(`[bench] ferry: ${count} ExternalSecrets, default settings`);
    const ferry = await runSyncScenario({ env, label: "ferry", count, provider: new AwsProvider({}), concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32), coalescing: { windowMs: Number(process.env.BENCH_WINDOW_MS ?? 20), maxBatch: 20 } });
    console.log(formatComparison(baseline, ferry));
    console.log(`\n${await changePropagationFigure(env)}`);
    // ClusterExternalSecret fan-out (bench/fanout.ts): BENCH_FANOUT_NAMESPACES (default 20) from one ClusterExternalSecret.
    const fanOut = Number(process.env.BENCH_FANOUT_NAMESPACES ?? 20);
    const fanOutBaseline = await runFanOutScenario({ env, label: "naive", namespaces: fanOut, provider: new NaiveAwsProvider(), concurrency: 1, coalescing: { windowMs: 0, maxBatch: 1 }, readAhead: false });
    const fanOutFerry = await runFanOutScenario({ env, label: "ferry", namespaces: fanOut, provider: new AwsProvider({}), concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32) });
    console.log(`\n${formatFanOut(fanOutBaseline, fanOutFerry)}`);
    // The cost of templates (issue 11); BENCH_TEMPLATES=0 skips it.
    if (process.env.BENCH_TEMPLATES !== "0") {
      execFileSync("bash", ["tools/template-wasm/build.sh", "--out", "dist/template-engine.wasm"], { stdio: ["ignore", "ignore", "inherit"] });
      console.error(`[bench] templates: ${count} ExternalSecrets without and with a 5-key template`);
      console.log(formatTemplateCost(await runTemplateCost({ env, count })));
    }
    // Steady state (ADR 14): Ferry's ExternalSecrets refreshing on their own. BENCH_STEADY_CYCLES counted
    // cycles (default 3; 0 skips it) of BENCH_STEADY_INTERVAL seconds (default 60) after a warm-up cycle.
    const cycles = Number(process.env.BENCH_STEADY_CYCLES ?? 3);
    if (cycles > 0) {
      const intervalSeconds = Number(process.env.BENCH_STEADY_INTERVAL ?? 60);
      console.error(`[bench] ferry steady state: ${count} ExternalSecrets, refreshInterval ${intervalSeconds}s, ${cycles} cycles after a warm-up cycle`);
      const steady = await runSteadyScenario({ env, count, provider: new AwsProvider({}), intervalSeconds, cycles, concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32) });
      console.log(formatSteady(steady));
    }
  } finally {
    await running.stop();
  }
}

async function runAgainstEso(o: BenchOptions): Promise<void> {
  const started = Date.now();
  let eso: EsoBuild | undefined;
  if (o.controllers.some((c) => c !== "ferry")) eso = await ensureEsoBuild();
  if (o.controllers.includes("ferry")) {
    // The template engine is a build artifact the controller loads at run time (cached by source hash).
    execFileSync("bash", ["tools/template-wasm/build.sh", "--out", "dist/template-engine.wasm"], { stdio: ["ignore", "ignore", "inherit"] });
  }
  const common = { count: o.count, steadySeconds: o.steadySeconds, probes: o.probes, probeIntervalSeconds: o.probeIntervalSeconds, unmanagedSecrets: o.unmanagedSecrets, timeoutSeconds: o.timeoutSeconds, keepLogs: o.keepLogs };
  const results: ControllerRunResult[] = [];
  for (const name of o.controllers) {
    if (name === "ferry") {
      results.push(await runControllerScenario({
        ...common, label: "Ferry", kind: "ferry",
        start: (s) => startFerry({ ...s, concurrency: o.ferryConcurrency ?? CHART_CONTROLLER_CONCURRENCY, nodeOptions: process.env.BENCH_FERRY_NODE_OPTIONS }),
      }));
    } else {
      const concurrent = esoConcurrency(name);
      results.push(await runControllerScenario({
        ...common, label: `ESO --concurrent=${concurrent}`, kind: "eso", crdDir: eso!.crdDir,
        start: (s) => startEso({ ...s, binary: eso!.binary, concurrent }),
      }));
    }
    // Partial results as each controller finishes: a long run interrupted later still leaves figures.
    console.error(formatComparisonTable(results));
  }
  const machine = `${(await import("node:os")).cpus().length} CPUs, load average ${(await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(" ")} at the end`;
  console.log(`${o.count} ExternalSecrets, one Secrets Manager key each, refreshInterval 60 s; steady window ${o.steadySeconds} s; ${o.probes} new ExternalSecrets ${o.probeIntervalSeconds} s apart; ${o.unmanagedSecrets} unmanaged Secrets${o.ferryConcurrency === undefined ? "" : `; Ferry --concurrency=${o.ferryConcurrency}`}`);
  console.log(formatComparisonTable(results));
  console.log("");
  console.log(formatCallBreakdown(results));
  console.log(`(${machine}; whole run ${((Date.now() - started) / 60_000).toFixed(1)} min)`);
}
