// What the sync path's caches hold, on the real apiserver (ADR 13): an unmanaged Secret is never cached (its
// data never reaches the process through a watch), a managed Secret is cached with its data and only ESO's
// field managers' entries, and no cached object carries managedFields it does not need. Budgets are bytes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { TestEnvironment } from "../../env/index.ts";
import { cachedBytes } from "../../../src/runtime/cache-transforms.ts";
import { silentLogger } from "../../../src/runtime/logger.ts";
import { SyncInformers } from "../../../src/sync/sync-informers.ts";
import { fieldManagerFor, MANAGED_LABEL } from "../../../src/sync/desired-secret.ts";

const env = TestEnvironment.load();
const kc = env.kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const CANARY = "cache-canary-7c1e9b";
const UNMANAGED = 50;
let ns: { name: string; delete: () => Promise<void> };
let informers: SyncInformers;

before(async () => {
  ns = await env.createNamespace("cache-footprint");
  const big = `${CANARY}-${"x".repeat(4096)}`;
  for (let i = 0; i < UNMANAGED; i++) {
    await core.createNamespacedSecret({ namespace: ns.name, fieldManager: "kubectl-client-side-apply", body: { metadata: { name: `unmanaged-${i}` }, stringData: { value: big } } });
  }
  // A managed Secret written by two managers: ESO's (as the reconciler writes it) and someone else's.
  await core.createNamespacedSecret({ namespace: ns.name, fieldManager: fieldManagerFor("db"), body: { metadata: { name: "db", labels: { [MANAGED_LABEL]: "true" } }, stringData: { password: "p" } } });
  const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
  await core.patchNamespacedSecret({ namespace: ns.name, name: "db", fieldManager: "kubectl-edit", body: { metadata: { annotations: { note: "edited" } } } }, merge);
  await custom.createNamespacedCustomObject({
    group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets",
    body: { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "db", annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" } }, spec: { secretStoreRef: { name: "s", kind: "SecretStore" }, data: [{ secretKey: "password", remoteRef: { key: "db" } }] } },
  });
  informers = new SyncInformers({ kubeConfig: kc, namespace: ns.name, logger: silentLogger });
  await informers.start();
});
after(async () => {
  await informers?.stop();
  await ns.delete();
});

describe("sync cache footprint", () => {
  test("unmanaged Secrets are not cached: the canary in their data is nowhere in any cache", () => {
    const all = [...informers.managedSecrets.list(), ...informers.externalSecrets.list(), ...informers.secretStores.list(), ...informers.clusterSecretStores.list()];
    assert.deepEqual(informers.managedSecrets.list().map((s) => s.metadata?.name), ["db"]);
    assert.ok(!JSON.stringify(all).includes(CANARY), "an unmanaged Secret's data is in a cache");
  });

  test("the managed Secret keeps its data and only ESO's field manager entry", () => {
    const db = informers.managedSecrets.get(ns.name, "db") as { data?: Record<string, string>; metadata: { managedFields?: Array<{ manager: string }> } };
    assert.deepEqual(db.data, { password: Buffer.from("p").toString("base64") });
    assert.deepEqual(db.metadata.managedFields?.map((e) => e.manager), [fieldManagerFor("db")]);
  });

  test("the ExternalSecret is cached without managedFields or last-applied-configuration, in under 600 bytes", () => {
    const es = informers.externalSecrets.get(ns.name, "db")!;
    assert.equal(es.metadata?.managedFields, undefined);
    assert.equal(es.metadata?.annotations?.["kubectl.kubernetes.io/last-applied-configuration"], undefined);
    const bytes = cachedBytes([es]);
    assert.ok(bytes < 600, `${bytes} bytes`);
  });
});
