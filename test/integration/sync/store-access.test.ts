// Stores serve only who they may: an ExternalSecret in namespace B cannot use a SecretStore in namespace A,
// and ClusterSecretStore conditions exclude namespaces. Both fail with a clear condition.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { readyCondition, startSync, type SyncHarness } from "./sync-harness.ts";

let h: SyncHarness;
let a: { name: string; delete: () => Promise<void> };
let b: { name: string; delete: () => Promise<void> };
const store = (kind: string, name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "external-secrets.io/v1",
  kind,
  metadata: { name },
  spec: { provider: { aws: { service: "SecretsManager", region: "us-east-1" } }, ...extra },
});
const es = (name: string, storeName: string, kind = "SecretStore") => ({
  apiVersion: "external-secrets.io/v1",
  kind: "ExternalSecret",
  metadata: { name },
  spec: { secretStoreRef: { name: storeName, kind }, data: [{ secretKey: "v", remoteRef: { key: "shared/value" } }] },
});

before(async () => {
  h = await startSync();
  a = await h.env.createNamespace("team-a");
  b = await h.env.createNamespace("team-b");
  await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: "shared/value", SecretString: "x" }));
});

after(async () => {
  await h.stop();
  await a.delete();
  await b.delete();
  for (const name of [`only-${a.name}`, `labelled-${b.name}`, `regex-${a.name}`]) {
    await h.custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clustersecretstores", name }).catch(() => undefined);
  }
});

describe("store access", () => {
  test("an ExternalSecret in namespace B cannot use a SecretStore in namespace A", async () => {
    await h.apply(store("SecretStore", "a-only"), { namespace: a.name });
    await h.apply(es("in-a", "a-only"), { namespace: a.name });
    await h.apply(es("from-b", "a-only"), { namespace: b.name });
    await h.waitForReady(a.name, "in-a");
    const denied = await h.waitForReady(b.name, "from-b", (x) => readyCondition(x)?.status === "False");
    assert.equal(readyCondition(denied)?.reason, "SecretSyncedError");
    assert.equal(readyCondition(denied)?.message, `SecretStore ${b.name}/a-only not found`);
  });

  test("ClusterSecretStore conditions admit one namespace and exclude another", async () => {
    const name = `only-${a.name}`;
    await h.apply(store("ClusterSecretStore", name, { conditions: [{ namespaces: [a.name] }] }));
    await h.apply(es("css-a", name, "ClusterSecretStore"), { namespace: a.name });
    await h.apply(es("css-b", name, "ClusterSecretStore"), { namespace: b.name });
    await h.waitForReady(a.name, "css-a");
    const denied = await h.waitForReady(b.name, "css-b", (x) => readyCondition(x)?.status === "False");
    assert.equal(readyCondition(denied)?.message, `ClusterSecretStore ${name} does not allow namespace ${b.name} (spec.conditions)`);
  });

  test("namespaceRegexes are Go regexps: (?i) admits a namespace as ESO does", async () => {
    const name = `regex-${a.name}`;
    await h.apply(store("ClusterSecretStore", name, { conditions: [{ namespaceRegexes: [`(?i)^${a.name.toUpperCase()}$`] }] }));
    await h.apply(es("css-regex-a", name, "ClusterSecretStore"), { namespace: a.name });
    await h.apply(es("css-regex-b", name, "ClusterSecretStore"), { namespace: b.name });
    await h.waitForReady(a.name, "css-regex-a");
    const denied = await h.waitForReady(b.name, "css-regex-b", (x) => readyCondition(x)?.status === "False");
    assert.equal(readyCondition(denied)?.message, `ClusterSecretStore ${name} does not allow namespace ${b.name} (spec.conditions)`);
  });

  test("a namespaceSelector condition matches namespace labels", async () => {
    const name = `labelled-${b.name}`;
    await h.apply(store("ClusterSecretStore", name, { conditions: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": b.name } } }] }));
    await h.apply(es("selected", name, "ClusterSecretStore"), { namespace: b.name });
    await h.waitForReady(b.name, "selected");
  });

  test("a store with an unsupported provider says so", async () => {
    await h.apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "vault" }, spec: { provider: { vault: { server: "https://vault.example" } } } }, { namespace: a.name });
    await h.apply(es("via-vault", "vault"), { namespace: a.name });
    const failed = await h.waitForReady(a.name, "via-vault", (x) => readyCondition(x)?.status === "False");
    assert.match(readyCondition(failed)?.message ?? "", /provider "vault" is not supported by Ferry/);
  });
});
