// The memory figure: `ferry controller` as its own process (started as the image starts it, with the same V8
// flags) against the local control plane and moto, with N ExternalSecrets (one Secrets Manager key each) and
// M unmanaged Secrets with data in the cluster. RSS is read from /proc/<pid>/status (VmRSS, VmHWM, as
// /usr/bin/time -v reports maxresident); the V8 breakdown comes from the controller's own /metrics.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import * as k8s from "@kubernetes/client-node";
import { inParallel, seedSecretsManagerStore } from "./bench-fixtures.ts";
import { Informer } from "../src/runtime/informer.ts";
import type { KubeObject } from "../src/runtime/list-watcher.ts";
import { CONTROLLER_MEMORY_LIMIT_MI, chartNodeOptions } from "../tools/helm/node-options.ts";
import { imageEnvironment } from "./image-environment.ts";
import type { TestEnvironment } from "../test/env/index.ts";
import { waitUntil } from "../test/env/index.ts";

export interface MemoryScenarioOptions {
  env: TestEnvironment;
  /** ExternalSecrets, each reading its own Secrets Manager secret. */
  count: number;
  /** Secrets without the managed label, each with `unmanagedBytes` of data: a busy cluster's other Secrets. */
  unmanaged: number;
  unmanagedBytes?: number;
  refreshInterval?: string;
  /** How long RSS is sampled after every ExternalSecret is Ready (the figure: after 3 minutes steady). */
  steadySeconds?: number;
  /** V8 flags for the controller; default the chart's for its memory limit. */
  nodeOptions?: readonly string[];
  log?: (line: string) => void;
}

export interface MemorySample {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
}

export interface MemoryResult {
  count: number;
  unmanaged: number;
  coldSyncSeconds: number;
  /** RSS at the end of the steady window. */
  steady: MemorySample;
  /** Highest RSS of the whole run (VmHWM): what a memory limit must allow. */
  peakRssBytes: number;
}

const repoRoot = fileURLToPath(new URL("..", import.meta.url));


async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** VmRSS and VmHWM of a live process, in bytes. */
export function procMemory(pid: number): { rssBytes: number; hwmBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rssBytes: kib("VmRSS"), hwmBytes: kib("VmHWM") };
}

/** One gauge from a Prometheus text exposition. */
export function gaugeValue(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}

async function sample(pid: number, metricsUrl: string): Promise<MemorySample> {
  const text = await fetch(metricsUrl).then((r) => r.text()).catch(() => "");
  return {
    rssBytes: procMemory(pid).rssBytes,
    heapUsedBytes: gaugeValue(text, "nodejs_heap_size_used_bytes"),
    heapTotalBytes: gaugeValue(text, "nodejs_heap_size_total_bytes"),
    externalBytes: gaugeValue(text, "nodejs_external_memory_bytes"),
  };
}

/** Where the unmanaged Secrets live: one namespace for every scenario of a run, topped up to the count asked. */
export const UNMANAGED_NAMESPACE = "mem-unmanaged";

async function ensureUnmanagedSecrets(core: k8s.CoreV1Api, count: number, bytes: number): Promise<void> {
  await core.createNamespace({ body: { metadata: { name: UNMANAGED_NAMESPACE } } }).catch((err: unknown) => {
    if (!(err instanceof k8s.ApiException && err.code === 409)) throw err;
  });
  const existing = new Set<string>();
  let cont: string | undefined;
  do {
    const page = await core.listNamespacedSecret({ namespace: UNMANAGED_NAMESPACE, limit: 500, ...(cont ? { _continue: cont } : {}) });
    for (const s of page.items) existing.add(s.metadata!.name!);
    cont = page.metadata?._continue || undefined;
  } while (cont);
  const filler = "x".repeat(bytes);
  const missing = Array.from({ length: count }, (_, i) => `unmanaged-${i}`).filter((n) => !existing.has(n));
  await inParallel(missing, 32, (name) =>
    core.createNamespacedSecret({ namespace: UNMANAGED_NAMESPACE, body: { metadata: { name, labels: { app: "other" } }, stringData: { blob: filler } } }));
}

export async function runMemoryScenario(o: MemoryScenarioOptions): Promise<MemoryResult> {
  const { env } = o;
  const log = o.log ?? ((line: string) => console.error(`[bench:memory] ${line}`));
  const admin = env.kubeConfig();
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const custom = admin.makeApiClient(k8s.CustomObjectsApi);
  const ns = await env.createNamespace(`mem-${o.count}`);
  const aws = await env.startAwsProxy();
  env.useAws(aws.url);
  let controller: ChildProcess | undefined;
  let watcher: Informer<KubeObject> | undefined;
  try {
    const ids = Array.from({ length: o.count }, (_, i) => `mem/secret-${String(i).padStart(5, "0")}`);
    log(`creating ${o.count} Secrets Manager secrets, ${o.unmanaged} unmanaged Secrets`);
    // moto answers an occasional 500 under a burst of creates: retry those rather than lose the run.
    await seedSecretsManagerStore({ core, custom, namespace: ns.name, region: env.state.region, ids, parallel: 16, maxAttempts: 10 });
    await ensureUnmanagedSecrets(core, o.unmanaged, o.unmanagedBytes ?? 2048);

    watcher = new Informer<KubeObject>({ kubeConfig: admin, path: `/apis/external-secrets.io/v1/namespaces/${ns.name}/externalsecrets`, transform: (es) => ({ metadata: { name: es.metadata?.name, namespace: es.metadata?.namespace, resourceVersion: es.metadata?.resourceVersion }, status: (es as { status?: unknown }).status }) as KubeObject });
    watcher.start();
    await watcher.waitForSync();
    const ready = () => watcher!.list(ns.name).filter((es) => (es as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;

    const port = await freePort();
    const nodeOptions = o.nodeOptions ?? chartNodeOptions(CONTROLLER_MEMORY_LIMIT_MI);
    controller = spawn(process.execPath, [...nodeOptions, "src/cli/main.ts", "controller", "--kubeconfig", env.state.kubeconfig, "--health-addr", `127.0.0.1:${port}`, "--log-level", "warn"], {
      cwd: repoRoot,
      env: { ...process.env, ...imageEnvironment(), ...env.awsEnvironment(aws.url) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const pid = controller.pid!;
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    await waitUntil("controller ready", async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok).catch(() => false)), { timeoutMs: 120_000, intervalMs: 200 });
    const idle = await sample(pid, metricsUrl);
    log(`controller up (node ${nodeOptions.join(" ")}): RSS ${mib(idle.rssBytes)} MiB before any ExternalSecret`);

    const started = performance.now();
    await inParallel(ids, 32, (id) => custom.createNamespacedCustomObject({
      group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets",
      body: {
        apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: id.replace(/[^a-z0-9-]/g, "-") },
        spec: { refreshInterval: o.refreshInterval ?? "1m", secretStoreRef: { name: "aws", kind: "SecretStore" }, data: [{ secretKey: "password", remoteRef: { key: id, property: "password" } }] },
      },
    }));
    await waitUntil(`${o.count} ExternalSecrets Ready`, () => ready() === o.count, { timeoutMs: 30 * 60_000, intervalMs: 250 });
    const coldSyncSeconds = (performance.now() - started) / 1000;
    log(`${o.count} Ready after ${coldSyncSeconds.toFixed(1)} s; RSS ${mib(procMemory(pid).rssBytes)} MiB; sampling ${o.steadySeconds ?? 180} s steady`);

    const steadyUntil = performance.now() + (o.steadySeconds ?? 180) * 1000;
    let steady = await sample(pid, metricsUrl);
    while (performance.now() < steadyUntil) {
      await new Promise((r) => setTimeout(r, 5_000));
      steady = await sample(pid, metricsUrl);
    }
    const peakRssBytes = procMemory(pid).hwmBytes;
    log(`steady: RSS ${mib(steady.rssBytes)} MiB, heap used ${mib(steady.heapUsedBytes)} MiB, external ${mib(steady.externalBytes)} MiB, peak ${mib(peakRssBytes)} MiB`);
    return { count: o.count, unmanaged: o.unmanaged, coldSyncSeconds, steady, peakRssBytes };
  } finally {
    if (controller && controller.exitCode === null) {
      const exited = new Promise((r) => controller!.once("exit", r));
      controller.kill("SIGTERM");
      await exited;
    }
    await watcher?.stop();
    await aws.close();
    await ns.delete();
  }
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

export function formatMemoryTable(results: readonly MemoryResult[]): string {
  const header = `${"ExternalSecrets".padStart(15)} ${"unmanaged".padStart(10)} ${"cold sync s".padStart(11)} ${"RSS MiB".padStart(8)} ${"peak MiB".padStart(9)} ${"heap used".padStart(10)} ${"external".padStart(9)} ${"RSS/1,000 ES".padStart(13)}`;
  const rows = results.map((r) =>
    `${String(r.count).padStart(15)} ${String(r.unmanaged).padStart(10)} ${r.coldSyncSeconds.toFixed(1).padStart(11)} ${mib(r.steady.rssBytes).padStart(8)} ${mib(r.peakRssBytes).padStart(9)} ${mib(r.steady.heapUsedBytes).padStart(10)} ${mib(r.steady.externalBytes).padStart(9)} ${(r.steady.rssBytes / 1024 / 1024 / (r.count / 1000)).toFixed(1).padStart(13)}`);
  return ["ferry controller RSS (one process, /proc VmRSS after the steady window; peak = VmHWM)", header, ...rows].join("\n");
}
