// Batch-aware refresh scheduling (ADR 14), counted at the fault proxy in front of moto: ExternalSecrets on one
// provider client refresh in groups of one batch each, so a steady refresh cycle costs about ceil(keys / 20)
// BatchGetSecretValue calls (Secrets Manager) and ceil(keys / 10) GetParameters calls (Parameter Store), where
// refreshes with independent jitter spread out and held ~7 ids per batch (issue 16). Budgets are call counts per
// refreshInterval window; how fast the machine is only changes how many refreshes fall in a window, never how
// many calls one refresh of the group costs. Held to ceil(keys / batch) + 1 since the read path claims a due
// group's members in one batch whatever the worker concurrency, and partial groups line up to merge (before:
// 8–9 calls of 12–13 ids, then 7 with groups of 13, 5 and 2 that kept their phases).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { TestEnvironment, waitUntil, type FaultProxy } from "../../env/index.ts";
import { readyCondition, startSync, type ExternalSecretObject, type SyncHarness } from "./sync-harness.ts";

const SM_COUNT = 100;
const SSM_COUNT = 30;
const INTERVAL_S = 20;
const CYCLES = 3;
const env = TestEnvironment.load();
let aws: FaultProxy;
let h: SyncHarness;
let ns: { name: string; delete: () => Promise<void> };
const sync = { batches: [] as number[], syncs: 0 };
const ownKeys = [...Array.from({ length: SM_COUNT }, (_, i) => `groups/sm-${i}`), ...Array.from({ length: SSM_COUNT }, (_, i) => `/groups/ssm-${i}`)];

async function all(): Promise<ExternalSecretObject[]> {
  const list = (await h.custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets" })) as { items: ExternalSecretObject[] };
  return list.items;
}

function externalSecret(name: string, store: string, key: string) {
  return {
    apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name },
    spec: { refreshInterval: `${INTERVAL_S}s`, secretStoreRef: { name: store }, data: [{ secretKey: "value", remoteRef: { key } }] },
  };
}

/** Runs fn(0..n-1), 8 at a time. */
async function inParallel(n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < n) await fn(next++);
  }));
}

before(async () => {
  aws = await env.startAwsProxy();
  env.useAws(aws.url);
  const sm = new SecretsManagerClient({});
  const ssm = new SSMClient({});
  await inParallel(SM_COUNT, (i) => sm.send(new CreateSecretCommand({ Name: `groups/sm-${i}`, SecretString: `sm-value-${i}` })));
  await inParallel(SSM_COUNT, (i) => ssm.send(new PutParameterCommand({ Name: `/groups/ssm-${i}`, Value: `ssm-value-${i}`, Type: "String" })));
  ns = await env.createNamespace("batch-scheduling");
  h = await startSync({
    proxy: aws,
    namespace: ns.name,
    metrics: {
      readBatch: (ids) => void sync.batches.push(ids),
      synced: () => void sync.syncs++,
    },
  });
  await h.apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "sm" }, spec: { provider: { aws: { service: "SecretsManager", region: env.state.region } } } }, { namespace: ns.name });
  await h.apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "ssm" }, spec: { provider: { aws: { service: "ParameterStore", region: env.state.region } } } }, { namespace: ns.name });
  await inParallel(SM_COUNT, (i) => h.apply(externalSecret(`sm-${i}`, "sm", `groups/sm-${i}`), { namespace: ns.name }));
  await inParallel(SSM_COUNT, (i) => h.apply(externalSecret(`ssm-${i}`, "ssm", `/groups/ssm-${i}`), { namespace: ns.name }));
  await waitUntil(`${SM_COUNT + SSM_COUNT} ExternalSecrets Ready`, async () => (await all()).filter((es) => readyCondition(es)?.status === "True").length === SM_COUNT + SSM_COUNT, { timeoutMs: 300_000, intervalMs: 1_000 });
}, { timeout: 600_000 });

after(async () => {
  await h?.stop();
  await aws?.close();
  await ns?.delete();
});

describe("batch-aware refresh scheduling", { timeout: 600_000 }, () => {
  test(`steady state: ${SM_COUNT} Secrets Manager and ${SSM_COUNT} Parameter Store ExternalSecrets cost about ceil(keys / batch) calls per ${INTERVAL_S} s cycle`, { timeout: 600_000 }, async () => {
    // Warm-up: the first cycle after the initial sync still carries its shape.
    await sleep(INTERVAL_S * 1000);
    const before = new Map((await all()).map((es) => [es.metadata.name, es.status?.refreshTime]));
    const cycles: Array<{ calls: Record<string, number>; syncs: number; batches: number[] }> = [];
    for (let c = 0; c < CYCLES; c++) {
      aws.resetCounts();
      sync.batches = [];
      sync.syncs = 0;
      await sleep(INTERVAL_S * 1000);
      // Only calls that read this file's keys (another file's leftovers may go through the same proxy).
      cycles.push({ calls: aws.countsFor(ownKeys), syncs: sync.syncs, batches: sync.batches });
    }
    h.logs.push(`batch scheduling: ${JSON.stringify(cycles.map((c) => ({ ...c.calls, syncs: c.syncs, batches: c.batches.length, ids: c.batches.reduce((a, b) => a + b, 0) })))}`);
    const report = JSON.stringify(cycles.map((c) => ({ ...c.calls, syncs: c.syncs, idsPerBatch: c.batches.join(",") })));
    for (const c of cycles) {
      assert.equal(c.calls.GetSecretValue ?? 0, 0, report);
      assert.equal(c.calls.GetParameter ?? 0, 0, report);
      assert.ok((c.calls.BatchGetSecretValue ?? 0) <= Math.ceil(SM_COUNT / 20) + 1, `BatchGetSecretValue per cycle, ${SM_COUNT} keys: ${report}`);
      assert.ok((c.calls.GetParameters ?? 0) <= Math.ceil(SSM_COUNT / 10) + 1, `GetParameters per cycle, ${SSM_COUNT} keys: ${report}`);
    }
    // The counts are not vacuous: every ExternalSecret refreshed during the measured cycles.
    const after = await all();
    const stale = after.filter((es) => es.status?.refreshTime === before.get(es.metadata.name)).map((es) => es.metadata.name);
    assert.deepEqual(stale, [], `not refreshed in ${CYCLES} cycles: ${stale.join(", ")}; ${report}`);
    assert.ok(after.every((es) => readyCondition(es)?.status === "True"));
  });
});
