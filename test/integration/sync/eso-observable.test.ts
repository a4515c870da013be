// What an ESO user's tooling reads, replayed on the real control plane: condition status, reason and message,
// and the printer columns `kubectl get` shows. Each case is an input ESO documents or tests, with the result
// ESO v0.20 produces (pkg/controllers/externalsecret and pkg/controllers/secretstore), because Argo CD health
// checks, scripts and alerts key on exactly these strings.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { waitUntil } from "../../env/index.ts";
import { readyCondition, startSync, type SyncHarness } from "./sync-harness.ts";

let h: SyncHarness;
let ns: { name: string; delete: () => Promise<void> };

interface StoreObject {
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

const secretStore = (name: string, aws: Record<string, unknown>) => ({
  apiVersion: "external-secrets.io/v1",
  kind: "SecretStore",
  metadata: { name },
  spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region, ...aws } } },
});

before(async () => {
  h = await startSync();
  ns = await h.env.createNamespace("eso-observable");
  await h.apply(secretStore("aws", {}), { namespace: ns.name });
  await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: "observable/db", SecretString: JSON.stringify({ password: "p" }) }));
});

after(async () => {
  await h.stop();
  await ns.delete();
});

async function storeReady(name: string, predicate: (c: NonNullable<StoreObject["status"]>["conditions"]) => boolean) {
  let store: StoreObject | undefined;
  await waitUntil(`SecretStore ${name} condition`, async () => {
    store = (await h.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "secretstores", name })) as StoreObject;
    return predicate(store.status?.conditions);
  }, { timeoutMs: 30_000 });
  return store!.status!.conditions!.find((c) => c.type === "Ready")!;
}

describe("ESO's observable results", () => {
  // ESO test "should not merge with secret if it doesn't exist" (externalsecret_controller_test.go).
  test("creationPolicy Merge with no target Secret: Ready=True / SecretMissing, and kubectl shows it", async () => {
    await h.apply({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "merge-missing" },
      spec: {
        secretStoreRef: { name: "aws", kind: "SecretStore" },
        target: { name: "not-there", creationPolicy: "Merge" },
        data: [{ secretKey: "password", remoteRef: { key: "observable/db", property: "password" } }],
      },
    }, { namespace: ns.name });
    const es = await h.waitForReady(ns.name, "merge-missing", (x) => readyCondition(x)?.reason === "SecretMissing");
    assert.deepEqual(
      { ...readyCondition(es), lastTransitionTime: undefined },
      { type: "Ready", status: "True", reason: "SecretMissing", message: "secret will not be created due to CreationPolicy=Merge", lastTransitionTime: undefined },
    );
    await assert.rejects(h.core.readNamespacedSecret({ namespace: ns.name, name: "not-there" }), "Merge never creates the Secret");
    const row = await h.env.tableRow(`/apis/external-secrets.io/v1/namespaces/${ns.name}/externalsecrets/merge-missing`);
    assert.deepEqual([row.STATUS, row.READY, row["REFRESH INTERVAL"]], ["SecretMissing", "True", "1h"]);
  });

  // ESO's AWS provider reads the credentials Secret while building the client: its absence is
  // InvalidProviderConfig / "unable to create client" (secretstore/common.go, validateStore).
  test("a SecretStore whose credentials Secret does not exist: Ready=False / InvalidProviderConfig", async () => {
    await h.apply(secretStore("no-creds", {
      auth: {
        secretRef: {
          accessKeyIDSecretRef: { name: "awssm-secret", key: "access-key" },
          secretAccessKeySecretRef: { name: "awssm-secret", key: "secret-access-key" },
        },
      },
    }), { namespace: ns.name });
    const ready = await storeReady("no-creds", (c) => c?.some((x) => x.type === "Ready" && x.status === "False") ?? false);
    assert.equal(ready.reason, "InvalidProviderConfig");
    assert.match(ready.message ?? "", /^unable to create client: .*awssm-secret/);
    const row = await h.env.tableRow(`/apis/external-secrets.io/v1/namespaces/${ns.name}/secretstores/no-creds`);
    assert.deepEqual([row.STATUS, row.READY], ["InvalidProviderConfig", "False"]);
  });

  test("a valid SecretStore: Ready=True / Valid / store validated, capabilities ReadWrite", async () => {
    const ready = await storeReady("aws", (c) => c?.some((x) => x.type === "Ready" && x.status === "True") ?? false);
    assert.deepEqual([ready.reason, ready.message], ["Valid", "store validated"]);
    const row = await h.env.tableRow(`/apis/external-secrets.io/v1/namespaces/${ns.name}/secretstores/aws`);
    assert.deepEqual([row.STATUS, row.CAPABILITIES, row.READY], ["Valid", "ReadWrite", "True"]);
  });
});
