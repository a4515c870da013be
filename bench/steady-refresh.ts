// The steady-state scenario: N ExternalSecrets on one store, each reading its own Secrets Manager secret with
// a short refreshInterval, left to refresh on their own (no force-sync). After a warm-up cycle, AWS calls are
// counted per refreshInterval window at the fault proxy, with the fill of every provider batch, for a few
// cycles. The floor is ceil(N / 20) BatchGetSecretValue calls per cycle (ADR 14).
import * as k8s from "@kubernetes/client-node";
import { setTimeout as sleep } from "node:timers/promises";
import type { Provider } from "../src/providers/provider.ts";
import type { AwsStoreSpec } from "../src/providers/aws/spec.ts";
import { Informer } from "../src/runtime/informer.ts";
import type { KubeObject } from "../src/runtime/list-watcher.ts";
import { SyncManager } from "../src/sync/sync-manager.ts";
import { defaultValueTransforms } from "../src/sync/value-transforms.ts";
import type { TestEnvironment } from "../test/env/index.ts";
import { waitUntil } from "../test/env/index.ts";
import { inParallel, seedSecretsManagerStore } from "./bench-fixtures.ts";

export interface SteadyOptions {
  env: TestEnvironment;
  count: number;
  provider: Provider<AwsStoreSpec>;
  /** refreshInterval of every ExternalSecret, in seconds. */
  intervalSeconds: number;
  /** Cycles counted after the warm-up cycle. */
  cycles: number;
  concurrency: number;
}

export interface SteadyCycle {
  awsCalls: Record<string, number>;
  awsTotal: number;
  /** Provider batches (coalescer flushes) and their distinct ids. */
  batches: number;
  ids: number;
  singleIdBatches: number;
  /** Syncs that read the provider or took values read ahead for them. */
  syncs: number;
}

export interface SteadyResult {
  count: number;
  intervalSeconds: number;
  coldSyncSeconds: number;
  cycles: SteadyCycle[];
}

/** A busy shared machine drops some creates: each is tried up to three times. */
const retried = { attempts: 3 };

export async function runSteadyScenario(o: SteadyOptions): Promise<SteadyResult> {
  const { env } = o;
  const admin = env.kubeConfig();
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const custom = admin.makeApiClient(k8s.CustomObjectsApi);
  const ns = await env.createNamespace("bench-steady");
  const aws = await env.startAwsProxy();
  env.useAws(aws.url);
  const ids = Array.from({ length: o.count }, (_, i) => `steady/secret-${String(i).padStart(5, "0")}`);
  let manager: SyncManager | undefined;
  let watcher: Informer<KubeObject> | undefined;
  const cycle = { batches: 0, ids: 0, singles: 0, syncs: 0 };
  try {
    await seedSecretsManagerStore({ core, custom, namespace: ns.name, region: env.state.region, ids, ...retried });
    watcher = new Informer<KubeObject>({ kubeConfig: admin, path: `/apis/external-secrets.io/v1/namespaces/${ns.name}/externalsecrets` });
    watcher.start();
    await watcher.waitForSync();
    const ready = () => watcher!.list(ns.name).filter((es) => (es as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;

    manager = new SyncManager({
      kubeConfig: admin, provider: o.provider, transforms: defaultValueTransforms, namespace: ns.name, concurrency: o.concurrency,
      metrics: {
        readBatch: (n) => {
          cycle.batches++;
          cycle.ids += n;
          if (n === 1) cycle.singles++;
        },
        synced: () => void cycle.syncs++,
      },
    });
    await manager.start();
    const started = performance.now();
    await inParallel(ids, 16, (id) => custom.createNamespacedCustomObject({
      group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets",
      body: {
        apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: id.replace(/[^a-z0-9-]/g, "-") },
        spec: { refreshInterval: `${o.intervalSeconds}s`, secretStoreRef: { name: "aws", kind: "SecretStore" }, data: [{ secretKey: "password", remoteRef: { key: id, property: "password" } }] },
      },
    }), retried);
    await waitUntil(`${o.count} ExternalSecrets Ready (steady)`, () => ready() === o.count, { timeoutMs: 15 * 60_000, intervalMs: 200 });
    const coldSyncSeconds = (performance.now() - started) / 1000;

    // Warm-up: the first cycle still carries the shape of the cold sync.
    await sleep(o.intervalSeconds * 1000);
    const cycles: SteadyCycle[] = [];
    for (let i = 0; i < o.cycles; i++) {
      aws.resetCounts();
      Object.assign(cycle, { batches: 0, ids: 0, singles: 0, syncs: 0 });
      await sleep(o.intervalSeconds * 1000);
      const awsCalls = aws.counts();
      cycles.push({ awsCalls, awsTotal: Object.values(awsCalls).reduce((a, b) => a + b, 0), batches: cycle.batches, ids: cycle.ids, singleIdBatches: cycle.singles, syncs: cycle.syncs });
      console.error(`[bench] steady cycle ${i + 1}: ${JSON.stringify(cycles.at(-1))}`);
    }
    return { count: o.count, intervalSeconds: o.intervalSeconds, coldSyncSeconds, cycles };
  } finally {
    await manager?.stop();
    await watcher?.stop();
    await aws.close();
    await ns.delete();
  }
}

export function formatSteady(r: SteadyResult): string {
  const floor = Math.ceil(r.count / 20);
  const lines = [
    `steady state: ${r.count} ExternalSecrets, refreshInterval ${r.intervalSeconds}s, one Secrets Manager key each (floor ${floor} calls per cycle); cold sync ${r.coldSyncSeconds.toFixed(1)} s`,
    `${"cycle".padEnd(6)} ${"AWS calls".padStart(10)} ${"batches".padStart(8)} ${"ids/batch".padStart(10)} ${"1-id batches".padStart(13)} ${"syncs".padStart(6)}`,
    ...r.cycles.map((c, i) => `${String(i + 1).padEnd(6)} ${String(c.awsTotal).padStart(10)} ${String(c.batches).padStart(8)} ${(c.batches ? c.ids / c.batches : 0).toFixed(1).padStart(10)} ${String(c.singleIdBatches).padStart(13)} ${String(c.syncs).padStart(6)}`),
  ];
  return lines.join("\n");
}
