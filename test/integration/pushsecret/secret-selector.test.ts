// PushSecret `selector.secret.selector` on the real control plane and moto: every Secret of the namespace
// with the labels is pushed, as ESO does (in name order, so for the same remote key the last Secret's value
// stays), but the final value is written once; labelling or unlabelling a Secret is pushed within seconds;
// a selected Secret without a `data[]` key is named in the condition. Canaries never leak.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type * as k8s from "@kubernetes/client-node";
import { waitUntil } from "../../env/index.ts";
import { ready, startPush, type PushHarness, type PushSecretObject } from "./push-harness.ts";

const CANARY = `canary-${Date.now().toString(36)}-PsSel`;
const WRITES = ["CreateSecret", "PutSecretValue", "TagResource", "DeleteSecret"];
let h: PushHarness;
let prefix: string;

const synced = (ps: PushSecretObject) => ready(ps)?.status === "True" && ready(ps)?.reason === "Synced";
const text = (v: { SecretBinary?: Uint8Array | undefined; SecretString?: string | undefined } | undefined) => v?.SecretString ?? Buffer.from(v?.SecretBinary ?? []).toString("utf8");
const writesIn = (counts: Record<string, number>) => WRITES.reduce((n, a) => n + (counts[a] ?? 0), 0);

async function labelledSecret(name: string, labels: Record<string, string>, data: Record<string, string>): Promise<void> {
  const body: k8s.V1Secret = { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: h.namespace, labels }, stringData: data };
  try {
    const existing = await h.core.readNamespacedSecret({ namespace: h.namespace, name });
    await h.core.replaceNamespacedSecret({ namespace: h.namespace, name, body: { ...body, metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion ?? "" } } });
  } catch (err) {
    if ((err as { code?: number }).code !== 404) throw err;
    await h.core.createNamespacedSecret({ namespace: h.namespace, body });
  }
}

function selectorPush(name: string, labels: Record<string, string>, spec: Record<string, unknown>) {
  return {
    apiVersion: "external-secrets.io/v1alpha1",
    kind: "PushSecret",
    metadata: { name },
    spec: { refreshInterval: "1h", secretStoreRefs: [{ name: "aws", kind: "SecretStore" }], selector: { secret: { selector: { matchLabels: labels } } }, ...spec },
  };
}

before(async () => {
  h = await startPush("push-sel");
  prefix = `${h.namespace}/`;
  await h.apply({
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: "aws" },
    spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region } } },
  });
});
after(async () => {
  await h?.stop();
});

describe("PushSecret selector.secret.selector", () => {
  test("data[]: every selected Secret pushes the same remote key; the last by name stays (ESO's order), written once", async () => {
    await labelledSecret("tls-a", { push: "tls" }, { token: `${CANARY}-a` });
    await labelledSecret("tls-b", { push: "tls" }, { token: `${CANARY}-b` });
    await labelledSecret("tls-other", { push: "no" }, { token: `${CANARY}-other` });
    h.aws.resetCounts();
    await h.apply(selectorPush("by-label", { push: "tls" }, { data: [{ match: { secretKey: "token", remoteRef: { remoteKey: `${prefix}tls` } } }] }));
    const ps = await h.waitForPushSecret("by-label", synced);
    assert.deepEqual(Object.keys(ps.status?.syncedPushSecrets?.["SecretStore/aws"] ?? {}), [`${prefix}tls`]);
    assert.equal(text(await h.value(`${prefix}tls`)), `${CANARY}-b`);
    // One version for two Secrets (ESO: a create, then a put of the other value). The watch of a namespace's
    // Secrets replays them when it starts, which may repeat the create with the same content-derived token:
    // AWS takes that as the same write, so it adds no version.
    const counts = h.counts();
    assert.equal(counts.PutSecretValue ?? 0, 0, JSON.stringify(counts));
    assert.equal(Object.keys((await h.describe(`${prefix}tls`))?.VersionIdsToStages ?? {}).length, 1, `one version: ${JSON.stringify(counts)}`);
  });

  test("a newly labelled Secret is pushed within seconds; its removal from the selection too", async () => {
    // tls-c sorts last: its value becomes the pushed one.
    await labelledSecret("tls-c", { push: "tls" }, { token: `${CANARY}-c` });
    await waitUntil("tls-c's value in AWS", async () => text(await h.value(`${prefix}tls`)) === `${CANARY}-c`, { timeoutMs: 10_000 });
    await labelledSecret("tls-c", { push: "no" }, { token: `${CANARY}-c` });
    await waitUntil("back to tls-b's value", async () => text(await h.value(`${prefix}tls`)) === `${CANARY}-b`, { timeoutMs: 10_000 });
    // One scoped Secret watch per namespace that has PushSecrets: this file's, plus any an earlier test file on the
    // same control plane left behind (a namespace still terminating keeps its PushSecrets for a while).
    const listed = (await h.custom.listClusterCustomObject({ group: "external-secrets.io", version: "v1alpha1", plural: "pushsecrets" })) as { items: Array<{ metadata?: { namespace?: string } }> };
    const withPushSecrets = new Set(listed.items.map((p) => p.metadata?.namespace));
    assert.ok(withPushSecrets.has(h.namespace));
    assert.equal(h.manager.sources.size.namespaces, withPushSecrets.size, "one scoped Secret watch per namespace with PushSecrets, none for others");
  });

  test("dataTo: the keys of every selected Secret, each to its own remote secret", async () => {
    await labelledSecret("cfg-1", { bundle: "x" }, { alpha: `${CANARY}-alpha` });
    await labelledSecret("cfg-2", { bundle: "x" }, { beta: `${CANARY}-beta` });
    await h.apply(
      selectorPush("bundle", { bundle: "x" }, {
        dataTo: [{ storeRef: { name: "aws" }, rewrite: [{ regexp: { source: "^(.*)$", target: `${prefix}bundle-$1` } }] }],
      }),
    );
    const ps = await h.waitForPushSecret("bundle", synced);
    assert.deepEqual(Object.keys(ps.status?.syncedPushSecrets?.["SecretStore/aws"] ?? {}).sort(), [`${prefix}bundle-alpha`, `${prefix}bundle-beta`]);
    assert.equal(text(await h.value(`${prefix}bundle-alpha`)), `${CANARY}-alpha`);
    assert.equal(text(await h.value(`${prefix}bundle-beta`)), `${CANARY}-beta`);
  });

  test("a selected Secret without a data[] key: the condition names it, nothing is written", async () => {
    await labelledSecret("k-1", { keyed: "y" }, { token: `${CANARY}-k1` });
    await labelledSecret("k-2", { keyed: "y" }, { other: `${CANARY}-k2` });
    const before = writesIn(h.counts());
    await h.apply(selectorPush("missing", { keyed: "y" }, { data: [{ match: { secretKey: "token", remoteRef: { remoteKey: `${prefix}missing` } } }] }));
    const ps = await h.waitForPushSecret("missing", (p) => ready(p)?.reason === "Errored");
    assert.equal(ready(ps)?.message, "set secret failed: Secret k-2: secret key token does not exist");
    assert.equal(writesIn(h.counts()), before);
    assert.equal(await h.describe(`${prefix}missing`), undefined);
  });

  test("no selected Secret left: what was pushed is kept and the condition says so", async () => {
    await labelledSecret("solo", { solo: "1" }, { token: `${CANARY}-solo` });
    await h.apply(selectorPush("solo", { solo: "1" }, { deletionPolicy: "Delete", data: [{ match: { secretKey: "token", remoteRef: { remoteKey: `${prefix}solo` } } }] }));
    await h.waitForPushSecret("solo", synced);
    await labelledSecret("solo", {}, { token: `${CANARY}-solo` });
    const ps = await h.waitForPushSecret("solo", (p) => ready(p)?.reason === "SourceDeleted");
    assert.match(ready(ps)?.message ?? "", /no Secret matches selector\.secret\.selector; values already pushed are kept/);
    assert.deepEqual(Object.keys(ps.status?.syncedPushSecrets?.["SecretStore/aws"] ?? {}), [`${prefix}solo`]);
    assert.equal((await h.describe(`${prefix}solo`))?.DeletedDate, undefined);
  });

  test("no canary value in logs, Events or status", async () => {
    const observed = await h.observableText();
    assert.ok(observed.length > 0);
    assert.equal(observed.includes(CANARY), false, "a canary leaked");
  });
});
