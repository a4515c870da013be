// Issue 3's first acceptance item: the manifests from the seed documents apply unchanged (v1beta1 as
// written; only account ids and role ARNs substituted) and yield the Secrets the documents describe.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { loadSeedManifests, type SeedManifest } from "../../fixtures/seeds/index.ts";
import { waitUntil } from "../../env/index.ts";
import { decode, readyCondition, startSync, type SyncHarness } from "./sync-harness.ts";

const CANARY = { dbPass: "canary-db-9f2c71", catalog: "canary-catalog-4e8a06", app: "canary-app-b13d55" };
let h: SyncHarness;
let ns: { name: string; delete: () => Promise<void> };
let seeds: SeedManifest[];
const fixedNamespaces = ["external-secrets", "catalog"];

const seed = (file: string, kind: string) => seeds.filter((s) => s.file.startsWith(file) && s.manifest.kind === kind).map((s) => s.manifest);

before(async () => {
  h = await startSync();
  ns = await h.env.createNamespace("seeds");
  seeds = loadSeedManifests({ accountId: h.aws.accountId! });
  for (const name of fixedNamespaces) await h.core.createNamespace({ body: { metadata: { name } } }).catch(() => undefined);

  // The AWS side each document assumes exists.
  const east = new SecretsManagerClient({ region: "us-east-1" });
  await east.send(new CreateSecretCommand({ Name: "DB-CREDENTIALS", SecretString: JSON.stringify({ "db-user": "kubeops", "db-pass": CANARY.dbPass }) }));
  await east.send(new CreateSecretCommand({ Name: "app-secret", SecretString: JSON.stringify({ API_KEY: CANARY.app }) }));
  const west = new SecretsManagerClient({ region: "us-west-2" });
  await west.send(new CreateSecretCommand({ Name: "eks-workshop/catalog-secret", SecretString: JSON.stringify({ username: "catalog", password: CANARY.catalog }) }));
});

after(async () => {
  await h.stop();
  await ns.delete();
  for (const name of fixedNamespaces) await h.core.deleteNamespace({ name }).catch(() => undefined);
  for (const name of ["cluster-secret-store", "global-secret-store"]) {
    await h.custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clustersecretstores", name }).catch(() => undefined);
  }
});

describe("seed documents, applied unchanged", () => {
  test("001: SecretStore with secretRef and an ExternalSecret with dataFrom.extract → my-kubeops-db-secret", async () => {
    // The document's prerequisite: a Secret with the IAM user's keys (moto accepts any).
    await h.core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: "aws-secret-user-secret" }, stringData: { "access-key": "AKIDSEED001", "secret-access-key": "seed-secret" } } });
    for (const kind of ["ServiceAccount", "SecretStore", "ExternalSecret"]) for (const m of seed("001", kind)) await h.apply(m, { namespace: ns.name });

    const es = await h.waitForReady(ns.name, "my-external-secrets");
    assert.equal(readyCondition(es)?.reason, "SecretSynced");
    const secret = await h.waitForSecret(ns.name, "my-kubeops-db-secret");
    assert.equal(decode(secret, "db-pass"), CANARY.dbPass);
    assert.equal(decode(secret, "db-user"), "kubeops");
    const owner = secret.metadata?.ownerReferences?.[0];
    assert.equal(owner?.kind, "ExternalSecret");
    assert.equal(owner?.name, "my-external-secrets");
    assert.equal(owner?.controller, true);
    assert.equal(owner?.blockOwnerDeletion, true);

    await waitUntil("the SecretStore to be Valid", async () => {
      const store = (await h.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1beta1", namespace: ns.name, plural: "secretstores", name: "aws-secretsmanager" })) as { status?: { conditions?: Array<{ type: string; status: string; reason: string }>; capabilities?: string } };
      const ready = store.status?.conditions?.find((c) => c.type === "Ready");
      return ready?.status === "True" && ready.reason === "Valid" && store.status?.capabilities === "ReadWrite";
    }, { timeoutMs: 20_000 });
  });

  test("003: ClusterSecretStore with jwt serviceAccountRef → catalog-external-secret owned by the ExternalSecret", async () => {
    for (const kind of ["ServiceAccount", "ClusterSecretStore", "ExternalSecret"]) for (const m of seed("003", kind)) await h.apply(m);

    const es = await h.waitForReady("catalog", "catalog-external-secret");
    assert.equal(readyCondition(es)?.reason, "SecretSynced");
    const secret = await h.waitForSecret("catalog", "catalog-external-secret");
    assert.deepEqual(Object.keys(secret.data ?? {}).sort(), ["password", "username"]);
    assert.equal(decode(secret, "password"), CANARY.catalog);
    const owner = secret.metadata?.ownerReferences?.find((r) => r.controller);
    assert.deepEqual([owner?.kind, owner?.name, owner?.uid, owner?.blockOwnerDeletion], ["ExternalSecret", "catalog-external-secret", es.metadata.uid, true]);

    // `kubectl get clustersecretstores` as the document shows it: STATUS Valid, CAPABILITIES ReadWrite, READY True.
    await waitUntil("ClusterSecretStore columns", async () => {
      const row = await h.env.tableRow("/apis/external-secrets.io/v1beta1/clustersecretstores/cluster-secret-store");
      return row.STATUS === "Valid" && row.CAPABILITIES === "ReadWrite" && row.READY === "True";
    }, { timeoutMs: 20_000 });
    const esRow = await h.env.tableRow("/apis/external-secrets.io/v1beta1/namespaces/catalog/externalsecrets/catalog-external-secret");
    assert.equal(esRow.STORE, "cluster-secret-store");
    assert.equal(esRow["REFRESH INTERVAL"], "1h");
    assert.equal(esRow.STATUS, "SecretSynced");
    assert.equal(esRow.READY, "True");
  });

  test("004: ExternalSecret against a ClusterSecretStore → app-secret", async () => {
    await h.apply({
      apiVersion: "external-secrets.io/v1beta1",
      kind: "ClusterSecretStore",
      metadata: { name: "global-secret-store" },
      spec: { provider: { aws: { service: "SecretsManager", region: "us-east-1" } } },
    });
    for (const m of seed("004", "ExternalSecret")) await h.apply(m, { namespace: ns.name });
    const secret = await h.waitForSecret(ns.name, "app-secret");
    assert.equal(decode(secret, "API_KEY"), CANARY.app);
  });

  test("the same objects read the same through v1 and v1beta1", async () => {
    const v1 = await h.externalSecret("catalog", "catalog-external-secret", "v1");
    const beta = await h.externalSecret("catalog", "catalog-external-secret", "v1beta1");
    assert.deepEqual({ ...beta, apiVersion: undefined }, { ...v1, apiVersion: undefined });
  });

  test("no canary value appears in logs, Events or status", async () => {
    const text = await h.observableText([ns.name, ...fixedNamespaces]);
    for (const canary of Object.values(CANARY)) assert.ok(!text.includes(canary), `canary ${canary} leaked`);
    assert.ok(h.logs.length > 0, "the controller logged something");
  });
});

