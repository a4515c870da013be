// ExternalSecret lifecycle on the real control plane: refresh after refreshInterval, force-sync, garbage
// collection of Owner Secrets, Retain/Orphan Secrets kept, v1 and v1beta1 behaving the same.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { waitUntil } from "../../env/index.ts";
import { decode, readyCondition, startSync, type SyncHarness } from "./sync-harness.ts";

let h: SyncHarness;
let ns: { name: string; delete: () => Promise<void> };
const sm = () => new SecretsManagerClient({});
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

function externalSecret(name: string, spec: Record<string, unknown>, apiVersion = "external-secrets.io/v1") {
  return {
    apiVersion,
    kind: "ExternalSecret",
    metadata: { name },
    spec: { secretStoreRef: { name: "aws", kind: "SecretStore" }, refreshInterval: "1h", ...spec },
  };
}

before(async () => {
  h = await startSync();
  ns = await h.env.createNamespace("lifecycle");
  await h.apply({
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: "aws" },
    spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region } } },
  }, { namespace: ns.name });
  await sm().send(new CreateSecretCommand({ Name: "app/db", SecretString: JSON.stringify({ password: "v1" }) }));
});

after(async () => {
  await h.stop();
  await ns.delete();
});

describe("refresh", () => {
  test("a value changed in AWS reaches the Secret after refreshInterval", async () => {
    await h.apply(externalSecret("fast", { refreshInterval: "2s", data: [{ secretKey: "password", remoteRef: { key: "app/db", property: "password" } }] }), { namespace: ns.name });
    await h.waitForSecret(ns.name, "fast", (s) => decode(s, "password") === "v1");
    await sm().send(new PutSecretValueCommand({ SecretId: "app/db", SecretString: JSON.stringify({ password: "v2" }) }));
    await h.waitForSecret(ns.name, "fast", (s) => decode(s, "password") === "v2", 20_000);
  });

  test("force-sync refreshes at once, long before refreshInterval", async () => {
    await sm().send(new CreateSecretCommand({ Name: "app/forced", SecretString: "one" }));
    await h.apply(externalSecret("forced", { refreshInterval: "1h", data: [{ secretKey: "value", remoteRef: { key: "app/forced" } }] }), { namespace: ns.name });
    await h.waitForSecret(ns.name, "forced", (s) => decode(s, "value") === "one");
    await sm().send(new PutSecretValueCommand({ SecretId: "app/forced", SecretString: "two" }));
    await h.custom.patchNamespacedCustomObject({
      group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name: "forced",
      body: { metadata: { annotations: { "external-secrets.io/force-sync": String(Date.now()) } } },
    }, merge);
    await h.waitForSecret(ns.name, "forced", (s) => decode(s, "value") === "two", 10_000);
  });

  test("refreshInterval 0 syncs once", async () => {
    await sm().send(new CreateSecretCommand({ Name: "app/once", SecretString: "first" }));
    await h.apply(externalSecret("once", { refreshInterval: "0", data: [{ secretKey: "v", remoteRef: { key: "app/once" } }] }), { namespace: ns.name });
    await h.waitForSecret(ns.name, "once", (s) => decode(s, "v") === "first");
    const synced = await h.waitForReady(ns.name, "once");
    await sm().send(new PutSecretValueCommand({ SecretId: "app/once", SecretString: "second" }));
    await new Promise((r) => setTimeout(r, 2500));
    const later = await h.externalSecret(ns.name, "once");
    assert.equal(later.status?.refreshTime, synced.status?.refreshTime, "not refreshed again");
    assert.equal(decode(await h.core.readNamespacedSecret({ namespace: ns.name, name: "once" }), "v"), "first");
  });
});

describe("ownership and deletion", () => {
  test("deleting the ExternalSecret garbage-collects an Owner Secret", async () => {
    await h.apply(externalSecret("owned", { data: [{ secretKey: "p", remoteRef: { key: "app/db", property: "password" } }] }), { namespace: ns.name });
    await h.waitForSecret(ns.name, "owned");
    await h.custom.deleteNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name: "owned" });
    await waitUntil("the Owner Secret to be garbage-collected", async () => {
      try {
        await h.core.readNamespacedSecret({ namespace: ns.name, name: "owned" });
        return false;
      } catch (err) {
        return err instanceof k8s.ApiException && err.code === 404;
      }
    }, { timeoutMs: 60_000 });
  });

  test("an Orphan Secret is kept when its ExternalSecret is deleted", async () => {
    await h.apply(externalSecret("orphan", { target: { creationPolicy: "Orphan" }, data: [{ secretKey: "p", remoteRef: { key: "app/db", property: "password" } }] }), { namespace: ns.name });
    const s = await h.waitForSecret(ns.name, "orphan");
    assert.equal(s.metadata?.ownerReferences, undefined);
    await h.custom.deleteNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name: "orphan" });
    await new Promise((r) => setTimeout(r, 3000));
    await h.core.readNamespacedSecret({ namespace: ns.name, name: "orphan" });
  });

  test("Merge adds keys to an existing Secret and keeps its other keys", async () => {
    await h.core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: "shared" }, stringData: { mine: "kept" } } });
    await h.apply(externalSecret("merge", { target: { name: "shared", creationPolicy: "Merge" }, data: [{ secretKey: "p", remoteRef: { key: "app/db", property: "password" } }] }), { namespace: ns.name });
    const s = await h.waitForSecret(ns.name, "shared", (x) => x.data?.p !== undefined);
    assert.equal(decode(s, "mine"), "kept");
    assert.equal(s.metadata?.ownerReferences, undefined);
  });

  test("a Secret deleted by hand is recreated", async () => {
    await h.apply(externalSecret("recreated", { data: [{ secretKey: "p", remoteRef: { key: "app/db", property: "password" } }] }), { namespace: ns.name });
    const first = await h.waitForSecret(ns.name, "recreated");
    await h.core.deleteNamespacedSecret({ namespace: ns.name, name: "recreated" });
    await h.waitForSecret(ns.name, "recreated", (s) => s.metadata?.uid !== first.metadata?.uid, 15_000);
  });

  test("written as v1beta1, the object behaves the same and reads the same through v1", async () => {
    await h.apply(externalSecret("beta", { data: [{ secretKey: "p", remoteRef: { key: "app/db", property: "password" } }] }, "external-secrets.io/v1beta1"), { namespace: ns.name });
    const es = await h.waitForReady(ns.name, "beta");
    assert.equal(readyCondition(es)?.reason, "SecretSynced");
    const beta = await h.externalSecret(ns.name, "beta", "v1beta1");
    assert.deepEqual({ ...beta, apiVersion: undefined }, { ...es, apiVersion: undefined });
    const s = await h.waitForSecret(ns.name, "beta");
    assert.equal(s.metadata?.ownerReferences?.[0]?.uid, es.metadata.uid);
  });
});
