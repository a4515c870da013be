// `ferry status` against the real apiserver: ExternalSecrets with the status the controller writes
// (set here through the status subresource, so no controller has to run).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { TestEnvironment } from "../../env/index.ts";
import { assertUserError, ferry } from "./cli-harness.ts";

const env = TestEnvironment.load();
const group = "external-secrets.io";
const version = "v1";
const plural = "externalsecrets";
let custom: k8s.CustomObjectsApi;
let ns: { name: string; delete: () => Promise<void> };
let other: { name: string; delete: () => Promise<void> };

async function externalSecret(namespace: string, name: string, storeRef: Record<string, string>, status: Record<string, unknown>): Promise<void> {
  await custom.createNamespacedCustomObject({
    group, version, namespace, plural,
    body: { apiVersion: `${group}/${version}`, kind: "ExternalSecret", metadata: { name }, spec: { secretStoreRef: storeRef, refreshInterval: "1h", data: [{ secretKey: "a", remoteRef: { key: "k" } }] } },
  });
  const current = (await custom.getNamespacedCustomObject({ group, version, namespace, plural, name })) as Record<string, unknown>;
  await custom.replaceNamespacedCustomObjectStatus({ group, version, namespace, plural, name, body: { ...current, status } });
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");

interface Row { namespace: string; name: string; store: { kind: string; name: string }; ready: string; reason: string; message: string; lastSync: string | null }

describe("ferry status", () => {
  before(async () => {
    custom = env.kubeConfig().makeApiClient(k8s.CustomObjectsApi);
    ns = await env.createNamespace("cli-status");
    other = await env.createNamespace("cli-status-other");
    await externalSecret(ns.name, "good", { name: "aws" }, {
      refreshTime: minutesAgo(5),
      conditions: [{ type: "Ready", status: "True", reason: "SecretSynced", message: "secret synced", lastTransitionTime: minutesAgo(60) }],
    });
    await externalSecret(ns.name, "broken", { name: "shared", kind: "ClusterSecretStore" }, {
      refreshTime: minutesAgo(90),
      conditions: [{ type: "Ready", status: "False", reason: "SecretSyncedError", message: "could not get secret data from provider: key app/db: secret does not exist", lastTransitionTime: minutesAgo(2) }],
    });
    await externalSecret(other.name, "fine", { name: "aws" }, {
      refreshTime: minutesAgo(1),
      conditions: [{ type: "Ready", status: "True", reason: "SecretSynced", message: "secret synced", lastTransitionTime: minutesAgo(1) }],
    });
  });
  after(async () => {
    await ns.delete();
    await other.delete();
  });

  test("--help documents every flag", async () => {
    const r = await ferry(["status", "--help"]);
    assert.equal(r.status, 0);
    for (const flag of ["--namespace", "--all-namespaces", "--kubeconfig", "--output", "--fail-on-error"]) assert.ok(r.stdout.includes(flag), flag);
  });

  test("a table of one namespace: store, Ready, reason, last sync and the error of the failing one", async () => {
    const r = await ferry(["status", "--kubeconfig", env.state.kubeconfig, "-n", ns.name]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split("\n");
    assert.match(lines[0]!, /^NAMESPACE\s+NAME\s+STORE\s+READY\s+REASON\s+LAST SYNC\s+ERROR$/);
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, new RegExp(`^${ns.name}\\s+broken\\s+ClusterSecretStore/shared\\s+False\\s+SecretSyncedError\\s+90m\\s+could not get secret data from provider: key app/db: secret does not exist$`));
    assert.match(lines[2]!, new RegExp(`^${ns.name}\\s+good\\s+aws\\s+True\\s+SecretSynced\\s+(5m|5m\\d+s|4m5\\ds)$`));
  });

  test("-o json; --fail-on-error exits 1 when any is not Ready", async () => {
    const r = await ferry(["status", "--kubeconfig", env.state.kubeconfig, "-n", ns.name, "-o", "json", "--fail-on-error"]);
    assert.equal(r.status, 1);
    const rows = JSON.parse(r.stdout) as Row[];
    assert.deepEqual(rows.map((x) => [x.name, x.ready, x.reason, x.store.kind]), [["broken", "False", "SecretSyncedError", "ClusterSecretStore"], ["good", "True", "SecretSynced", "SecretStore"]]);
    assert.match(rows[0]!.message, /secret does not exist/);
    assert.equal(rows[1]!.message, "");
    assert.ok(rows[1]!.lastSync);
  });

  test("-A lists every namespace; --fail-on-error passes when all are Ready", async () => {
    const all = await ferry(["status", "--kubeconfig", env.state.kubeconfig, "-A", "-o", "json"]);
    assert.equal(all.status, 0, all.stderr);
    const names = (JSON.parse(all.stdout) as Row[]).map((x) => `${x.namespace}/${x.name}`);
    for (const n of [`${ns.name}/good`, `${ns.name}/broken`, `${other.name}/fine`]) assert.ok(names.includes(n), n);
    const ok = await ferry(["status", "--kubeconfig", env.state.kubeconfig, "-n", other.name, "--fail-on-error"]);
    assert.equal(ok.status, 0, ok.stderr);
  });

  test("an empty namespace says so", async () => {
    const r = await ferry(["status", "--kubeconfig", env.state.kubeconfig, "-n", "kube-public"]);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /No ExternalSecrets found in namespace kube-public\./);
  });

  test("--kind PushSecret: stores, Ready, reason, last sync and the error", async () => {
    const ps = { group, version: "v1alpha1", namespace: ns.name, plural: "pushsecrets" };
    await custom.createNamespacedCustomObject({
      ...ps,
      body: { apiVersion: `${group}/v1alpha1`, kind: "PushSecret", metadata: { name: "push" }, spec: { secretStoreRefs: [{ name: "aws" }, { kind: "ClusterSecretStore", name: "shared" }], selector: { secret: { name: "s" } }, data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "r" } } }] } },
    });
    const current = (await custom.getNamespacedCustomObject({ ...ps, name: "push" })) as Record<string, unknown>;
    await custom.replaceNamespacedCustomObjectStatus({ ...ps, name: "push", body: { ...current, status: { refreshTime: minutesAgo(3), conditions: [{ type: "Ready", status: "False", reason: "Errored", message: "set secret failed: secret not managed by external-secrets", lastTransitionTime: minutesAgo(3) }] } } });
    const r = await ferry(["status", "--kubeconfig", env.state.kubeconfig, "-n", ns.name, "--kind", "ps", "--fail-on-error"]);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.trimEnd().split("\n");
    assert.match(lines[0]!, /^NAMESPACE\s+NAME\s+STORES\s+READY\s+REASON\s+LAST SYNC\s+ERROR$/);
    assert.match(lines[1]!, new RegExp(`^${ns.name}\\s+push\\s+aws,ClusterSecretStore/shared\\s+False\\s+Errored\\s+3m(\\d+s)?\\s+set secret failed: secret not managed by external-secrets$`));
  });

  test("--kind ClusterExternalSecret: provisioned and failed namespaces with the reason", async () => {
    const ces = { group, version: "v1", plural: "clusterexternalsecrets" };
    const name = `${ns.name}-ces`;
    await custom.createClusterCustomObject({
      ...ces,
      body: { apiVersion: `${group}/v1`, kind: "ClusterExternalSecret", metadata: { name }, spec: { namespaces: [ns.name], externalSecretSpec: { secretStoreRef: { kind: "ClusterSecretStore", name: "shared" }, data: [{ secretKey: "a", remoteRef: { key: "k" } }] } } },
    });
    try {
      const current = (await custom.getClusterCustomObject({ ...ces, name })) as Record<string, unknown>;
      await custom.replaceClusterCustomObjectStatus({
        ...ces,
        name,
        body: { ...current, status: { externalSecretName: name, provisionedNamespaces: ["a", "b"], failedNamespaces: [{ namespace: "c", reason: "external secret already exists in namespace" }], conditions: [{ type: "Ready", status: "False", message: "one or more namespaces failed", lastTransitionTime: minutesAgo(1) }] } },
      });
      const r = await ferry(["status", "--kubeconfig", env.state.kubeconfig, "--kind", "ces", "-o", "json"]);
      assert.equal(r.status, 0, r.stderr);
      const row = (JSON.parse(r.stdout) as Array<{ name: string }>).find((x) => x.name === name);
      assert.deepEqual(row, { kind: "ClusterExternalSecret", name, stores: ["ClusterSecretStore/shared"], provisionedNamespaces: ["a", "b"], failedNamespaces: [{ namespace: "c", reason: "external secret already exists in namespace" }], ready: "False", message: "one or more namespaces failed" });
      const table = await ferry(["status", "--kubeconfig", env.state.kubeconfig, "--kind", "ClusterExternalSecret"]);
      assert.match(table.stdout, /^NAME\s+STORES\s+PROVISIONED\s+FAILED\s+READY\s+ERROR$/m);
      assert.match(table.stdout, new RegExp(`^${name}\\s+ClusterSecretStore/shared\\s+2\\s+1\\s+False\\s+one or more namespaces failed; c: external secret already exists in namespace$`, "m"));
    } finally {
      await custom.deleteClusterCustomObject({ ...ces, name });
    }
  });

  const bad: Array<{ args: string[]; message: RegExp }> = [
    { args: ["status", "-n", "a", "-A"], message: /cannot be used with option '-A, --all-namespaces'/ },
    { args: ["status", "-o", "yaml"], message: /argument 'yaml' is invalid\. Allowed choices are table, json/ },
    { args: ["status", "--kind", "Secret"], message: /must be ExternalSecret \(es\), PushSecret \(ps\), ClusterExternalSecret \(ces\) or ClusterPushSecret \(cps\)/ },
    { args: ["status", "--kubeconfig", "/nonexistent/kubeconfig"], message: /error: cannot load kubeconfig \/nonexistent\/kubeconfig/ },
  ];
  for (const c of bad) {
    test(`bad input: ferry ${c.args.join(" ")} → a clear message, non-zero exit`, async () => {
      assertUserError(await ferry(c.args), c.message);
    });
  }
});
