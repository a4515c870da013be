// The cost of templates (issue 11): a refresh cycle of N ExternalSecrets each rendering a 5-key template,
// against the same N without one, both through Ferry's real sync path on the local control plane and moto.
// Reported: the refresh cycle's CPU time (this whole process, every thread, the template engine's worker
// included) and its ratio, and the latency of each ExternalSecret's render (one engine call, 5 keys) at
// p50/p99. Renders are timed by wrapping the process-wide engine, here only.
import { AwsProvider } from "../src/providers/aws/index.ts";
import { sharedTemplateEngine } from "../src/lib/gotemplate/index.ts";
import type { TestEnvironment } from "../test/env/index.ts";
import { runSyncScenario, type ScenarioResult } from "./sync-benchmark.ts";

/** Five keys a migrating user's template typically carries: a URL, a docker config, a config file, a digest, JSON. */
export const FIVE_KEY_TEMPLATE = {
  type: "Opaque",
  data: {
    DATABASE_URL: "postgres://app:{{ .password | urlquery }}@db.internal:5432/app?sslmode=require",
    ".dockerconfigjson": '{"auths":{"registry.example.com":{"auth":"{{ printf "%s:%s" "robot" .password | b64enc }}"}}}',
    "config.yaml": "database:\n  host: db.internal\n  password: {{ .password | quote }}\n  pool: 10\n",
    checksum: "{{ .password | sha256sum }}",
    "settings.json": '{{ dict "password" .password "retries" 3 | toJson }}',
  },
};

export interface TemplateCost {
  count: number;
  plain: ScenarioResult;
  templated: ScenarioResult;
  /** Milliseconds per render call during the templated refresh cycle (queueing behind other renders included), sorted. */
  renderMs: number[];
  /** Milliseconds per render of the same template one at a time (the engine's own latency), sorted. */
  aloneMs: number[];
}

export async function runTemplateCost(options: { env: TestEnvironment; count: number; concurrency?: number }): Promise<TemplateCost> {
  const { env, count } = options;
  const concurrency = options.concurrency ?? 32;
  const coalescing = { windowMs: 20, maxBatch: 20 };
  const engine = sharedTemplateEngine();
  // Started before either run, so neither pays the one-time engine start (compile + Go init) in its figures.
  await engine.render({ warm: "{{ .x }}" }, { x: new Uint8Array([120]) });
  // The refresh cycle is started by a spec change, which costs both the same (see refreshBy).
  const plain = await runSyncScenario({ env, label: "tpl-off", count, provider: new AwsProvider({}), concurrency, coalescing, refreshBy: "spec-change" });
  const samples: number[] = [];
  const execute = engine.execute.bind(engine);
  engine.execute = async (...args: Parameters<typeof execute>) => {
    const started = performance.now();
    try {
      return await execute(...args);
    } finally {
      samples.push(performance.now() - started);
    }
  };
  try {
    const templated = await runSyncScenario({ env, label: "tpl-on", count, provider: new AwsProvider({}), concurrency, coalescing, template: FIVE_KEY_TEMPLATE, refreshBy: "spec-change" });
    // The refresh cycle's renders are the last `count` calls (the initial sync's come first).
    const renderMs = samples.slice(-count).sort((a, b) => a - b);
    engine.execute = execute;
    const aloneMs: number[] = [];
    const data = { password: new TextEncoder().encode("value-of-bench/secret-00000") };
    for (let i = 0; i < Math.min(count, 1000); i++) {
      const started = performance.now();
      await engine.render(FIVE_KEY_TEMPLATE.data, data);
      aloneMs.push(performance.now() - started);
    }
    return { count, plain, templated, renderMs, aloneMs: aloneMs.sort((a, b) => a - b) };
  } finally {
    engine.execute = execute;
  }
}

const quantile = (sorted: number[], q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);

export function formatTemplateCost(r: TemplateCost): string {
  const f = (n: number, d = 2) => n.toFixed(d);
  const { plain, templated } = r;
  return [
    `Templates: ${r.count} ExternalSecrets, one refresh cycle, without a template vs each with a 5-key template`,
    `${"metric".padEnd(40)} ${"no template".padStart(12)} ${"5-key template".padStart(15)} ${"ratio".padStart(8)}`,
    `${"refresh cycle: CPU seconds (process)".padEnd(40)} ${f(plain.refresh.cpuSeconds).padStart(12)} ${f(templated.refresh.cpuSeconds).padStart(15)} ${(f(templated.refresh.cpuSeconds / plain.refresh.cpuSeconds) + "x").padStart(8)}`,
    `${"refresh cycle: seconds".padEnd(40)} ${f(plain.refresh.seconds).padStart(12)} ${f(templated.refresh.seconds).padStart(15)} ${(f(templated.refresh.seconds / plain.refresh.seconds) + "x").padStart(8)}`,
    `${"refresh cycle: AWS calls".padEnd(40)} ${String(plain.refresh.awsTotal).padStart(12)} ${String(templated.refresh.awsTotal).padStart(15)}`,
    `${"refresh cycle: Kubernetes requests".padEnd(40)} ${String(plain.refresh.kubeRequests).padStart(12)} ${String(templated.refresh.kubeRequests).padStart(15)}`,
    `${"initial sync: CPU seconds (process)".padEnd(40)} ${f(plain.initialSync.cpuSeconds).padStart(12)} ${f(templated.initialSync.cpuSeconds).padStart(15)} ${(f(templated.initialSync.cpuSeconds / plain.initialSync.cpuSeconds) + "x").padStart(8)}`,
    `render of one ExternalSecret (5 keys, one engine call), in the refresh cycle (queueing included): p50 ${f(quantile(r.renderMs, 0.5))} ms, p99 ${f(quantile(r.renderMs, 0.99))} ms (${r.renderMs.length} renders)`,
    `the same render one at a time (the engine's latency): p50 ${f(quantile(r.aloneMs, 0.5))} ms, p99 ${f(quantile(r.aloneMs, 0.99))} ms, max ${f(r.aloneMs.at(-1) ?? NaN)} ms (${r.aloneMs.length} renders)`,
  ].join("\n");
}

/** `npm run bench -- --templates`: only the template cost, on its own control plane (BENCH_COUNT, default 1000). */
export async function runTemplateCostAlone(count: number): Promise<void> {
  const { execFileSync } = await import("node:child_process");
  const { startEnvironment } = await import("../test/env/environment.ts");
  const { TestEnvironment } = await import("../test/env/test-environment.ts");
  execFileSync("bash", ["tools/template-wasm/build.sh", "--out", "dist/template-engine.wasm"], { stdio: ["ignore", "ignore", "inherit"] });
  const running = await startEnvironment();
  try {
    const { loadavg } = await import("node:os");
    console.log(formatTemplateCost(await runTemplateCost({ env: new TestEnvironment(running.state), count })));
    console.log(`(load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} at the end)`);
  } finally {
    await running.stop();
  }
}
