// Provider faults never touch an existing Secret: missing key, bad property, access denied and throttling
// (injected by the fault proxy) leave the old Secret intact, say why in the condition and an Event, and
// recover once the fault clears. Canary values never appear in what a person can see.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, DeleteSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { faults, waitUntil } from "../../env/index.ts";
import { decode, readyCondition, startSync, type ExternalSecretObject, type SyncHarness } from "./sync-harness.ts";

const CANARY = "canary-faults-0c9e3b";
let h: SyncHarness;
let ns: { name: string; delete: () => Promise<void> };
const sm = () => new SecretsManagerClient({});
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

async function forceSync(name: string) {
  await h.custom.patchNamespacedCustomObject({
    group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name,
    body: { metadata: { annotations: { "external-secrets.io/force-sync": `${Date.now()}-${Math.random()}` } } },
  }, merge);
}

async function syncedSecret(name: string, spec: Record<string, unknown>) {
  await h.apply({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name }, spec: { secretStoreRef: { name: "aws" }, refreshInterval: "1h", ...spec } }, { namespace: ns.name });
  return h.waitForSecret(ns.name, name);
}

const failedWith = (pattern: RegExp) => (es: ExternalSecretObject) => {
  const c = readyCondition(es);
  return c?.status === "False" && c.reason === "SecretSyncedError" && pattern.test(c.message ?? "");
};

async function warningEvents(name: string): Promise<string[]> {
  const events = await h.core.listNamespacedEvent({ namespace: ns.name });
  return events.items.filter((e) => e.involvedObject.name === name && e.type === "Warning").map((e) => `${e.reason}: ${e.message}`);
}

before(async () => {
  h = await startSync();
  ns = await h.env.createNamespace("faults");
  await h.apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "aws" }, spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region, retrySettings: undefined } }, retrySettings: { maxRetries: 1, retryInterval: "10ms" } } }, { namespace: ns.name });
  await sm().send(new CreateSecretCommand({ Name: "svc/creds", SecretString: JSON.stringify({ password: CANARY, user: "svc" }) }));
});

after(async () => {
  await h.stop();
  await ns.delete();
});

describe("faults keep the existing Secret", () => {
  test("a remote key deleted (deletionPolicy Retain): Secret intact, condition and Event name the key, recovery", async () => {
    await sm().send(new CreateSecretCommand({ Name: "svc/gone", SecretString: JSON.stringify({ password: CANARY }) }));
    const before = await syncedSecret("missing", { data: [{ secretKey: "p", remoteRef: { key: "svc/gone", property: "password" } }] });
    await sm().send(new DeleteSecretCommand({ SecretId: "svc/gone", ForceDeleteWithoutRecovery: true }));
    await forceSync("missing");
    await h.waitForReady(ns.name, "missing", failedWith(/could not get secret data from provider: .*svc\/gone/));
    const after = await h.core.readNamespacedSecret({ namespace: ns.name, name: "missing" });
    assert.deepEqual(after.data, before.data);
    assert.ok((await warningEvents("missing")).some((e) => /^UpdateFailed: .*svc\/gone/.test(e)));
    await sm().send(new CreateSecretCommand({ Name: "svc/gone", SecretString: JSON.stringify({ password: "back" }) }));
    await h.waitForSecret(ns.name, "missing", (s) => decode(s, "p") === "back", 30_000);
    await h.waitForReady(ns.name, "missing");
  });

  test("a property that does not exist names the property", async () => {
    await syncedSecret("badprop", { data: [{ secretKey: "p", remoteRef: { key: "svc/creds", property: "password" } }] });
    await h.custom.patchNamespacedCustomObject({
      group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name: "badprop",
      body: { spec: { data: [{ secretKey: "p", remoteRef: { key: "svc/creds", property: "pasword" } }] } },
    }, merge);
    await h.waitForReady(ns.name, "badprop", failedWith(/property "pasword" not found/));
    const s = await h.core.readNamespacedSecret({ namespace: ns.name, name: "badprop" });
    assert.equal(decode(s, "p"), CANARY, "old value intact");
  });

  const injected: Array<{ name: string; fault: ReturnType<typeof faults.throttling>; pattern: RegExp }> = [
    { name: "access denied", fault: faults.awsError(400, "AccessDeniedException", "User is not authorized to perform secretsmanager:BatchGetSecretValue"), pattern: /AccessDenied/ },
    { name: "throttling", fault: faults.throttling(), pattern: /Throttl|Rate exceeded/ },
  ];
  for (const c of injected) {
    test(`${c.name} (fault proxy): Secret intact, condition and Event say why, recovers when the fault clears`, async () => {
      const name = c.name.replace(/\s/g, "-");
      const before = await syncedSecret(name, { data: [{ secretKey: "p", remoteRef: { key: "svc/creds", property: "password" } }] });
      const remove = h.aws.inject({ match: faults.awsAction("BatchGetSecretValue", "GetSecretValue"), fault: c.fault });
      try {
        await forceSync(name);
        await h.waitForReady(ns.name, name, failedWith(c.pattern), 30_000);
        assert.deepEqual((await h.core.readNamespacedSecret({ namespace: ns.name, name })).data, before.data);
        assert.ok((await warningEvents(name)).some((e) => e.startsWith("UpdateFailed:")));
      } finally {
        remove();
      }
      await h.waitForReady(ns.name, name, (es) => readyCondition(es)?.status === "True", 60_000);
    });
  }

  test("no canary value in logs, Events or status after all of the above", async () => {
    const text = await h.observableText([ns.name]);
    assert.ok(!text.includes(CANARY));
    void waitUntil;
  });
});
