// `npm run bench -- --memory`: the controller's RSS at BENCH_MEMORY_COUNTS ExternalSecrets (default
// 1000,5000,10000) with BENCH_MEMORY_UNMANAGED unmanaged Secrets (default 10000) present. Uses the running
// environment from FERRY_TEST_ENV (`npm run env:up`) when set, else starts a private one.
import { startEnvironment, TestEnvironment } from "../test/env/index.ts";
import * as k8s from "@kubernetes/client-node";
import { UNMANAGED_NAMESPACE, formatMemoryTable, runMemoryScenario, type MemoryResult } from "./memory-benchmark.ts";

const counts = (process.env.BENCH_MEMORY_COUNTS ?? "1000,5000,10000").split(",").map(Number);
const unmanaged = Number(process.env.BENCH_MEMORY_UNMANAGED ?? 10_000);
const steadySeconds = Number(process.env.BENCH_MEMORY_STEADY_S ?? 180);
/** The ExternalSecrets' refreshInterval (default 1m, the issue's setup). */
const refreshInterval = process.env.BENCH_MEMORY_REFRESH ?? "1m";
const nodeOptions = process.env.BENCH_MEMORY_NODE_OPTIONS === undefined ? undefined : process.env.BENCH_MEMORY_NODE_OPTIONS.split(" ").filter(Boolean);

const running = process.env.FERRY_TEST_ENV ? undefined : await startEnvironment();
try {
  const env = running ? new TestEnvironment(running.state) : TestEnvironment.load();
  const results: MemoryResult[] = [];
  for (const count of counts) {
    results.push(await runMemoryScenario({ env, count, unmanaged, steadySeconds, refreshInterval, ...(nodeOptions ? { nodeOptions } : {}) }));
    console.error(formatMemoryTable(results));
  }
  console.log(formatMemoryTable(results));
  if (process.env.BENCH_MEMORY_KEEP_UNMANAGED !== "1") await env.kubeConfig().makeApiClient(k8s.CoreV1Api).deleteNamespace({ name: UNMANAGED_NAMESPACE }).catch(() => undefined);
} finally {
  await running?.stop();
}
