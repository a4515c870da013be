// ClusterExternalSecret on the real control plane: namespaces chosen by label and by name, a namespace
// labelled or unlabelled gets or loses its ExternalSecret within seconds (Namespace watch), an ExternalSecret
// of the same name that the ClusterExternalSecret does not own is reported and left alone, and deleting the
// ClusterExternalSecret lets the real kube-controller-manager garbage-collect every ExternalSecret it made.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { waitUntil } from "../../env/index.ts";
import { decode, startSync, type ExternalSecretObject, type SyncHarness } from "./sync-harness.ts";

interface CesObject {
  metadata: { name: string; uid: string };
  spec: Record<string, unknown>;
  status?: { externalSecretName?: string; provisionedNamespaces?: string[]; failedNamespaces?: Array<{ namespace: string; reason?: string }>; conditions?: Array<{ type: string; status: string; message?: string }> };
}

let h: SyncHarness;
const run = randomBytes(3).toString("hex");
/** A label only this test file's namespaces carry, so other namespaces of the environment are never selected. */
const LABEL = `ces.ferry.dev/run-${run}`;
const STORE = `ces-aws-${run}`;
const namespaces: Array<{ name: string; delete: () => Promise<void> }> = [];
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
const group = { group: "external-secrets.io", version: "v1" };

async function namespace(labels: Record<string, string> = {}): Promise<string> {
  const ns = await h.env.createNamespace("ces");
  namespaces.push(ns);
  if (Object.keys(labels).length > 0) await label(ns.name, labels);
  return ns.name;
}

async function label(name: string, labels: Record<string, string | null>): Promise<void> {
  await h.core.patchNamespace({ name, body: { metadata: { labels } } }, merge);
}

function ces(name: string, spec: Record<string, unknown>, apiVersion = "external-secrets.io/v1") {
  return {
    apiVersion,
    kind: "ClusterExternalSecret",
    metadata: { name },
    spec: {
      externalSecretSpec: {
        secretStoreRef: { name: STORE, kind: "ClusterSecretStore" },
        refreshInterval: "1h",
        data: [{ secretKey: "password", remoteRef: { key: "shared/db", property: "password" } }],
      },
      ...spec,
    },
  };
}

async function getCes(name: string): Promise<CesObject> {
  return (await h.custom.getClusterCustomObject({ ...group, plural: "clusterexternalsecrets", name })) as CesObject;
}

async function waitForCes(name: string, what: string, predicate: (c: CesObject) => boolean, timeoutMs = 15_000): Promise<CesObject> {
  let last: CesObject | undefined;
  await waitUntil(`ClusterExternalSecret ${name}: ${what}`, async () => predicate((last = await getCes(name))), { timeoutMs }).catch((err: Error) => {
    throw new Error(`${err.message}; last status: ${JSON.stringify(last?.status)}`);
  });
  return last!;
}

async function findExternalSecret(namespace: string, name: string): Promise<ExternalSecretObject | undefined> {
  try {
    return await h.externalSecret(namespace, name);
  } catch (err) {
    if (err instanceof k8s.ApiException && err.code === 404) return undefined;
    throw err;
  }
}

const ready = (c: CesObject) => c.status?.conditions?.find((x) => x.type === "Ready");

before(async () => {
  h = await startSync();
  await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: "shared/db", SecretString: JSON.stringify({ password: "ces-value" }) }));
  await h.apply({
    apiVersion: "external-secrets.io/v1",
    kind: "ClusterSecretStore",
    metadata: { name: STORE },
    spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region } } },
  });
});

after(async () => {
  await h.stop();
  await Promise.all(namespaces.map((ns) => ns.delete()));
});

describe("ClusterExternalSecret", () => {
  test("selects namespaces by label and by name; a listed namespace that does not exist is skipped", async () => {
    const labelled = await namespace({ [LABEL]: "select" });
    const listed = await namespace();
    const other = await namespace();
    await h.apply(ces(`select-${run}`, { namespaceSelectors: [{ matchLabels: { [LABEL]: "select" } }], namespaces: [listed, `missing-${run}`] }));

    const status = await waitForCes(`select-${run}`, "Ready", (c) => ready(c)?.status === "True" && (c.status?.provisionedNamespaces?.length ?? 0) === 2);
    assert.deepEqual(status.status?.provisionedNamespaces, [labelled, listed].sort());
    assert.equal(status.status?.externalSecretName, `select-${run}`);
    assert.equal(status.status?.failedNamespaces, undefined);
    assert.deepEqual(ready(status), { type: "Ready", status: "True" }, "ESO's condition: no reason, no message");
    for (const ns of [labelled, listed]) {
      const secret = await h.waitForSecret(ns, `select-${run}`, (s) => decode(s, "password") === "ces-value");
      assert.ok(secret);
      const es = (await h.externalSecret(ns, `select-${run}`)) as ExternalSecretObject & { metadata: { ownerReferences?: Array<{ kind: string; name: string; uid: string; controller?: boolean }> } };
      assert.deepEqual(es.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]), [["ClusterExternalSecret", `select-${run}`, status.metadata.uid, true]]);
    }
    assert.equal(await findExternalSecret(other, `select-${run}`), undefined, "an unselected namespace gets nothing");
  });

  test("labelling a namespace creates its ExternalSecret within seconds; unlabelling deletes it", async () => {
    const ns = await namespace();
    // refreshTime 1h: only the Namespace watch can make this fast.
    await h.apply(ces(`follow-${run}`, { refreshTime: "1h", namespaceSelectors: [{ matchLabels: { [LABEL]: "follow" } }] }));
    await waitForCes(`follow-${run}`, "Ready with no namespace", (c) => ready(c)?.status === "True");

    const labelled = Date.now();
    await label(ns, { [LABEL]: "follow" });
    await h.waitForSecret(ns, `follow-${run}`, (s) => decode(s, "password") === "ces-value", 10_000);
    await waitForCes(`follow-${run}`, "provisioned in the labelled namespace", (c) => c.status?.provisionedNamespaces?.includes(ns) ?? false, 10_000);
    h.logs.push(`labelled → synced Secret in ${Date.now() - labelled} ms`);

    await label(ns, { [LABEL]: null });
    await waitUntil("the ExternalSecret in the unlabelled namespace to be deleted", async () => (await findExternalSecret(ns, `follow-${run}`)) === undefined, { timeoutMs: 10_000 });
    await waitForCes(`follow-${run}`, "no namespace provisioned", (c) => c.status?.provisionedNamespaces === undefined, 10_000);
  });

  test("an ExternalSecret of that name it does not own is reported in failedNamespaces and left alone", async () => {
    const owned = await namespace({ [LABEL]: "conflict" });
    const taken = await namespace({ [LABEL]: "conflict" });
    const mine = { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: `conflict-${run}`, labels: { mine: "yes" } }, spec: { secretStoreRef: { name: STORE, kind: "ClusterSecretStore" }, refreshInterval: "1h", data: [{ secretKey: "mine", remoteRef: { key: "shared/db" } }] } };
    await h.apply(mine, { namespace: taken });
    await h.apply(ces(`conflict-${run}`, { namespaceSelectors: [{ matchLabels: { [LABEL]: "conflict" } }] }));

    const status = await waitForCes(`conflict-${run}`, "Ready=False", (c) => ready(c)?.status === "False");
    assert.deepEqual(ready(status), { type: "Ready", status: "False", message: "one or more namespaces failed" });
    assert.deepEqual(status.status?.failedNamespaces, [{ namespace: taken, reason: "external secret already exists in namespace" }]);
    assert.deepEqual(status.status?.provisionedNamespaces, [owned]);
    const untouched = (await h.externalSecret(taken, `conflict-${run}`)) as ExternalSecretObject & { metadata: { labels?: Record<string, string>; ownerReferences?: unknown[] } };
    assert.deepEqual(untouched.metadata.labels, { mine: "yes" });
    assert.equal(untouched.metadata.ownerReferences, undefined);
    assert.deepEqual((untouched.spec.data as Array<{ secretKey: string }>).map((d) => d.secretKey), ["mine"]);

    // The user's ExternalSecret goes away: the ClusterExternalSecret takes the namespace (ExternalSecret watch).
    await h.custom.deleteNamespacedCustomObject({ ...group, namespace: taken, plural: "externalsecrets", name: `conflict-${run}` });
    const fixed = await waitForCes(`conflict-${run}`, "Ready=True after the conflict is gone", (c) => ready(c)?.status === "True", 15_000);
    assert.deepEqual(fixed.status?.provisionedNamespaces, [owned, taken].sort());
    assert.equal(fixed.status?.failedNamespaces, undefined);
  });

  test("externalSecretName, externalSecretMetadata, a spec edit reaching every namespace, an edited ExternalSecret restored; v1beta1", async () => {
    const a = await namespace({ [LABEL]: "meta" });
    const b = await namespace({ [LABEL]: "meta" });
    await h.apply(
      ces(`meta-${run}`, {
        externalSecretName: "from-ces",
        externalSecretMetadata: { labels: { team: "platform" }, annotations: { note: "fanned out" } },
        namespaceSelector: { matchLabels: { [LABEL]: "meta" } },
      }, "external-secrets.io/v1beta1"),
    );
    await waitForCes(`meta-${run}`, "both namespaces", (c) => c.status?.provisionedNamespaces?.length === 2);
    const es = (await h.externalSecret(a, "from-ces")) as ExternalSecretObject & { metadata: { labels?: Record<string, string> } };
    assert.deepEqual(es.metadata.labels, { team: "platform" });
    assert.deepEqual(es.metadata.annotations, { note: "fanned out" });

    // Someone edits one ExternalSecret: it is put back.
    await h.custom.patchNamespacedCustomObject({ ...group, namespace: b, plural: "externalsecrets", name: "from-ces", body: { spec: { refreshInterval: "5m" }, metadata: { labels: { team: "other" } } } }, merge);
    await waitUntil("the edited ExternalSecret restored", async () => {
      const now = (await h.externalSecret(b, "from-ces")) as ExternalSecretObject & { metadata: { labels?: Record<string, string> } };
      return now.spec.refreshInterval === "1h" && now.metadata.labels?.team === "platform";
    }, { timeoutMs: 10_000 });

    // The ClusterExternalSecret's spec changes: every ExternalSecret follows.
    await h.custom.patchClusterCustomObject({ ...group, plural: "clusterexternalsecrets", name: `meta-${run}`, body: { spec: { externalSecretSpec: { refreshInterval: "30m" } } } }, merge);
    for (const ns of [a, b]) {
      await waitUntil(`ExternalSecret in ${ns} to follow the spec edit`, async () => (await h.externalSecret(ns, "from-ces")).spec.refreshInterval === "30m", { timeoutMs: 10_000 });
    }

    // A new name: the old ExternalSecrets go, new ones come.
    await h.custom.patchClusterCustomObject({ ...group, plural: "clusterexternalsecrets", name: `meta-${run}`, body: { spec: { externalSecretName: "renamed" } } }, merge);
    await waitForCes(`meta-${run}`, "renamed", (c) => c.status?.externalSecretName === "renamed" && c.status.provisionedNamespaces?.length === 2);
    for (const ns of [a, b]) {
      await waitUntil(`renamed ExternalSecret in ${ns}`, async () => (await findExternalSecret(ns, "from-ces")) === undefined && (await findExternalSecret(ns, "renamed")) !== undefined, { timeoutMs: 10_000 });
    }
  });

  test("deleting the ClusterExternalSecret garbage-collects its ExternalSecrets and their Secrets", async () => {
    const a = await namespace({ [LABEL]: "gc" });
    const b = await namespace({ [LABEL]: "gc" });
    await h.apply(ces(`gc-${run}`, { namespaceSelectors: [{ matchLabels: { [LABEL]: "gc" } }] }));
    for (const ns of [a, b]) await h.waitForSecret(ns, `gc-${run}`, (s) => decode(s, "password") === "ces-value");

    await h.custom.deleteClusterCustomObject({ ...group, plural: "clusterexternalsecrets", name: `gc-${run}` });
    for (const ns of [a, b]) {
      await waitUntil(`kube-controller-manager to collect the ExternalSecret and Secret in ${ns}`, async () => {
        if (await findExternalSecret(ns, `gc-${run}`)) return false;
        try {
          await h.core.readNamespacedSecret({ namespace: ns, name: `gc-${run}` });
          return false;
        } catch (err) {
          if (err instanceof k8s.ApiException && err.code === 404) return true;
          throw err;
        }
      }, { timeoutMs: 30_000 });
    }
  });
});
