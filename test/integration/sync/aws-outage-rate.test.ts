// An AWS outage (every Secrets Manager call answers 500): retries stay batched and the provider backs off as a
// whole, so the call rate stays within 2x the healthy rate (issue 9 measured ~10x before the fix).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { faults, waitUntil } from "../../env/index.ts";
import { readyCondition, startSync, type ExternalSecretObject, type SyncHarness } from "./sync-harness.ts";

const COUNT = 100;
const WINDOW_MS = 20_000;
let h: SyncHarness;
let ns: { name: string; delete: () => Promise<void> };
const READS = ["BatchGetSecretValue", "GetSecretValue"];

before(async () => {
  h = await startSync();
  ns = await h.env.createNamespace("aws-outage");
  const sm = new SecretsManagerClient({});
  for (let i = 0; i < 10; i++) await sm.send(new CreateSecretCommand({ Name: `rate/s${i}`, SecretString: `v${i}` }));
  // No SDK retries: the count is calls the controller decides to make, the same setting healthy and down.
  await h.apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "aws" }, spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region } }, retrySettings: { maxRetries: 0 } } }, { namespace: ns.name });
  for (let i = 0; i < COUNT; i++) {
    await h.apply(
      { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: `es-${i}` }, spec: { refreshInterval: "10s", secretStoreRef: { name: "aws" }, target: { name: `es-${i}` }, data: [{ secretKey: "v", remoteRef: { key: `rate/s${i % 10}` } }] } },
      { namespace: ns.name },
    );
  }
});
after(async () => {
  h.aws.clearFaults();
  await h.stop();
  await ns.delete();
});

const reads = () => READS.reduce((n, a) => n + h.aws.count(a), 0);

describe("AWS outage", () => {
  test("the call rate during an outage stays within 2x the healthy rate", async () => {
    await waitUntil("every ExternalSecret synced", async () => {
      const list = (await h.custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets" })) as { items: ExternalSecretObject[] };
      return list.items.filter((es) => readyCondition(es)?.status === "True").length === COUNT;
    }, { timeoutMs: 90_000 });

    const healthyStart = reads();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const healthy = reads() - healthyStart;

    h.aws.inject({ match: faults.anyAws, fault: faults.awsError(500, "InternalServiceError", "Secrets Manager is down") });
    const outageStart = reads();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const outage = reads() - outageStart;
    h.aws.clearFaults();

    console.log(`reads in ${WINDOW_MS / 1000} s for ${COUNT} ExternalSecrets on a 10 s refresh: healthy ${healthy}, AWS down ${outage}`);
    assert.ok(healthy > 0);
    assert.ok(outage <= 2 * healthy, `outage ${outage} calls vs healthy ${healthy}`);
  });
});
