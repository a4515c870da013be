// PushSecret metadata `resourcePolicy` (ESO's newer AWS provider: blockPublicPolicy and a policy document
// from a ConfigMap or Secret of the PushSecret's namespace) on the real control plane and moto: the policy is
// put with the secret, re-checked with one read (no write when it matches), replaced when its source
// changes, removed when the metadata drops it; a missing source writes nothing. Canaries never leak.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { GetResourcePolicyCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { waitUntil } from "../../env/index.ts";
import { ready, startPush, type PushHarness, type PushSecretObject } from "./push-harness.ts";

const CANARY = `canary-${Date.now().toString(36)}-PsPol`;
const WRITES = ["CreateSecret", "PutSecretValue", "TagResource", "PutResourcePolicy", "DeleteResourcePolicy"];
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
let h: PushHarness;
let prefix: string;
const sm = new SecretsManagerClient({});

const synced = (ps: PushSecretObject) => ready(ps)?.status === "True" && ready(ps)?.reason === "Synced";
const writesIn = (counts: Record<string, number>) => WRITES.reduce((n, a) => n + (counts[a] ?? 0), 0);
const denyDelete = (sid: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Deny", Principal: "*", Action: "secretsmanager:DeleteSecret", Resource: "*" }] });
const metadata = (resourcePolicy?: Record<string, unknown>) => ({ apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata", spec: { ...(resourcePolicy ? { resourcePolicy } : {}) } });

function pushSecret(name: string, remoteKey: string, meta: unknown) {
  return {
    apiVersion: "external-secrets.io/v1alpha1",
    kind: "PushSecret",
    metadata: { name },
    spec: { refreshInterval: "1h", secretStoreRefs: [{ name: "aws" }], selector: { secret: { name: "src" } }, data: [{ match: { secretKey: "token", remoteRef: { remoteKey } }, metadata: meta }] },
  };
}

async function policyOf(name: string): Promise<unknown> {
  const out = await sm.send(new GetResourcePolicyCommand({ SecretId: name }));
  return out.ResourcePolicy ? JSON.parse(out.ResourcePolicy) : undefined;
}

/**
 * Waits until no AWS call has been made for a while: the source-Secret watch of a new namespace replays the
 * Secrets it lists, which may push (and read) once more right after the first sync; counts start after that.
 */
async function quiet(): Promise<void> {
  let last = -1;
  await waitUntil("no AWS call for 1.5 s", async () => {
    const now = Object.values(h.counts()).reduce((a, b) => a + b, 0);
    const still = now === last;
    last = now;
    return still;
  }, { timeoutMs: 20_000, intervalMs: 1_500 });
}

async function patchPushSecret(name: string, body: object): Promise<void> {
  await h.custom.patchNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: h.namespace, plural: "pushsecrets", name, body }, merge);
}

before(async () => {
  h = await startPush("push-pol");
  prefix = `${h.namespace}/`;
  await h.apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "aws" }, spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region } } } });
  await h.putSecret("src", { token: `${CANARY}-value` });
  await h.core.createNamespacedConfigMap({ namespace: h.namespace, body: { metadata: { name: "policies" }, data: { "deny.json": denyDelete("DenyDeleteV1") } } });
  // A policy kept in a Secret: its text is treated like a value (never logged).
  await h.core.createNamespacedSecret({ namespace: h.namespace, body: { metadata: { name: "policy-secret" }, stringData: { "p.json": denyDelete(`Sid${CANARY.replace(/[^A-Za-z0-9]/g, "")}`) } } });
});
after(async () => {
  await h?.stop();
});

describe("PushSecret metadata resourcePolicy (Secrets Manager)", () => {
  test("the policy from a ConfigMap is put with a new secret", async () => {
    await h.apply(pushSecret("pol", `${prefix}pol`, metadata({ blockPublicPolicy: true, policySourceRef: { kind: "ConfigMap", name: "policies", key: "deny.json" } })));
    await h.waitForPushSecret("pol", synced);
    assert.deepEqual(await policyOf(`${prefix}pol`), JSON.parse(denyDelete("DenyDeleteV1")));
  });

  test("a re-check with an unchanged value and policy reads once and writes nothing (counted)", async () => {
    await quiet();
    const before = await h.pushSecret("pol");
    h.aws.resetCounts();
    await patchPushSecret("pol", { metadata: { annotations: { touch: "1" } } });
    await h.waitForPushSecret("pol", (ps) => ps.status?.syncedResourceVersion !== before?.status?.syncedResourceVersion);
    const counts = h.counts();
    assert.equal(writesIn(counts), 0, JSON.stringify(counts));
    assert.deepEqual(counts, { DescribeSecret: 1, GetSecretValue: 1, GetResourcePolicy: 1 });
  });

  test("a changed policy source is put at the next push; the value is not rewritten", async () => {
    await h.core.patchNamespacedConfigMap({ namespace: h.namespace, name: "policies", body: { data: { "deny.json": denyDelete("DenyDeleteV2") } } }, merge);
    h.aws.resetCounts();
    await patchPushSecret("pol", { metadata: { annotations: { touch: "2" } } });
    await waitUntil("the new policy", async () => JSON.stringify(await policyOf(`${prefix}pol`)) === JSON.stringify(JSON.parse(denyDelete("DenyDeleteV2"))), { timeoutMs: 30_000 });
    const counts = h.counts();
    assert.equal(counts.PutResourcePolicy, 1);
    assert.equal(counts.PutSecretValue ?? 0, 0);
  });

  test("metadata without resourcePolicy any more: the policy Ferry set is removed", async () => {
    const ps = (await h.pushSecret("pol"))!;
    const spec = structuredClone(ps.spec) as { data: Array<{ metadata: unknown }> };
    spec.data[0]!.metadata = metadata();
    await patchPushSecret("pol", { spec: { data: spec.data } });
    await waitUntil("no policy", async () => (await policyOf(`${prefix}pol`)) === undefined, { timeoutMs: 30_000 });
  });

  test("a policy from a Secret; a missing source is a clear condition and nothing is created", async () => {
    await h.apply(pushSecret("pol-secret", `${prefix}pol-secret`, metadata({ policySourceRef: { kind: "Secret", name: "policy-secret", key: "p.json" } })));
    await h.waitForPushSecret("pol-secret", synced);
    assert.ok(JSON.stringify(await policyOf(`${prefix}pol-secret`)).includes("Sid"));

    await h.apply(pushSecret("pol-missing", `${prefix}pol-missing`, metadata({ policySourceRef: { kind: "Secret", name: "nope", key: "p.json" } })));
    const ps = await h.waitForPushSecret("pol-missing", (p) => ready(p)?.reason === "Errored");
    assert.match(ready(ps)?.message ?? "", new RegExp(`failed to resolve resource policy: failed to get Secret ${h.namespace}/nope: not found`));
    assert.equal(await h.describe(`${prefix}pol-missing`), undefined, "the secret is not created without its policy");
  });

  test("no canary (value or policy from a Secret) in logs, Events or status", async () => {
    const observed = await h.observableText();
    assert.ok(observed.length > 0);
    assert.equal(observed.includes(CANARY), false);
    assert.equal(observed.includes(CANARY.replace(/[^A-Za-z0-9]/g, "")), false);
  });
});
