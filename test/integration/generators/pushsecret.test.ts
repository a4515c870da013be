// PushSecret.spec.selector.generatorRef on the real control plane + moto: ESO's database-password bootstrap
// (a Password pushed to Secrets Manager once, updatePolicy IfNotExists), a generator pushed with a template,
// a broken generator reported without pushing, and no generated value in logs, Events or status.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { waitUntil } from "../../env/index.ts";
import { ready, startPush, type PushHarness } from "../pushsecret/push-harness.ts";

const GEN = "generators.external-secrets.io/v1alpha1";
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
let h: PushHarness;
const generated = new Set<string>();

const text = async (name: string) => {
  const v = await h.value(name);
  return v?.SecretString ?? Buffer.from(v?.SecretBinary ?? []).toString("utf8");
};

before(async () => {
  h = await startPush("push-gen");
  await h.apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "aws", namespace: h.namespace }, spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region } } } });
  await h.apply({ apiVersion: GEN, kind: "Password", metadata: { name: "db", namespace: h.namespace }, spec: { length: 32, symbols: 0 } });
});
after(async () => {
  await h?.stop();
});

describe("PushSecret from a generator", () => {
  test("a Password lands in Secrets Manager once and stays (updatePolicy IfNotExists)", async () => {
    const remote = `${h.namespace}/db-password`;
    await h.apply({
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "db", namespace: h.namespace },
      spec: {
        refreshInterval: "2s",
        updatePolicy: "IfNotExists",
        secretStoreRefs: [{ name: "aws", kind: "SecretStore" }],
        selector: { generatorRef: { apiVersion: GEN, kind: "Password", name: "db" } },
        data: [{ match: { secretKey: "password", remoteRef: { remoteKey: remote } } }],
      },
    });
    await h.waitForPushSecret("db", (ps) => ready(ps)?.status === "True", 60_000);
    const first = await text(remote);
    assert.equal(first.length, 32);
    assert.match(first, /^[a-zA-Z0-9]+$/);
    generated.add(first);
    // Several refresh intervals later the generator has run again, and the pushed value is unchanged.
    await new Promise((r) => setTimeout(r, 5_000));
    assert.equal(await text(remote), first);
    assert.equal(ready(await h.pushSecret("db"))?.status, "True");
  });

  test("the generated keys go through the template like a source Secret's", async () => {
    const remote = `${h.namespace}/db-dsn`;
    await h.apply({
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "dsn", namespace: h.namespace },
      spec: {
        refreshInterval: "0",
        secretStoreRefs: [{ name: "aws", kind: "SecretStore" }],
        selector: { generatorRef: { apiVersion: GEN, kind: "Password", name: "db" } },
        template: { data: { dsn: "postgres://app:{{ .password }}@db:5432/app" } },
        data: [{ match: { secretKey: "dsn", remoteRef: { remoteKey: remote } } }],
      },
    });
    await h.waitForPushSecret("dsn", (ps) => ready(ps)?.status === "True", 60_000);
    const dsn = await text(remote);
    const m = /^postgres:\/\/app:([a-zA-Z0-9]{32})@db:5432\/app$/.exec(dsn);
    assert.ok(m, "templated");
    generated.add(m[1]!);
  });

  test("a broken generator is reported and nothing is pushed", async () => {
    await h.apply({ apiVersion: GEN, kind: "Password", metadata: { name: "bad", namespace: h.namespace }, spec: { length: 8, digits: 9 } });
    await h.apply({
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "bad", namespace: h.namespace },
      spec: {
        secretStoreRefs: [{ name: "aws", kind: "SecretStore" }],
        selector: { generatorRef: { apiVersion: GEN, kind: "Password", name: "bad" } },
        data: [{ match: { secretKey: "password", remoteRef: { remoteKey: `${h.namespace}/never` } } }],
      },
    });
    const ps = await h.waitForPushSecret("bad", (p) => ready(p)?.status === "False", 60_000);
    assert.equal(ready(ps)?.message, "could not resolve secret from generator ref Password/bad: number of digits and symbols must be less than total length");
    assert.equal(await h.value(`${h.namespace}/never`), undefined);
    // Fixed, it pushes.
    await h.custom.patchNamespacedCustomObject({ group: "generators.external-secrets.io", version: "v1alpha1", namespace: h.namespace, plural: "passwords", name: "bad", body: { spec: { digits: 2 } } }, merge);
    await h.custom.patchNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: h.namespace, plural: "pushsecrets", name: "bad", body: { metadata: { annotations: { retry: "1" } } } }, merge);
    await h.waitForPushSecret("bad", (p) => ready(p)?.status === "True", 60_000);
    generated.add(await text(`${h.namespace}/never`));
  });

  test("a generator kind Ferry does not run is refused with a condition and a Warning Event, and nothing is pushed", async () => {
    await h.apply({
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "webhook", namespace: h.namespace },
      spec: {
        secretStoreRefs: [{ name: "aws", kind: "SecretStore" }],
        selector: { generatorRef: { apiVersion: GEN, kind: "Webhook", name: "token" } },
        data: [{ match: { secretKey: "token", remoteRef: { remoteKey: `${h.namespace}/webhook` } } }],
      },
    });
    const message = "spec.selector.generatorRef: generatorRef kind Webhook is not supported by Ferry (supported: ECRAuthorizationToken, STSSessionToken, Password, UUID, ClusterGenerator)";
    const ps = await h.waitForPushSecret("webhook", (p) => ready(p)?.status === "False", 60_000);
    assert.equal(ready(ps)?.message, message);
    await waitUntil("a Warning Event", async () => {
      const events = await h.core.listNamespacedEvent({ namespace: h.namespace, fieldSelector: "involvedObject.name=webhook" });
      return events.items.some((e) => e.type === "Warning" && e.message === message);
    }, { timeoutMs: 10_000 });
    assert.equal(await h.value(`${h.namespace}/webhook`), undefined);
  });

  test("no generated value in logs, Events or status", async () => {
    const seen = await h.observableText();
    assert.deepEqual([...generated].filter((v) => seen.includes(v)), []);
  });
});
