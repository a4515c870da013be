// The ClusterExternalSecret fan-out figure: one ClusterExternalSecret selecting N namespaces (default 20),
// every ExternalSecret reading the same Secrets Manager key. Counts AWS calls through the fault proxy for the
// initial sync (all N Ready) and one refresh cycle (force-sync on the ClusterExternalSecret, passed on to
// every ExternalSecret), for Ferry and for the naive ESO-like baseline (a new client per reconcile, one read
// per ExternalSecret: ESO KES #382). Run by bench/run.ts; the figures that matter are counts and ratios.
import * as k8s from "@kubernetes/client-node";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Provider } from "../src/providers/provider.ts";
import type { AwsStoreSpec } from "../src/providers/aws/spec.ts";
import { Informer } from "../src/runtime/informer.ts";
import type { KubeObject } from "../src/runtime/list-watcher.ts";
import { SyncManager } from "../src/sync/sync-manager.ts";
import { defaultValueTransforms } from "../src/sync/value-transforms.ts";
import type { ReadCoalescerOptions } from "../src/sync/read-coalescer.ts";
import type { TestEnvironment } from "../test/env/index.ts";
import { waitUntil } from "../test/env/index.ts";

export interface FanOutOptions {
  env: TestEnvironment;
  label: string;
  namespaces: number;
  provider: Provider<AwsStoreSpec>;
  concurrency: number;
  coalescing?: ReadCoalescerOptions;
  readAhead?: boolean;
  timeoutMs?: number;
}

export interface FanOutPhase {
  seconds: number;
  /** GetSecretValue + BatchGetSecretValue: reads of the one shared value. */
  reads: number;
  awsTotal: number;
  awsCalls: Record<string, number>;
}

export interface FanOutResult {
  label: string;
  namespaces: number;
  initialSync: FanOutPhase;
  refresh: FanOutPhase;
}

const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const readsOf = (counts: Record<string, number>) => (counts.GetSecretValue ?? 0) + (counts.BatchGetSecretValue ?? 0);
type Ready = { status?: { syncedResourceVersion?: string; conditions?: Array<{ type: string; status: string }> } };
const isReady = (es: KubeObject) => (es as Ready).status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

export async function runFanOutScenario(o: FanOutOptions): Promise<FanOutResult> {
  const { env } = o;
  const timeoutMs = o.timeoutMs ?? 5 * 60_000;
  const admin = env.kubeConfig();
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const custom = admin.makeApiClient(k8s.CustomObjectsApi);
  const aws = await env.startAwsProxy();
  env.useAws(aws.url);
  const run = `${o.label}-${Date.now().toString(36)}`;
  const label = `bench.ferry.dev/fanout-${run}`;
  const name = `fanout-${run}`;
  const key = `bench/fanout/${run}`;
  const namespaces: Array<{ name: string; delete: () => Promise<void> }> = [];
  let manager: SyncManager | undefined;
  let watcher: Informer<KubeObject> | undefined;
  try {
    await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: key, SecretString: JSON.stringify({ password: `value-of-${run}` }) }));
    for (let i = 0; i < o.namespaces; i++) {
      const ns = await env.createNamespace(`bench-fanout-${o.label}`);
      namespaces.push(ns);
      await core.patchNamespace({ name: ns.name, body: { metadata: { labels: { [label]: "yes" } } } }, merge);
    }
    await custom.createClusterCustomObject({
      group: "external-secrets.io", version: "v1", plural: "clustersecretstores",
      body: { apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: { name }, spec: { provider: { aws: { service: "SecretsManager", region: env.state.region } } } },
    });
    // Progress is observed with a watch of the fanned-out ExternalSecrets (by the ClusterExternalSecret's name).
    watcher = new Informer<KubeObject>({ kubeConfig: admin, path: "/apis/external-secrets.io/v1/externalsecrets", fieldSelector: `metadata.name=${name}` });
    watcher.start();
    await watcher.waitForSync();

    // Cluster-wide: ClusterExternalSecrets are served only when every namespace is watched.
    manager = new SyncManager({ kubeConfig: admin, provider: o.provider, transforms: defaultValueTransforms, concurrency: o.concurrency, coalescing: o.coalescing, readAhead: o.readAhead });
    await manager.start();
    aws.resetCounts();

    const started = performance.now();
    await custom.createClusterCustomObject({
      group: "external-secrets.io", version: "v1", plural: "clusterexternalsecrets",
      body: {
        apiVersion: "external-secrets.io/v1", kind: "ClusterExternalSecret", metadata: { name },
        spec: {
          namespaceSelectors: [{ matchLabels: { [label]: "yes" } }],
          externalSecretSpec: { secretStoreRef: { name, kind: "ClusterSecretStore" }, refreshInterval: "1h", data: [{ secretKey: "password", remoteRef: { key, property: "password" } }] },
        },
      },
    });
    await waitUntil(`${o.namespaces} fanned-out ExternalSecrets Ready (${o.label})`, () => watcher!.list().filter(isReady).length === o.namespaces, { timeoutMs, intervalMs: 100 });
    const initialCounts = aws.counts();
    const initialSync: FanOutPhase = { seconds: (performance.now() - started) / 1000, reads: readsOf(initialCounts), awsTotal: total(initialCounts), awsCalls: initialCounts };

    // One refresh cycle: force-sync on the ClusterExternalSecret reaches every ExternalSecret at once.
    const before = new Map(watcher.list().map((es) => [es.metadata!.namespace!, (es as Ready).status?.syncedResourceVersion]));
    aws.resetCounts();
    const refreshStarted = performance.now();
    await custom.patchClusterCustomObject(
      { group: "external-secrets.io", version: "v1", plural: "clusterexternalsecrets", name, body: { metadata: { annotations: { "external-secrets.io/force-sync": String(Date.now()) } } } },
      merge,
    );
    const refreshed = (es: KubeObject) => isReady(es) && (es as Ready).status?.syncedResourceVersion !== before.get(es.metadata!.namespace!);
    await waitUntil(`${o.namespaces} fanned-out ExternalSecrets refreshed (${o.label})`, () => watcher!.list().filter(refreshed).length === o.namespaces, { timeoutMs, intervalMs: 100 });
    const refreshCounts = aws.counts();
    const refresh: FanOutPhase = { seconds: (performance.now() - refreshStarted) / 1000, reads: readsOf(refreshCounts), awsTotal: total(refreshCounts), awsCalls: refreshCounts };
    return { label: o.label, namespaces: o.namespaces, initialSync, refresh };
  } finally {
    await manager?.stop();
    await watcher?.stop();
    await custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clusterexternalsecrets", name }).catch(() => undefined);
    await custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clustersecretstores", name }).catch(() => undefined);
    await aws.close();
    await Promise.all(namespaces.map((ns) => ns.delete()));
  }
}

export function formatFanOut(baseline: FanOutResult, ferry: FanOutResult): string {
  const rows: Array<[string, number, number]> = [
    ["initial sync: reads of the shared key", baseline.initialSync.reads, ferry.initialSync.reads],
    ["initial sync: AWS calls", baseline.initialSync.awsTotal, ferry.initialSync.awsTotal],
    ["refresh cycle: reads of the shared key", baseline.refresh.reads, ferry.refresh.reads],
    ["refresh cycle: AWS calls", baseline.refresh.awsTotal, ferry.refresh.awsTotal],
  ];
  const lines = [
    `ClusterExternalSecret fan-out: ${ferry.namespaces} namespaces, one Secrets Manager key`,
    `${"metric".padEnd(40)} ${"naive (ESO-like)".padStart(18)} ${"ferry".padStart(10)} ${"naive/ferry".padStart(12)}`,
    ...rows.map(([name, b, f]) => `${name.padEnd(40)} ${String(b).padStart(18)} ${String(f).padStart(10)} ${(f === 0 ? "∞" : (b / f).toFixed(1) + "x").padStart(12)}`),
    "",
    `AWS calls by action: naive initial ${JSON.stringify(baseline.initialSync.awsCalls)}, refresh ${JSON.stringify(baseline.refresh.awsCalls)}; ferry initial ${JSON.stringify(ferry.initialSync.awsCalls)}, refresh ${JSON.stringify(ferry.refresh.awsCalls)}`,
  ];
  return lines.join("\n");
}
