// Memory and time of the template engine in a fresh process, for ADR 9's table: RSS before the engine starts,
// after its first render (read + compile + instantiate + Go init) and after more renders; render latency.
// Whole-process figures from /proc/self/status (what a container's memory limit counts), not a benchmark
// harness; quote the load average (`uptime`) next to them.
//
//   node --expose-gc tools/template-wasm/measure.ts [engine.wasm] [renders] [module to load first]
// e.g. src/cli/controller-command.ts as the third argument puts the engine on top of the controller's module graph.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { TemplateEngine } from "../../src/lib/gotemplate/template-engine.ts";

const wasmPath = process.argv[2] ?? "dist/template-engine.wasm";
const renders = Number(process.argv[3] ?? "100");
if (process.argv[4]) await import(new URL(`../../${process.argv[4]}`, import.meta.url).href);
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

function rssMiB(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return Math.round(Number(m?.[1] ?? 0) / 1024);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

const data = {
  username: utf8("admin"),
  password: utf8("s3cr3t-passw0rd"),
  host: utf8("db.internal.example"),
  config: utf8('{"region":"eu-west-1","replicas":3,"tags":{"team":"payments"}}'),
};
const oneKey = { url: "postgres://{{ .username }}:{{ .password | urlquery }}@{{ .host }}:5432/app" };
const fiveKeys = {
  ".dockerconfigjson": '{"auths":{"registry.example":{"auth":"{{ printf "%s:%s" .username .password | b64enc }}"}}}',
  url: "postgres://{{ .username }}:{{ .password | urlquery }}@{{ .host }}:5432/app",
  "config.yaml": "{{ .config | fromJson | toYaml }}",
  region: "{{ (.config | fromJson).region | upper }}",
  checksum: "{{ .password | sha256sum }}",
};

// CPU time of the whole process (worker threads included) per render: less sensitive to load than latency.
let cpuMs = 0;

async function timed(engine: TemplateEngine, templates: Record<string, string>, n: number): Promise<number[]> {
  const ms: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const out = await engine.render(templates, data);
    ms.push(performance.now() - t0);
    if (!out.ok) throw new Error(out.failure.message);
  }
  const cpu = process.cpuUsage(cpu0);
  cpuMs = (cpu.user + cpu.system) / 1000 / n;
  return ms.sort((a, b) => a - b);
}

globalThis.gc?.();
const before = rssMiB();
const engine = new TemplateEngine({ wasmPath, deadlineMs: 1_000 });
const t0 = performance.now();
await timed(engine, oneKey, 1);
const coldStartMs = Math.round(performance.now() - t0);
const afterStart = rssMiB();
const one = await timed(engine, oneKey, renders);
const oneCpuMs = cpuMs;
const five = await timed(engine, fiveKeys, renders);
const fiveCpuMs = cpuMs;
globalThis.gc?.();
const afterRenders = rssMiB();
// A template past its deadline: the worker is terminated and the next render starts a new one.
const endless = await engine.render({ loop: "{{ range 100000000000 }}{{ end }}" }, {});
if (endless.ok) throw new Error("the endless template finished");
const t1 = performance.now();
await timed(engine, oneKey, 1);
const restartMs = Math.round(performance.now() - t1);
const round = (x: number) => Math.round(x * 100) / 100;
console.log(
  JSON.stringify({
    wasmPath,
    rssMiB: { before, afterStart, [`after${renders * 2}Renders`]: afterRenders },
    coldStartMs,
    restartMs,
    oneKeyMs: { p50: round(percentile(one, 50)), p99: round(percentile(one, 99)), cpu: round(oneCpuMs) },
    fiveKeysMs: { p50: round(percentile(five, 50)), p99: round(percentile(five, 99)), cpu: round(fiveCpuMs) },
  }),
);
await engine.close();
