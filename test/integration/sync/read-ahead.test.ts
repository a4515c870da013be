// The AWS-call budget of the sync path (ADR 3): ExternalSecrets on one store share BatchGetSecretValue calls
// through coalescing and read-ahead, for the initial sync and for each periodic refresh cycle. Without
// batching each would cost one call per ExternalSecret per cycle (ESO's behaviour, ESO #1769).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { TestEnvironment, waitUntil, type FaultProxy } from "../../env/index.ts";
import { decode, readyCondition, startSync, type ExternalSecretObject, type SyncHarness } from "./sync-harness.ts";

const COUNT = 40;
const env = TestEnvironment.load();
let aws: FaultProxy;
let h: SyncHarness;
let ns: { name: string; delete: () => Promise<void> };
const names = Array.from({ length: COUNT }, (_, i) => `app-${String(i).padStart(2, "0")}`);

async function all(): Promise<ExternalSecretObject[]> {
  const list = (await h.custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets" })) as { items: ExternalSecretObject[] };
  return list.items;
}

before(async () => {
  aws = await env.startAwsProxy();
  env.useAws(aws.url);
  const sm = new SecretsManagerClient({});
  for (const name of names) await sm.send(new CreateSecretCommand({ Name: `budget/${name}`, SecretString: JSON.stringify({ password: `pw-${name}` }) }));
  ns = await env.createNamespace("read-ahead");
  const custom = env.kubeConfig().makeApiClient(k8s.CustomObjectsApi);
  await custom.createNamespacedCustomObject({
    group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "secretstores",
    body: { apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "aws" }, spec: { provider: { aws: { service: "SecretsManager", region: env.state.region } } } },
  });
  // All ExternalSecrets exist before the controller starts, as after a restart or a Helm install.
  for (const name of names) {
    await custom.createNamespacedCustomObject({
      group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets",
      body: {
        apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name },
        spec: { refreshInterval: "20s", secretStoreRef: { name: "aws" }, data: [{ secretKey: "password", remoteRef: { key: `budget/${name}`, property: "password" } }] },
      },
    });
  }
  aws.resetCounts();
  h = await startSync({ proxy: aws, namespace: ns.name });
});

after(async () => {
  await h.stop();
  await aws.close();
  await ns.delete();
});

describe("AWS call budget", () => {
  test(`initial sync of ${COUNT} ExternalSecrets: a few BatchGetSecretValue calls, not ${COUNT}`, async () => {
    await waitUntil(`${COUNT} ExternalSecrets Ready`, async () => (await all()).filter((es) => readyCondition(es)?.status === "True").length === COUNT, { timeoutMs: 60_000 });
    const calls = aws.counts();
    assert.equal(calls.GetSecretValue ?? 0, 0);
    assert.ok((calls.BatchGetSecretValue ?? 0) <= 6, `BatchGetSecretValue calls: ${calls.BatchGetSecretValue} (ceil(${COUNT}/20) = 2 at best)`);
    for (const name of ["app-00", "app-17", "app-39"]) {
      assert.equal(decode(await h.core.readNamespacedSecret({ namespace: ns.name, name }), "password"), `pw-${name}`, "each Secret got its own value");
    }
  });

  test("one periodic refresh cycle: the jittered refreshes are gathered into shared batches", async () => {
    const before = new Map((await all()).map((es) => [es.metadata.name, es.status?.refreshTime]));
    aws.resetCounts();
    await waitUntil("every ExternalSecret refreshed once", async () => (await all()).every((es) => es.status?.refreshTime !== before.get(es.metadata.name)), { timeoutMs: 90_000, intervalMs: 500 });
    const calls = aws.counts();
    assert.ok((calls.BatchGetSecretValue ?? 0) <= 12, `BatchGetSecretValue calls in one cycle: ${calls.BatchGetSecretValue} for ${COUNT} ExternalSecrets`);
  });
});
