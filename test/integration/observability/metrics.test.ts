// The sync path's metrics, scraped over HTTP from /metrics the way Prometheus does: after a real sync against
// the apiserver and moto the ESO-compatible series exist, counters move as they should on success and on an
// injected AWS fault, Ready flips in status_condition, a deleted ExternalSecret's series go away, and no
// secret value ever appears in the scrape.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { AwsProvider } from "../../../src/providers/aws/index.ts";
import { HealthServer } from "../../../src/runtime/health-server.ts";
import { SyncMetrics } from "../../../src/sync/sync-metrics.ts";
import { faults, waitUntil } from "../../env/index.ts";
import { readyCondition, startSync, type SyncHarness } from "../sync/sync-harness.ts";

const CANARY = "canary-metrics-5d1f7a";
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
let h: SyncHarness;
let ns: { name: string; delete: () => Promise<void> };
let server: HealthServer;

async function scrape(): Promise<string> {
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

/** The value of the first sample of `name` whose labels include `labels`; undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map([...(m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l): [string, string] => [l[1] ?? "", l[2] ?? ""]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(m[3]);
  }
  return undefined;
}

async function eventually(what: string, probe: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  let text = "";
  await waitUntil(what, async () => probe((text = await scrape())), { timeoutMs, intervalMs: 100 });
  return text;
}

async function forceSync(name: string) {
  await h.custom.patchNamespacedCustomObject({
    group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name,
    body: { metadata: { annotations: { "external-secrets.io/force-sync": `${Date.now()}-${Math.random()}` } } },
  }, merge);
}

before(async () => {
  const registry = new Registry();
  const metrics = new SyncMetrics(registry);
  server = new HealthServer({ address: "127.0.0.1:0", registry });
  await server.start();
  h = await startSync({ provider: new AwsProvider({ onApiCall: metrics.apiCall }), metrics });
  ns = await h.env.createNamespace("metrics");
  await h.apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "aws" }, spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region } }, retrySettings: { maxRetries: 1, retryInterval: "10ms" } } }, { namespace: ns.name });
  await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: `${ns.name}/db`, SecretString: JSON.stringify({ password: CANARY }) }));
});

after(async () => {
  await h.stop();
  await server.stop();
  await ns.delete();
});

describe("controller metrics over /metrics", () => {
  const es = () => ({ name: "db", namespace: ns.name });

  test("a successful sync: the documented series exist and count it", async () => {
    await h.apply({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "db" }, spec: { secretStoreRef: { name: "aws" }, refreshInterval: "1h", data: [{ secretKey: "password", remoteRef: { key: `${ns.name}/db`, property: "password" } }] } }, { namespace: ns.name });
    await h.waitForReady(ns.name, "db");
    const text = await eventually("Ready=True in status_condition", (t) => sample(t, "externalsecret_status_condition", { ...es(), condition: "Ready", status: "True" }) === 1);
    const cases: Array<{ metric: string; labels: Record<string, string>; check: (v: number | undefined) => boolean }> = [
      { metric: "externalsecret_sync_calls_total", labels: es(), check: (v) => v !== undefined && v >= 1 },
      { metric: "externalsecret_sync_calls_error", labels: es(), check: (v) => v === 0 },
      { metric: "externalsecret_status_condition", labels: { ...es(), condition: "Ready", status: "False" }, check: (v) => v === 0 },
      { metric: "externalsecret_reconcile_duration", labels: es(), check: (v) => v !== undefined && v > 0 },
      { metric: "externalsecret_provider_api_calls_count", labels: { provider: "AWS/SecretsManager", call: "BatchGetSecretValue", status: "success" }, check: (v) => v !== undefined && v >= 1 },
      { metric: "ferry_aws_api_calls_total", labels: { service: "secretsmanager", action: "BatchGetSecretValue", status: "success" }, check: (v) => v !== undefined && v >= 1 },
      { metric: "ferry_read_batches_total", labels: {}, check: (v) => v !== undefined && v >= 1 },
      { metric: "workqueue_adds_total", labels: { name: "externalsecret" }, check: (v) => v !== undefined && v >= 1 },
      { metric: "workqueue_depth", labels: { name: "externalsecret" }, check: (v) => v !== undefined },
      { metric: "workqueue_queue_duration_seconds_count", labels: { name: "externalsecret" }, check: (v) => v !== undefined && v >= 1 },
      { metric: "controller_runtime_reconcile_total", labels: { controller: "externalsecret", result: "requeue_after" }, check: (v) => v !== undefined && v >= 1 },
      // The real informers' watch health, labelled by resource alone (the stall guard is unit-tested on a fake clock).
      { metric: "ferry_informer_last_event_age_seconds", labels: { resource: "externalsecrets.external-secrets.io" }, check: (v) => v !== undefined && v >= 0 },
      { metric: "ferry_informer_last_event_age_seconds", labels: { resource: "secrets" }, check: (v) => v !== undefined && v >= 0 },
    ];
    const informerLines = text.split("\n").filter((l) => l.startsWith("ferry_informer_last_event_age_seconds{"));
    assert.ok(informerLines.every((l) => /^ferry_informer_last_event_age_seconds\{resource="[^"]+"\} \S+$/.test(l)), `only a resource label: ${informerLines.join("; ")}`);
    for (const c of cases) assert.ok(c.check(sample(text, c.metric, c.labels)), `${c.metric}${JSON.stringify(c.labels)} = ${sample(text, c.metric, c.labels)}`);
    await eventually("SecretStore Ready=True in secretstore_status_condition", (t) => sample(t, "secretstore_status_condition", { name: "aws", namespace: ns.name, condition: "Ready", status: "True" }) === 1);
  });

  test("a forced re-sync increments sync_calls_total", async () => {
    const before = sample(await scrape(), "externalsecret_sync_calls_total", es()) ?? 0;
    await forceSync("db");
    await eventually("sync_calls_total to move", (t) => (sample(t, "externalsecret_sync_calls_total", es()) ?? 0) > before);
  });

  test("an injected throttling fault counts an error sync and an error API call, and flips Ready", async () => {
    const start = await scrape();
    const errors = sample(start, "externalsecret_sync_calls_error", es()) ?? 0;
    const failedCalls = sample(start, "externalsecret_provider_api_calls_count", { provider: "AWS/SecretsManager", call: "BatchGetSecretValue", status: "error" }) ?? 0;
    const remove = h.aws.inject({ match: faults.awsAction("BatchGetSecretValue"), fault: faults.throttling() });
    try {
      await forceSync("db");
      await h.waitForReady(ns.name, "db", (o) => readyCondition(o)?.status === "False");
      const text = await eventually("Ready=False in status_condition", (t) => sample(t, "externalsecret_status_condition", { ...es(), condition: "Ready", status: "False" }) === 1);
      assert.equal(sample(text, "externalsecret_status_condition", { ...es(), condition: "Ready", status: "True" }), 0);
      assert.ok((sample(text, "externalsecret_sync_calls_error", es()) ?? 0) > errors, "sync_calls_error moved");
      assert.ok((sample(text, "externalsecret_provider_api_calls_count", { provider: "AWS/SecretsManager", call: "BatchGetSecretValue", status: "error" }) ?? 0) > failedCalls, "provider calls with status error moved");
      assert.ok((sample(text, "ferry_aws_api_calls_total", { service: "secretsmanager", action: "BatchGetSecretValue", status: "error" }) ?? 0) >= 1);
      assert.ok((sample(text, "workqueue_retries_total", { name: "externalsecret" }) ?? 0) >= 1, "the failed reconcile was retried with backoff");
    } finally {
      remove();
    }
    await h.waitForReady(ns.name, "db", (o) => readyCondition(o)?.status === "True", 60_000);
    await eventually("Ready back to True", (t) => sample(t, "externalsecret_status_condition", { ...es(), condition: "Ready", status: "True" }) === 1, 60_000);
  });

  test("no secret value in the scrape", async () => {
    const text = await scrape();
    assert.ok(text.includes(ns.name), "the scrape names the namespace");
    assert.ok(!text.includes(CANARY));
  });

  test("a deleted ExternalSecret's series are removed", async () => {
    await h.custom.deleteNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name: "db" });
    const text = await eventually("series of the deleted ExternalSecret to go", (t) => sample(t, "externalsecret_status_condition", es()) === undefined);
    for (const metric of ["externalsecret_sync_calls_total", "externalsecret_sync_calls_error", "externalsecret_reconcile_duration"]) {
      assert.equal(sample(text, metric, es()), undefined, metric);
    }
  });
});
