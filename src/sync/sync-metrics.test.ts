import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Registry } from "prom-client";
import type { Condition } from "./conditions.ts";
import { SyncMetrics, awsService } from "./sync-metrics.ts";

type Sample = { labels: Record<string, string | number | undefined>; value: number };

async function samples(registry: Registry, name: string): Promise<Sample[]> {
  const metric = registry.getSingleMetric(name);
  assert.ok(metric, `metric ${name} registered`);
  return (await metric.get()).values.map((v) => ({ labels: { ...v.labels }, value: v.value }));
}

/** "label=value,…" → value, for compact expectations. */
async function series(registry: Registry, name: string, labels: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of await samples(registry, name)) out[labels.map((l) => String(s.labels[l] ?? "")).join(",")] = s.value;
  return out;
}

const es = { namespace: "team-a", name: "db" };
const ready = (status: Condition["status"]): Condition[] => [{ type: "Ready", status, reason: "SecretSynced", message: "secret synced" }];

describe("SyncMetrics", () => {
  test("registers ESO's and Ferry's metric names", async () => {
    const registry = new Registry();
    new SyncMetrics(registry);
    const names = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    for (const name of [
      "externalsecret_sync_calls_total",
      "externalsecret_sync_calls_error",
      "externalsecret_status_condition",
      "externalsecret_reconcile_duration",
      "externalsecret_provider_api_calls_count",
      "secretstore_status_condition",
      "clustersecretstore_status_condition",
      "clusterexternalsecret_status_condition",
      "clusterexternalsecret_reconcile_duration",
      "ferry_aws_api_calls_total",
      "ferry_read_batches_total",
      "ferry_read_batch_ids",
      "ferry_read_ahead_prefetched_total",
      "ferry_read_ahead_hits_total",
      "workqueue_depth",
      "workqueue_adds_total",
      "workqueue_retries_total",
      "workqueue_queue_duration_seconds",
      "workqueue_work_duration_seconds",
      "controller_runtime_reconcile_total",
      "controller_runtime_reconcile_time_seconds",
      "controller_runtime_active_workers",
    ]) {
      assert.ok(names.has(name), name);
    }
  });

  const syncCases: Array<{ name: string; outcomes: Array<"success" | "error">; total: number; errors: number }> = [
    { name: "one success", outcomes: ["success"], total: 1, errors: 0 },
    { name: "one error", outcomes: ["error"], total: 1, errors: 1 },
    { name: "mixed", outcomes: ["success", "error", "error", "success"], total: 4, errors: 2 },
  ];
  for (const c of syncCases) {
    test(`sync calls: ${c.name}`, async () => {
      const registry = new Registry();
      const m = new SyncMetrics(registry);
      for (const o of c.outcomes) m.synced(es, o);
      assert.deepEqual(await series(registry, "externalsecret_sync_calls_total", ["namespace", "name"]), { "team-a,db": c.total });
      assert.deepEqual(await series(registry, "externalsecret_sync_calls_error", ["namespace", "name"]), { "team-a,db": c.errors });
    });
  }

  const conditionCases: Array<{ name: string; steps: Array<readonly Condition[]>; want: Record<string, number> }> = [
    { name: "Ready True", steps: [ready("True")], want: { "Ready,True": 1, "Ready,False": 0 } },
    { name: "Ready False", steps: [ready("False")], want: { "Ready,True": 0, "Ready,False": 1 } },
    { name: "flips True → False", steps: [ready("True"), ready("False")], want: { "Ready,True": 0, "Ready,False": 1 } },
    { name: "Unknown while current, then gone", steps: [ready("Unknown"), ready("True")], want: { "Ready,True": 1, "Ready,False": 0 } },
    { name: "Unknown current", steps: [ready("Unknown")], want: { "Ready,True": 0, "Ready,False": 0, "Ready,Unknown": 1 } },
    { name: "no conditions yet", steps: [[]], want: {} },
    { name: "a condition dropped from the list loses its series", steps: [[...ready("True"), { type: "Deleted", status: "True" }], ready("True")], want: { "Ready,True": 1, "Ready,False": 0 } },
    { name: "a non-API condition type or status is not a label", steps: [[{ type: "not a type!", status: "True" }, { type: "Ready", status: "Maybe" as Condition["status"] }]], want: {} },
  ];
  for (const c of conditionCases) {
    test(`status condition: ${c.name}`, async () => {
      const registry = new Registry();
      const m = new SyncMetrics(registry);
      for (const step of c.steps) m.externalSecretConditions(es, step);
      assert.deepEqual(await series(registry, "externalsecret_status_condition", ["condition", "status"]), c.want);
    });
  }

  const storeCases: Array<{ kind: "SecretStore" | "ClusterSecretStore"; metric: string; namespace: string }> = [
    { kind: "SecretStore", metric: "secretstore_status_condition", namespace: "team-a" },
    { kind: "ClusterSecretStore", metric: "clustersecretstore_status_condition", namespace: "" },
  ];
  for (const c of storeCases) {
    test(`${c.kind} conditions, removed on delete`, async () => {
      const registry = new Registry();
      const m = new SyncMetrics(registry);
      m.storeConditions(c.kind, { namespace: c.namespace, name: "aws" }, ready("False"));
      assert.deepEqual(await series(registry, c.metric, ["namespace", "name", "condition", "status"]), { [`${c.namespace},aws,Ready,True`]: 0, [`${c.namespace},aws,Ready,False`]: 1 });
      m.storeConditions(c.kind, { namespace: c.namespace, name: "aws" }, undefined);
      assert.deepEqual(await samples(registry, c.metric), []);
    });
  }

  test("ClusterExternalSecret conditions and reconcile duration (ESO's cesmetrics names), removed on delete", async () => {
    const registry = new Registry();
    const m = new SyncMetrics(registry);
    const ces = { namespace: "", name: "shared" };
    m.clusterExternalSecretConditions(ces, [{ type: "Ready", status: "False", message: "one or more namespaces failed" }]);
    m.clusterExternalSecretReconciled(ces, 2);
    assert.deepEqual(await series(registry, "clusterexternalsecret_status_condition", ["name", "condition", "status"]), { "shared,Ready,True": 0, "shared,Ready,False": 1 });
    assert.deepEqual(await series(registry, "clusterexternalsecret_reconcile_duration", ["name"]), { shared: 2_000_000 });
    m.clusterExternalSecretConditions(ces, undefined);
    assert.deepEqual(await samples(registry, "clusterexternalsecret_status_condition"), []);
    assert.deepEqual(await samples(registry, "clusterexternalsecret_reconcile_duration"), []);
  });

  test("a deleted ExternalSecret's series are removed, another's stay", async () => {
    const registry = new Registry();
    const m = new SyncMetrics(registry);
    const other = { namespace: "team-b", name: "db" };
    for (const ref of [es, other]) {
      m.synced(ref, "error");
      m.reconciled(ref, 12);
      m.externalSecretConditions(ref, ready("True"));
    }
    m.externalSecretConditions(es, undefined);
    for (const name of ["externalsecret_sync_calls_total", "externalsecret_sync_calls_error", "externalsecret_reconcile_duration", "externalsecret_status_condition"]) {
      const left = await samples(registry, name);
      assert.ok(left.length > 0, `${name}: the other ExternalSecret stays`);
      assert.ok(left.every((s) => s.labels.namespace === "team-b"), `${name}: the deleted one is gone`);
    }
  });

  const durationCases: Array<{ ms: number; ns: number }> = [
    { ms: 0, ns: 0 },
    { ms: 1.5, ns: 1_500_000 },
    { ms: 2000, ns: 2_000_000_000 },
  ];
  for (const c of durationCases) {
    test(`reconcile duration ${c.ms} ms is a gauge of the last duration in nanoseconds (ESO)`, async () => {
      const registry = new Registry();
      const m = new SyncMetrics(registry);
      m.reconciled(es, 99);
      m.reconciled(es, c.ms);
      assert.deepEqual(await series(registry, "externalsecret_reconcile_duration", ["namespace", "name"]), { "team-a,db": c.ns });
    });
  }

  const apiCases: Array<{ provider: string; call: string; status: "success" | "error"; service: string }> = [
    { provider: "AWS/SecretsManager", call: "BatchGetSecretValue", status: "success", service: "secretsmanager" },
    { provider: "AWS/SecretsManager", call: "BatchGetSecretValue", status: "error", service: "secretsmanager" },
    { provider: "AWS/ParameterStore", call: "GetParameters", status: "success", service: "ssm" },
    { provider: "AWS/STS", call: "AssumeRole", status: "success", service: "sts" },
  ];
  test("API calls count under ESO's and Ferry's names", async () => {
    const registry = new Registry();
    const m = new SyncMetrics(registry);
    for (const c of apiCases) m.apiCall({ provider: c.provider, call: c.call, status: c.status });
    const eso = await series(registry, "externalsecret_provider_api_calls_count", ["provider", "call", "status"]);
    const ferry = await series(registry, "ferry_aws_api_calls_total", ["service", "action", "status"]);
    for (const c of apiCases) {
      assert.equal(eso[`${c.provider},${c.call},${c.status}`], 1);
      assert.equal(ferry[`${c.service},${c.call},${c.status}`], 1);
    }
  });

  const serviceCases: Array<[string, string]> = [
    ["AWS/SecretsManager", "secretsmanager"],
    ["AWS/ParameterStore", "ssm"],
    ["AWS/STS", "sts"],
    ["AWS/ACM", "acm"],
  ];
  for (const [provider, service] of serviceCases) test(`awsService(${provider})`, () => assert.equal(awsService(provider), service));

  test("read batches and read-ahead", async () => {
    const registry = new Registry();
    const m = new SyncMetrics(registry);
    m.readBatch(20);
    m.readBatch(3);
    m.readAhead("prefetched");
    m.readAhead("prefetched");
    m.readAhead("hit");
    assert.deepEqual(await series(registry, "ferry_read_batches_total", []), { "": 2 });
    assert.deepEqual(await series(registry, "ferry_read_ahead_prefetched_total", []), { "": 2 });
    assert.deepEqual(await series(registry, "ferry_read_ahead_hits_total", []), { "": 1 });
    const ids = await samples(registry, "ferry_read_batch_ids");
    assert.equal(ids.find((s) => s.labels.le === 5)?.value, 1);
    assert.equal(ids.find((s) => s.labels.le === 20)?.value, 2);
  });

  test("controller hooks feed the work queue and reconcile series, per controller", async () => {
    const registry = new Registry();
    const m = new SyncMetrics(registry);
    const c = m.controller("externalsecret");
    m.controller("secretstore");
    c.add?.();
    c.add?.();
    c.retry?.();
    c.depth?.(7);
    c.queueLatency?.(0.5);
    c.workDuration?.(0.25);
    c.reconciled?.("success", 0.1);
    c.reconciled?.("requeue-after", 0.1);
    c.reconciled?.("error", 0.1);
    c.activeWorkers?.(3);
    assert.deepEqual(await series(registry, "workqueue_depth", ["name"]), { externalsecret: 7, secretstore: 0 });
    assert.deepEqual(await series(registry, "workqueue_adds_total", ["name"]), { externalsecret: 2, secretstore: 0 });
    assert.deepEqual(await series(registry, "workqueue_retries_total", ["name"]), { externalsecret: 1, secretstore: 0 });
    assert.deepEqual(await series(registry, "controller_runtime_reconcile_total", ["controller", "result"]), { "externalsecret,success": 1, "externalsecret,requeue_after": 1, "externalsecret,error": 1 });
    assert.deepEqual(await series(registry, "controller_runtime_active_workers", ["controller"]), { externalsecret: 3, secretstore: 0 });
    const latency = await samples(registry, "workqueue_queue_duration_seconds");
    assert.equal(latency.find((s) => s.labels.name === "externalsecret" && s.labels.le === "+Inf")?.value, 1);
  });
});
