// PushSecret to Secrets Manager on the real control plane and moto: ESO's bytes (SecretBinary by default,
// managed-by tag, ESO's description), a source change pushed within seconds, no write when nothing changed,
// an unmanaged secret refused, property pushes into a JSON secret, deletion and update policies. Canary
// values are planted everywhere and must never show up in logs, Events or status.
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import assert from "node:assert/strict";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { waitUntil } from "../../env/index.ts";
import { ready, startPush, type PushHarness, type PushSecretObject } from "./push-harness.ts";

const CANARY = `canary-${Date.now().toString(36)}-PsSm`;
const WRITES = ["CreateSecret", "PutSecretValue", "TagResource", "UntagResource", "DeleteSecret", "RestoreSecret"];
/** What pushing a secret that does not exist yet costs (counted for its id at the proxy). */
const ONE_PUSH_OF_A_NEW_SECRET = { CreateSecret: 1, DescribeSecret: 1, GetSecretValue: 1 };
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
let h: PushHarness;
let prefix: string;

function pushSecret(name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: "external-secrets.io/v1alpha1",
    kind: "PushSecret",
    metadata: { name },
    spec: { refreshInterval: "1h", secretStoreRefs: [{ name: "aws", kind: "SecretStore" }], selector: { secret: { name } }, ...spec },
  };
}
const entry = (secretKey: string, remoteKey: string, extra: Record<string, unknown> = {}) => ({ match: { secretKey, remoteRef: { remoteKey, ...extra } } });
const synced = (ps: PushSecretObject) => ready(ps)?.status === "True" && ready(ps)?.reason === "Synced";
const writesIn = (counts: Record<string, number>) => WRITES.reduce((n, a) => n + (counts[a] ?? 0), 0);
const tagsOf = (d: { Tags?: Array<{ Key?: string | undefined; Value?: string | undefined }> | undefined } | undefined) => Object.fromEntries((d?.Tags ?? []).map((t): [string, string] => [t.Key ?? "", t.Value ?? ""]));

before(async () => {
  h = await startPush("push-sm");
  prefix = `${h.namespace}/`;
  await h.apply({
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: "aws" },
    spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region, secretsManager: { recoveryWindowInDays: 7 } } } },
  });
});
after(async () => {
  await h?.stop();
});

describe("PushSecret → Secrets Manager", () => {
  test("creates the secret as ESO does: SecretBinary, managed-by tag, ESO's description; status records it", async () => {
    await h.putSecret("app", { token: `${CANARY}-1` });
    await h.apply(pushSecret("app", { data: [entry("token", `${prefix}app-token`)] }));
    const ps = await h.waitForPushSecret("app", synced);
    assert.equal(ready(ps)?.message, "PushSecret synced successfully");
    assert.deepEqual(Object.keys(ps.status?.syncedPushSecrets ?? {}), ["SecretStore/aws"]);
    assert.deepEqual(Object.keys(ps.status!.syncedPushSecrets!["SecretStore/aws"]!), [`${prefix}app-token`]);
    const value = await h.value(`${prefix}app-token`);
    assert.equal(value?.SecretString, undefined, "binary by default");
    assert.equal(Buffer.from(value!.SecretBinary!).toString("utf8"), `${CANARY}-1`);
    const described = await h.describe(`${prefix}app-token`);
    assert.deepEqual(tagsOf(described), { "managed-by": "external-secrets" });
    assert.equal(described?.Description, "secret 'managed-by:external-secrets'");
  });

  test("the namespace's first PushSecret is pushed once: the Secrets its new source watch lists are not changes", async () => {
    // The test above made this namespace's first PushSecret, which started the namespace's Secret watch; the
    // watch's first LIST (with the source Secret in it) must not reconcile it again (one more DescribeSecret
    // and GetSecretValue). Quiet for a while after Synced: a second reconcile would have run by then.
    await sleep(2_000);
    assert.deepEqual(h.aws.countsFor([`${prefix}app-token`]), ONE_PUSH_OF_A_NEW_SECRET);
  });

  test("a change of the source Secret is pushed within seconds (refreshInterval is 1h)", async () => {
    await h.putSecret("app", { token: `${CANARY}-2` });
    await waitUntil("the new value in AWS", async () => Buffer.from((await h.value(`${prefix}app-token`))?.SecretBinary ?? []).toString("utf8") === `${CANARY}-2`, { timeoutMs: 10_000 });
  });

  test("nothing is written when the remote value already matches (counted at the proxy)", async () => {
    const before = await h.pushSecret("app");
    const versions = Object.keys((await h.describe(`${prefix}app-token`))?.VersionIdsToStages ?? {}).length;
    h.aws.resetCounts();
    // An annotation change makes the controller push again (and record a new syncedResourceVersion).
    await h.custom.patchNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: h.namespace, plural: "pushsecrets", name: "app", body: { metadata: { annotations: { touch: "1" } } } }, merge);
    await h.waitForPushSecret("app", (ps) => ps.status?.syncedResourceVersion !== before?.status?.syncedResourceVersion);
    const counts = h.counts();
    assert.equal(writesIn(counts), 0, `no write call: ${JSON.stringify(counts)}`);
    assert.deepEqual(counts, { DescribeSecret: 1, GetSecretValue: 1 });
    assert.equal(Object.keys((await h.describe(`${prefix}app-token`))?.VersionIdsToStages ?? {}).length, versions, "no new version");
  });

  test("a secret without the managed-by tag is refused with a clear condition and left untouched", async () => {
    const sm = new SecretsManagerClient({});
    await sm.send(new CreateSecretCommand({ Name: `${prefix}foreign`, SecretString: "theirs" }));
    await h.putSecret("foreign", { token: `${CANARY}-foreign` });
    await h.apply(pushSecret("foreign", { data: [entry("token", `${prefix}foreign`)] }));
    const ps = await h.waitForPushSecret("foreign", (p) => ready(p)?.status === "False");
    assert.equal(ready(ps)?.reason, "Errored");
    assert.match(ready(ps)?.message ?? "", new RegExp(`could not write remote ref token to target secretstore aws: secret "${prefix}foreign": secret not managed by external-secrets`));
    assert.equal((await h.value(`${prefix}foreign`))?.SecretString, "theirs");
  });

  test("property writes into one key of a JSON secret; dotted paths nest", async () => {
    await h.putSecret("db", { user: `${CANARY}-user`, password: `${CANARY}-pw` });
    await h.apply(pushSecret("db", {
      data: [entry("user", `${prefix}db`, { property: "user" }), entry("password", `${prefix}db`, { property: "auth.password" })],
      // ESO's metadata selecting SecretString.
      ...{},
    }));
    await h.waitForPushSecret("db", synced);
    const value = await h.value(`${prefix}db`);
    assert.equal(Buffer.from(value!.SecretBinary!).toString("utf8"), `{"user":"${CANARY}-user","auth":{"password":"${CANARY}-pw"}}`);
    const ps = await h.pushSecret("db");
    assert.deepEqual(Object.keys(ps!.status!.syncedPushSecrets!["SecretStore/aws"]!).sort(), [`${prefix}db/auth.password`, `${prefix}db/user`]);
  });

  test("secretPushFormat: string writes SecretString; a changed property keeps the other keys in place", async () => {
    await h.putSecret("cfg", { a: `${CANARY}-a`, b: `${CANARY}-b` });
    const metadata = { apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata", spec: { secretPushFormat: "string", tags: { team: "x" } } };
    await h.apply(pushSecret("cfg", { data: [{ ...entry("a", `${prefix}cfg`, { property: "a" }), metadata }, { ...entry("b", `${prefix}cfg`, { property: "b" }), metadata }] }));
    await h.waitForPushSecret("cfg", synced);
    assert.equal((await h.value(`${prefix}cfg`))?.SecretString, `{"a":"${CANARY}-a","b":"${CANARY}-b"}`);
    assert.deepEqual(tagsOf(await h.describe(`${prefix}cfg`)), { "managed-by": "external-secrets", team: "x" });
    await h.putSecret("cfg", { a: `${CANARY}-a2`, b: `${CANARY}-b` });
    await waitUntil("a updated in place", async () => (await h.value(`${prefix}cfg`))?.SecretString === `{"a":"${CANARY}-a2","b":"${CANARY}-b"}`, { timeoutMs: 10_000 });
  });

  test("updatePolicy IfNotExists leaves an existing secret as it is", async () => {
    const sm = new SecretsManagerClient({});
    await sm.send(new CreateSecretCommand({ Name: `${prefix}keep`, SecretString: "original" }));
    await h.putSecret("keep", { k: `${CANARY}-keep`, n: `${CANARY}-new` });
    await h.apply(pushSecret("keep", { updatePolicy: "IfNotExists", data: [entry("k", `${prefix}keep`), entry("n", `${prefix}keep-new`)] }));
    const ps = await h.waitForPushSecret("keep", synced);
    assert.equal(ready(ps)?.message, "PushSecret synced successfully. Existing secrets in providers unchanged.");
    assert.equal((await h.value(`${prefix}keep`))?.SecretString, "original");
    assert.equal(Buffer.from((await h.value(`${prefix}keep-new`))!.SecretBinary!).toString("utf8"), `${CANARY}-new`);
  });

  test("template.data is rendered by ESO's engine on a copy; the source Secret is not modified", async () => {
    await h.putSecret("tpl", { user: `${CANARY}-tu`, pass: `${CANARY}-tp` });
    const before = await h.core.readNamespacedSecret({ namespace: h.namespace, name: "tpl" });
    await h.apply(pushSecret("tpl", {
      template: { data: { dsn: "postgres://{{ .user }}:{{ .pass }}@db/app" } },
      data: [entry("dsn", `${prefix}tpl-dsn`), entry("user", `${prefix}tpl-user`)],
    }));
    // The first push through the template engine starts it (wasm compile): slow on a saturated machine.
    await h.waitForPushSecret("tpl", synced, 90_000);
    assert.equal(Buffer.from((await h.value(`${prefix}tpl-dsn`))!.SecretBinary!).toString("utf8"), `postgres://${CANARY}-tu:${CANARY}-tp@db/app`);
    assert.equal(Buffer.from((await h.value(`${prefix}tpl-user`))!.SecretBinary!).toString("utf8"), `${CANARY}-tu`, "keys not templated keep their values");
    const after = await h.core.readNamespacedSecret({ namespace: h.namespace, name: "tpl" });
    assert.deepEqual(after.data, before.data);
    assert.equal(after.metadata?.resourceVersion, before.metadata?.resourceVersion);
  });

  test("template.templateFrom literal is rendered before template.data, on a copy", async () => {
    await h.putSecret("tplfrom", { user: `${CANARY}-fu` });
    await h.apply(pushSecret("tplfrom", {
      template: { templateFrom: [{ literal: "conn: 'db://{{ .user }}@host'", target: "Data" }] },
      data: [entry("conn", `${prefix}tplfrom-conn`)],
    }));
    await h.waitForPushSecret("tplfrom", synced, 60_000);
    assert.equal(Buffer.from((await h.value(`${prefix}tplfrom-conn`))!.SecretBinary!).toString("utf8"), `db://${CANARY}-fu@host`);
    assert.equal((await h.core.readNamespacedSecret({ namespace: h.namespace, name: "tplfrom" })).data?.conn, undefined, "the source Secret is not modified");
  });

  test("template.templateFrom from a ConfigMap of the namespace; a missing one is ESO's error, nothing pushed", async () => {
    await h.putSecret("tplcm", { user: `${CANARY}-cu` });
    await h.core.createNamespacedConfigMap({ namespace: h.namespace, body: { metadata: { name: "push-templates" }, data: { url: "https://{{ .user }}@svc" } } });
    await h.apply(pushSecret("tplcm", {
      template: { templateFrom: [{ configMap: { name: "push-templates", items: [{ key: "url", templateAs: "Values" }] }, target: "Data" }] },
      data: [entry("url", `${prefix}tplcm-url`)],
    }));
    await h.waitForPushSecret("tplcm", synced);
    assert.equal(Buffer.from((await h.value(`${prefix}tplcm-url`))!.SecretBinary!).toString("utf8"), `https://${CANARY}-cu@svc`);

    await h.putSecret("tplcm-missing", { user: `${CANARY}-cm` });
    await h.apply(pushSecret("tplcm-missing", {
      template: { templateFrom: [{ configMap: { name: "no-such-templates", items: [{ key: "url", templateAs: "Values" }] }, target: "Data" }] },
      data: [entry("url", `${prefix}tplcm-missing`)],
    }));
    const ps = await h.waitForPushSecret("tplcm-missing", (p) => ready(p)?.reason === "Errored");
    assert.equal(ready(ps)?.message, 'error fetching templateFrom data: configmaps "no-such-templates" not found');
    assert.equal(await h.describe(`${prefix}tplcm-missing`), undefined);
  });

  test("dataTo rewrite.transform renames keys through ESO's engine", async () => {
    await h.putSecret("xform", { alpha: `${CANARY}-xa`, beta: `${CANARY}-xb` });
    await h.apply(pushSecret("xform", {
      dataTo: [{ storeRef: { name: "aws" }, match: { regexp: "^alpha$" }, rewrite: [{ transform: { template: `${prefix}xform-{{ .value | upper }}` } }] }],
    }));
    const ps = await h.waitForPushSecret("xform", synced);
    assert.deepEqual(Object.keys(ps.status?.syncedPushSecrets?.["SecretStore/aws"] ?? {}), [`${prefix}xform-ALPHA`]);
    assert.equal(Buffer.from((await h.value(`${prefix}xform-ALPHA`))!.SecretBinary!).toString("utf8"), `${CANARY}-xa`);
  });

  test("a failing template is a clear condition without values, and nothing is pushed", async () => {
    await h.putSecret("badtpl", { v: `${CANARY}-bad` });
    await h.apply(pushSecret("badtpl", { template: { data: { out: '{{ fail (printf "boom %s" .v) }}' } }, data: [entry("out", `${prefix}badtpl`)] }));
    const ps = await h.waitForPushSecret("badtpl", (p) => ready(p)?.status === "False");
    assert.equal(ready(ps)?.reason, "Errored");
    assert.match(ready(ps)?.message ?? "", /could not execute template/);
    assert.doesNotMatch(ready(ps)?.message ?? "", new RegExp(CANARY));
    assert.equal(await h.describe(`${prefix}badtpl`), undefined);
  });

  test("a deleted source Secret is reported (SourceDeleted) and nothing remote is deleted", async () => {
    await h.putSecret("gone", { v: `${CANARY}-gone` });
    await h.apply(pushSecret("gone", { deletionPolicy: "Delete", data: [entry("v", `${prefix}gone`)] }));
    await h.waitForPushSecret("gone", synced);
    await h.core.deleteNamespacedSecret({ namespace: h.namespace, name: "gone" });
    const ps = await h.waitForPushSecret("gone", (p) => ready(p)?.reason === "SourceDeleted", 10_000);
    assert.equal(ready(ps)?.status, "False");
    assert.equal((await h.describe(`${prefix}gone`))?.DeletedDate, undefined);
  });
});

describe("deletionPolicy", () => {
  test("Delete: an entry removed from the spec is deleted with the store's recovery window; deleting the PushSecret deletes the rest", async () => {
    await h.putSecret("del", { a: `${CANARY}-da`, b: `${CANARY}-db` });
    await h.apply(pushSecret("del", { deletionPolicy: "Delete", data: [entry("a", `${prefix}del-a`), entry("b", `${prefix}del-b`)] }));
    const ps = await h.waitForPushSecret("del", (p) => synced(p) && (p.metadata.finalizers ?? []).includes("pushsecret.externalsecrets.io/finalizer"));
    assert.ok(ps);
    await h.custom.patchNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: h.namespace, plural: "pushsecrets", name: "del", body: { spec: { data: [entry("a", `${prefix}del-a`)] } } }, merge);
    await waitUntil("del-b scheduled for deletion", async () => (await h.describe(`${prefix}del-b`))?.DeletedDate !== undefined, { timeoutMs: 10_000 });
    // The store's recovery window (7 days), as ESO passes RecoveryWindowInDays from spec.provider.aws.secretsManager.
    const line = h.logs.map((l) => JSON.parse(l) as { msg: string; remoteKey?: string; deletionDate?: string }).find((l) => l.msg === "deleted what the PushSecret no longer pushes" && l.remoteKey === `${prefix}del-b`);
    const days = (Date.parse(line!.deletionDate!) - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, `recovery window ${days} days`);
    assert.equal((await h.describe(`${prefix}del-a`))?.DeletedDate, undefined, "the entry still pushed stays");
    await h.waitForPushSecret("del", (p) => Object.keys(p.status?.syncedPushSecrets?.["SecretStore/aws"] ?? {}).join() === `${prefix}del-a`);

    await h.custom.deleteNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: h.namespace, plural: "pushsecrets", name: "del" });
    await waitUntil("the PushSecret gone", async () => (await h.pushSecret("del")) === undefined, { timeoutMs: 10_000 });
    assert.notEqual((await h.describe(`${prefix}del-a`))?.DeletedDate, undefined, "deleted with the PushSecret");
  });

  test("Delete never deletes a secret it does not manage", async () => {
    const sm = new SecretsManagerClient({});
    await sm.send(new CreateSecretCommand({ Name: `${prefix}not-mine`, SecretString: "theirs" }));
    await h.putSecret("careful", { v: `${CANARY}-careful` });
    await h.apply(pushSecret("careful", { deletionPolicy: "Delete", updatePolicy: "IfNotExists", data: [entry("v", `${prefix}not-mine`)] }));
    await h.waitForPushSecret("careful", synced);
    await h.custom.deleteNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: h.namespace, plural: "pushsecrets", name: "careful" });
    await waitUntil("the PushSecret gone", async () => (await h.pushSecret("careful")) === undefined, { timeoutMs: 10_000 });
    const described = await h.describe(`${prefix}not-mine`);
    assert.equal(described?.DeletedDate, undefined);
    assert.equal((await h.value(`${prefix}not-mine`))?.SecretString, "theirs");
  });

  test("None (the default): deleting the PushSecret keeps the remote secret", async () => {
    await h.putSecret("keepit", { v: `${CANARY}-keepit` });
    await h.apply(pushSecret("keepit", { data: [entry("v", `${prefix}keepit`)] }));
    await h.waitForPushSecret("keepit", synced);
    await h.custom.deleteNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: h.namespace, plural: "pushsecrets", name: "keepit" });
    await waitUntil("the PushSecret gone", async () => (await h.pushSecret("keepit")) === undefined, { timeoutMs: 10_000 });
    assert.equal((await h.describe(`${prefix}keepit`))?.DeletedDate, undefined);
  });
});

describe("secrets never leak", () => {
  test("no canary value in logs, Events or PushSecret status", async () => {
    const text = await h.observableText();
    assert.ok(text.length > 0);
    assert.doesNotMatch(text, new RegExp(CANARY));
  });
});
