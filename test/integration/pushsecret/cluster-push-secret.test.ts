// ClusterPushSecret on the real control plane and moto: one PushSecret per selected namespace, controlled by
// the ClusterPushSecret; labelling a namespace provisions it within seconds, unlabelling removes it; a
// same-named PushSecret someone else made is reported, never taken over.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { waitUntil } from "../../env/index.ts";
import { startPush, type PushHarness } from "./push-harness.ts";

const CANARY = `canary-${Date.now().toString(36)}-Cps`;
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
let h: PushHarness;
const namespaces: Array<{ name: string; delete: () => Promise<void> }> = [];
let label: string;
let cpsName: string;
let storeName: string;

interface Cps {
  status?: { provisionedNamespaces?: string[]; failedNamespaces?: Array<{ namespace: string; reason?: string }>; pushSecretName?: string; conditions?: Array<{ type: string; status: string }> };
}

const getCps = async () => (await h.custom.getClusterCustomObject({ group: "external-secrets.io", version: "v1alpha1", plural: "clusterpushsecrets", name: cpsName })) as Cps;
const pushSecretIn = async (ns: string) =>
  h.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: ns, plural: "pushsecrets", name: "shared" }).then(
    (o) => o as { metadata: { ownerReferences?: Array<{ kind: string; name: string }> } },
    () => undefined,
  );
const setLabel = (ns: string, value: string | null) => h.core.patchNamespace({ name: ns, body: { metadata: { labels: { [label]: value } } } }, merge);
async function source(ns: string): Promise<void> {
  await h.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "shared-source" }, stringData: { token: `${CANARY}-${ns}` } } });
}

before(async () => {
  h = await startPush("push-cps");
  label = `ferry-test/${h.namespace}`;
  cpsName = `cps-${h.namespace}`;
  storeName = `aws-${h.namespace}`;
  for (const p of ["cps-a", "cps-b", "cps-c"]) namespaces.push(await h.env.createNamespace(p));
  await h.apply({ apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: { name: storeName }, spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region } } } });
  for (const ns of namespaces) await source(ns.name);
  await setLabel(namespaces[0]!.name, "yes");
  await h.apply({
    apiVersion: "external-secrets.io/v1alpha1",
    kind: "ClusterPushSecret",
    metadata: { name: cpsName },
    spec: {
      pushSecretName: "shared",
      namespaceSelectors: [{ matchLabels: { [label]: "yes" } }],
      pushSecretSpec: {
        secretStoreRefs: [{ name: storeName, kind: "ClusterSecretStore" }],
        selector: { secret: { name: "shared-source" } },
        data: [{ match: { secretKey: "token", remoteRef: { remoteKey: `${h.namespace}/from-cps` } } }],
      },
    },
  });
});
after(async () => {
  await h.custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1alpha1", plural: "clusterpushsecrets", name: cpsName }).catch(() => undefined);
  await h.custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clustersecretstores", name: storeName }).catch(() => undefined);
  for (const ns of namespaces) await ns.delete();
  await h?.stop();
});

describe("ClusterPushSecret", () => {
  test("a selected namespace gets a PushSecret it controls, which pushes", async () => {
    const a = namespaces[0]!.name;
    await waitUntil("provisioned in a", async () => JSON.stringify((await getCps()).status?.provisionedNamespaces) === JSON.stringify([a]), { timeoutMs: 15_000 });
    const ps = await pushSecretIn(a);
    assert.deepEqual(ps?.metadata.ownerReferences?.map((r) => `${r.kind}/${r.name}`), [`ClusterPushSecret/${cpsName}`]);
    await waitUntil("pushed from a", async () => Buffer.from((await h.value(`${h.namespace}/from-cps`))?.SecretBinary ?? []).toString("utf8") === `${CANARY}-${a}`, { timeoutMs: 15_000 });
    assert.equal((await getCps()).status?.pushSecretName, "shared");
  });

  test("labelling a namespace provisions it within seconds; unlabelling removes its PushSecret", async () => {
    const b = namespaces[1]!.name;
    await setLabel(b, "yes");
    await waitUntil("a PushSecret in b", async () => (await pushSecretIn(b)) !== undefined, { timeoutMs: 10_000 });
    await waitUntil("b provisioned", async () => ((await getCps()).status?.provisionedNamespaces ?? []).includes(b), { timeoutMs: 10_000 });
    await setLabel(b, null);
    await waitUntil("the PushSecret in b deleted", async () => (await pushSecretIn(b)) === undefined, { timeoutMs: 10_000 });
    await waitUntil("only a provisioned", async () => JSON.stringify((await getCps()).status?.provisionedNamespaces) === JSON.stringify([namespaces[0]!.name]), { timeoutMs: 10_000 });
  });

  test("a same-named PushSecret someone else made is reported in failedNamespaces and left alone", async () => {
    const c = namespaces[2]!.name;
    await h.custom.createNamespacedCustomObject({
      group: "external-secrets.io", version: "v1alpha1", namespace: c, plural: "pushsecrets",
      body: { apiVersion: "external-secrets.io/v1alpha1", kind: "PushSecret", metadata: { name: "shared", labels: { mine: "yes" } }, spec: { secretStoreRefs: [{ name: storeName, kind: "ClusterSecretStore" }], selector: { secret: { name: "shared-source" } }, data: [{ match: { secretKey: "token", remoteRef: { remoteKey: `${h.namespace}/mine` } } }] } },
    });
    await setLabel(c, "yes");
    await waitUntil("c failed", async () => ((await getCps()).status?.failedNamespaces ?? []).some((f) => f.namespace === c && f.reason === "push secret already exists in namespace"), { timeoutMs: 10_000 });
    const cps = await getCps();
    assert.equal(cps.status?.conditions?.find((x) => x.type === "Ready")?.status, "False");
    assert.deepEqual((await pushSecretIn(c))?.metadata.ownerReferences ?? [], []);
  });

  test("no canary value in logs, Events or status", async () => {
    assert.doesNotMatch(await h.observableText(), new RegExp(CANARY));
  });
});
