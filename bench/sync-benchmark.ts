// One benchmark scenario: N ExternalSecrets, each reading its own Secrets Manager secret, created at once.
// Measures time until all are Ready, then one refresh cycle (force-sync on all), counting AWS calls by
// action through the fault proxy and Kubernetes requests through an apiserver proxy.
import * as k8s from "@kubernetes/client-node";
import { inParallel, seedSecretsManagerStore } from "./bench-fixtures.ts";
import type { Provider } from "../src/providers/provider.ts";
import type { AwsStoreSpec } from "../src/providers/aws/spec.ts";
import { Informer } from "../src/runtime/informer.ts";
import type { KubeObject } from "../src/runtime/list-watcher.ts";
import { SyncManager } from "../src/sync/sync-manager.ts";
import { defaultValueTransforms } from "../src/sync/value-transforms.ts";
import type { ReadCoalescerOptions } from "../src/sync/read-coalescer.ts";
import type { TestEnvironment} from "../test/env/index.ts";
import { waitUntil } from "../test/env/index.ts";

export interface ScenarioOptions {
  env: TestEnvironment;
  label: string;
  count: number;
  provider: Provider<AwsStoreSpec>;
  concurrency: number;
  coalescing?: ReadCoalescerOptions;
  readAhead?: boolean;
  timeoutMs?: number;
  /** target.template of every ExternalSecret (bench/template-cost.ts); none when absent. */
  template?: Record<string, unknown>;
  /**
   * How the refresh cycle is started: the force-sync annotation (default), or a spec change (refreshInterval
   * 1h → 61m). Without a template the ExternalSecret's annotations are copied to its Secret, so force-sync
   * also rewrites every Secret there and not with a template: comparing the two needs the spec change.
   */
  refreshBy?: "force-sync" | "spec-change";
}

export interface PhaseResult {
  seconds: number;
  awsCalls: Record<string, number>;
  awsTotal: number;
  kubeRequests: number;
  /** CPU time of this whole process (every thread, the template engine's worker included) during the phase. */
  cpuSeconds: number;
}

export interface ScenarioResult {
  label: string;
  count: number;
  initialSync: PhaseResult;
  refresh: PhaseResult;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

export async function runSyncScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const { env } = o;
  const timeoutMs = o.timeoutMs ?? 15 * 60_000;
  const admin = env.kubeConfig();
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const custom = admin.makeApiClient(k8s.CustomObjectsApi);
  const ns = await env.createNamespace(`bench-${o.label}`);
  const aws = await env.startAwsProxy();
  env.useAws(aws.url);
  const { proxy: kubeProxy, kubeConfig: proxiedKube } = await env.startKubeProxy();
  const ids = Array.from({ length: o.count }, (_, i) => `bench/secret-${String(i).padStart(5, "0")}`);
  let manager: SyncManager | undefined;
  let watcher: Informer<KubeObject> | undefined;
  try {
    await seedSecretsManagerStore({ core, custom, namespace: ns.name, region: env.state.region, ids });

    // Progress is observed with a watch, not by polling lists of 1,000 objects.
    watcher = new Informer<KubeObject>({ kubeConfig: admin, path: `/apis/external-secrets.io/v1/namespaces/${ns.name}/externalsecrets` });
    watcher.start();
    await watcher.waitForSync();
    const readyCount = (pred: (es: KubeObject) => boolean = () => true) =>
      watcher!.list(ns.name).filter((es) => pred(es) && (es as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;

    manager = new SyncManager({ kubeConfig: proxiedKube, provider: o.provider, transforms: defaultValueTransforms, namespace: ns.name, concurrency: o.concurrency, coalescing: o.coalescing, readAhead: o.readAhead });
    await manager.start();
    aws.resetCounts();
    kubeProxy.resetCounts();

    // Phase 1: N ExternalSecrets created at once → all Ready.
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    await inParallel(ids, 16, (id) => custom.createNamespacedCustomObject({
      group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets",
      body: {
        apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: id.replace(/[^a-z0-9-]/g, "-") },
        spec: {
          refreshInterval: "1h",
          secretStoreRef: { name: "aws", kind: "SecretStore" },
          data: [{ secretKey: "password", remoteRef: { key: id, property: "password" } }],
          ...(o.template ? { target: { template: o.template } } : {}),
        },
      },
    }));
    await waitUntil(`${o.count} ExternalSecrets Ready (${o.label})`, () => readyCount() === o.count, { timeoutMs, intervalMs: 100 });
    const initialSync: PhaseResult = { seconds: (performance.now() - started) / 1000, awsCalls: aws.counts(), awsTotal: total(aws.counts()), kubeRequests: kubeProxy.log.length, cpuSeconds: cpuSince(cpuStarted) };

    // Phase 2: one refresh cycle of every ExternalSecret (force-sync changes the synced resource version).
    const before = new Map(watcher.list(ns.name).map((es) => [es.metadata!.name!, (es as { status?: { syncedResourceVersion?: string } }).status?.syncedResourceVersion]));
    aws.resetCounts();
    kubeProxy.resetCounts();
    const refreshStarted = performance.now();
    const refreshCpu = process.cpuUsage();
    const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
    const trigger = o.refreshBy === "spec-change" ? { spec: { refreshInterval: "61m" } } : { metadata: { annotations: { "external-secrets.io/force-sync": String(Date.now()) } } };
    await inParallel([...before.keys()], 16, (name) => custom.patchNamespacedCustomObject({
      group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name,
      body: trigger,
    }, merge));
    const refreshed = (es: KubeObject) => (es as { status?: { syncedResourceVersion?: string } }).status?.syncedResourceVersion !== before.get(es.metadata!.name!);
    await waitUntil(`${o.count} ExternalSecrets refreshed (${o.label})`, () => readyCount(refreshed) === o.count, { timeoutMs, intervalMs: 100 });
    const refresh: PhaseResult = { seconds: (performance.now() - refreshStarted) / 1000, awsCalls: aws.counts(), awsTotal: total(aws.counts()), kubeRequests: kubeProxy.log.length, cpuSeconds: cpuSince(refreshCpu) };
    return { label: o.label, count: o.count, initialSync, refresh };
  } finally {
    await manager?.stop();
    await watcher?.stop();
    await aws.close();
    await kubeProxy.close();
    await ns.delete();
  }
}

export function formatComparison(baseline: ScenarioResult, ferry: ScenarioResult): string {
  const rows: Array<[string, number, number]> = [
    ["initial sync: seconds until all Ready", baseline.initialSync.seconds, ferry.initialSync.seconds],
    ["initial sync: AWS calls", baseline.initialSync.awsTotal, ferry.initialSync.awsTotal],
    ["initial sync: Kubernetes requests", baseline.initialSync.kubeRequests, ferry.initialSync.kubeRequests],
    ["refresh cycle: seconds", baseline.refresh.seconds, ferry.refresh.seconds],
    ["refresh cycle: AWS calls", baseline.refresh.awsTotal, ferry.refresh.awsTotal],
    ["refresh cycle: Kubernetes requests", baseline.refresh.kubeRequests, ferry.refresh.kubeRequests],
  ];
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
  const lines = [
    `${ferry.count} ExternalSecrets, one Secrets Manager key each`,
    `${"metric".padEnd(40)} ${"naive (ESO-like)".padStart(18)} ${"ferry".padStart(10)} ${"naive/ferry".padStart(12)}`,
    ...rows.map(([name, b, f]) => `${name.padEnd(40)} ${fmt(b).padStart(18)} ${fmt(f).padStart(10)} ${(f === 0 ? "∞" : (b / f).toFixed(1) + "x").padStart(12)}`),
    "",
    `AWS calls by action, refresh cycle: naive ${JSON.stringify(baseline.refresh.awsCalls)}; ferry ${JSON.stringify(ferry.refresh.awsCalls)}`,
  ];
  return lines.join("\n");
}
