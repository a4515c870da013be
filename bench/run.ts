// `npm run bench`: the sync benchmark on the local control plane and moto. Ferry and a naive ESO-like
// baseline run in this same process against the same servers, so the figures that matter are the ratios.
// BENCH_COUNT (default 1000) sets the number of ExternalSecrets.
// `npm run bench -- --memory`: the controller's RSS at 1,000 / 5,000 / 10,000 ExternalSecrets (bench/memory-run.ts).
if (process.argv.includes("--memory")) {
  await import("./memory-run.ts");
  process.exit(0);
}
import { AwsProvider } from "../src/providers/aws/index.ts";
import { startEnvironment } from "../test/env/environment.ts";
import { TestEnvironment } from "../test/env/test-environment.ts";
import { NaiveAwsProvider } from "./naive-provider.ts";
import { formatComparison, runSyncScenario } from "./sync-benchmark.ts";

const count = Number(process.env.BENCH_COUNT ?? 1000);
const running = await startEnvironment();
try {
  const env = new TestEnvironment(running.state);
  console.error(`[bench] naive baseline: ${count} ExternalSecrets, 1 worker, one GetSecretValue per key, new client per reconcile`);
  const baseline = await runSyncScenario({ env, label: "naive", count, provider: new NaiveAwsProvider(), concurrency: 1, coalescing: { windowMs: 0, maxBatch: 1 }, readAhead: false });
  console.error(`[bench] ferry: ${count} ExternalSecrets, default settings`);
  const ferry = await runSyncScenario({ env, label: "ferry", count, provider: new AwsProvider({}), concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32), coalescing: { windowMs: Number(process.env.BENCH_WINDOW_MS ?? 20), maxBatch: 20 } });
  console.log(formatComparison(baseline, ferry));
} finally {
  await running.stop();
}
