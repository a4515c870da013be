// generators.external-secrets.io on the real control plane + moto, with ESO users' manifests: an ECR token
// templated into a kubernetes.io/dockerconfigjson pull secret and renewed before it expires, STS session
// credentials, Passwords with each option (stable under CreatedOnce across a controller restart), a
// ClusterGenerator used from two namespaces, a broken generator that disturbs nothing else, and a canary scan
// of everything a person can see.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { TestEnvironment, waitUntil, type FaultProxy } from "../../env/index.ts";
import { decode, readyCondition, startSync, type SyncHarness } from "../sync/sync-harness.ts";

const GEN = { group: "generators.external-secrets.io", version: "v1alpha1" };
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
const RENEW_MIN_MS = 3_000;

let h: SyncHarness;
let proxy: FaultProxy;
/** Logs of controllers stopped during the file (the restart test), kept for the canary scan. */
const earlierLogs: string[] = [];
let ns: { name: string; delete: () => Promise<void> };
let other: { name: string; delete: () => Promise<void> };
let clusterGenerator: string;
/** Every generated value seen, for the canary scan at the end. */
const generatedValues = new Set<string>();

const generator = (kind: string, name: string, spec: Record<string, unknown> | undefined) => ({ apiVersion: `${GEN.group}/${GEN.version}`, kind, metadata: { name }, ...(spec ? { spec } : {}) });
const generatorRef = (kind: string, name: string) => ({ apiVersion: `${GEN.group}/${GEN.version}`, kind, name });
function externalSecret(name: string, spec: Record<string, unknown>) {
  return { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name }, spec: { refreshInterval: "1h", ...spec } };
}
const fromGenerator = (kind: string, name: string, extra: Record<string, unknown> = {}) => ({ dataFrom: [{ sourceRef: { generatorRef: generatorRef(kind, name) } }], ...extra });
async function secretData(namespace: string, name: string): Promise<Record<string, string>> {
  const s = await h.waitForSecret(namespace, name);
  const out = Object.fromEntries(Object.keys(s.data ?? {}).map((k) => [k, decode(s, k)]));
  for (const v of Object.values(out)) if (v.length >= 8) generatedValues.add(v);
  return out;
}

before(async () => {
  proxy = await TestEnvironment.load().startAwsProxy();
  h = await startSync({ renewal: { minIntervalMs: RENEW_MIN_MS }, proxy });
  ns = await h.env.createNamespace("generators");
  other = await h.env.createNamespace("generators-b");
  clusterGenerator = `pw-${ns.name}`;
});

after(async () => {
  await h.custom.deleteClusterCustomObject({ ...GEN, plural: "clustergenerators", name: clusterGenerator }).catch(() => undefined);
  await h.stop();
  await proxy.close();
  await ns.delete();
  await other.delete();
});

describe("ECRAuthorizationToken", () => {
  test("ESO's pull-secret recipe: a kubernetes.io/dockerconfigjson Secret with the registry's auths entry", async () => {
    await h.apply(generator("ECRAuthorizationToken", "ecr", { region: h.env.state.region }), { namespace: ns.name });
    await h.apply(externalSecret("pull", fromGenerator("ECRAuthorizationToken", "ecr", {
      target: {
        name: "pull",
        template: {
          type: "kubernetes.io/dockerconfigjson",
          data: { ".dockerconfigjson": '{"auths":{"{{ .proxy_endpoint | replace "https://" "" }}":{"username":"{{ .username }}","password":"{{ .password }}","auth":"{{ printf "%s:%s" .username .password | b64enc }}"}}}' },
        },
      },
    })), { namespace: ns.name });
    // The first template of the process starts ESO's template engine (wasm): allow for a loaded machine.
    const s = await h.waitForSecret(ns.name, "pull", undefined, 120_000);
    assert.equal(s.type, "kubernetes.io/dockerconfigjson");
    const config = JSON.parse(decode(s, ".dockerconfigjson")) as { auths: Record<string, { username: string; password: string; auth: string }> };
    const account = h.aws.accountId!;
    const registry = `${account}.dkr.ecr.${h.env.state.region}.amazonaws.com`;
    assert.deepEqual(Object.keys(config.auths), [registry]);
    const entry = config.auths[registry]!;
    assert.equal(entry.username, "AWS");
    assert.equal(entry.password, `${account}-auth-token`, "moto's token for this account");
    assert.equal(Buffer.from(entry.auth, "base64").toString(), `AWS:${entry.password}`);
    generatedValues.add(entry.password);
    assert.ok(h.aws.count("GetAuthorizationToken") >= 1);
  });

  test("the raw keys are ESO's: username, password, proxy_endpoint, expires_at", async () => {
    await h.apply(externalSecret("ecr-raw", fromGenerator("ECRAuthorizationToken", "ecr")), { namespace: ns.name });
    const data = await secretData(ns.name, "ecr-raw");
    assert.deepEqual(Object.keys(data).sort(), ["expires_at", "password", "proxy_endpoint", "username"]);
    assert.match(data.expires_at!, /^\d+$/);
    assert.match(data.proxy_endpoint!, /^https:\/\/\d+\.dkr\.ecr\./);
  });

  test("an expiring token is renewed before expires_at although refreshInterval is 1h", async () => {
    // moto hands out tokens that expired in 2015: renewal is due at once and held to the minimum interval
    // (RENEW_MIN_MS here, 1 minute by default) instead of waiting for the 1h interval.
    const before = await h.externalSecret(ns.name, "ecr-raw");
    const calls = h.aws.count("GetAuthorizationToken");
    await waitUntil("a second refresh within the renewal window", async () => (await h.externalSecret(ns.name, "ecr-raw")).status?.refreshTime !== before.status?.refreshTime, { timeoutMs: 20_000 });
    assert.ok(h.aws.count("GetAuthorizationToken") > calls, "the token was fetched again");
    const secret = await h.waitForSecret(ns.name, "ecr-raw");
    assert.ok(secret.metadata?.annotations?.["ferry.dev/generated-values-expire-at"], "the expiry is kept on the Secret for restarts");
    // Never a hot loop: over 2 renewal intervals, at most a few calls.
    const start = h.aws.count("GetAuthorizationToken");
    await new Promise((r) => setTimeout(r, 2 * RENEW_MIN_MS));
    assert.ok(h.aws.count("GetAuthorizationToken") - start <= 2 * 2 + 1, `calls: ${h.aws.count("GetAuthorizationToken") - start}`);
  });
});

describe("STSSessionToken", () => {
  test("session credentials under ESO's keys", async () => {
    await h.apply(generator("STSSessionToken", "sts", { region: h.env.state.region, requestParameters: { sessionDuration: 900 } }), { namespace: ns.name });
    await h.apply(externalSecret("sts", fromGenerator("STSSessionToken", "sts")), { namespace: ns.name });
    const data = await secretData(ns.name, "sts");
    assert.deepEqual(Object.keys(data).sort(), ["access_key_id", "expiration", "secret_access_key", "session_token"]);
    assert.match(data.expiration!, /^\d+$/);
    const lifetime = Number(data.expiration) - Date.now() / 1000;
    assert.ok(lifetime > 800 && lifetime <= 900, `sessionDuration 900 reached STS (lifetime ${lifetime}s)`);
    assert.ok(h.aws.count("GetSessionToken") >= 1);
  });
});

describe("Password", () => {
  const cases: Array<{ name: string; spec: Record<string, unknown> | undefined; check: (p: string) => void }> = [
    { name: "pw-default", spec: undefined, check: (p) => { assert.equal(p.length, 24); assert.equal(count(p, /\d/g), 6); assert.equal(count(p, /[^a-zA-Z0-9]/g), 6); } },
    { name: "pw-length", spec: { length: 40, digits: 5, symbols: 0 }, check: (p) => { assert.equal(p.length, 40); assert.equal(count(p, /\d/g), 5); assert.match(p, /^[a-zA-Z0-9]+$/); } },
    { name: "pw-noupper", spec: { length: 30, noUpper: true, digits: 4, symbols: 4 }, check: (p) => { assert.equal(p.length, 30); assert.doesNotMatch(p, /[A-Z]/); } },
    { name: "pw-symbols", spec: { length: 12, digits: 0, symbols: 4, symbolCharacters: "-_" , allowRepeat: true }, check: (p) => { assert.equal(count(p, /[-_]/g), 4); assert.match(p, /^[a-zA-Z_-]{12}$/); } },
    { name: "pw-norepeat", spec: { length: 50, digits: 10, symbols: 0 }, check: (p) => assert.equal(new Set(p).size, 50) },
    { name: "pw-hex", spec: { length: 16, encoding: "hex" }, check: (p) => { assert.match(p, /^[0-9a-f]{32}$/); assert.equal(Buffer.from(p, "hex").length, 16); } },
    { name: "pw-base64", spec: { length: 18, encoding: "base64" }, check: (p) => assert.equal(Buffer.from(p, "base64").length, 18) },
    { name: "pw-base32", spec: { length: 10, encoding: "base32" }, check: (p) => assert.match(p, /^[A-Z2-7]{16}$/) },
  ];
  test("each option, as applied by the apiserver with the CRD defaults", async () => {
    for (const c of cases) {
      await h.apply(generator("Password", c.name, c.spec), { namespace: ns.name });
      await h.apply(externalSecret(c.name, fromGenerator("Password", c.name)), { namespace: ns.name });
    }
    for (const c of cases) {
      const data = await secretData(ns.name, c.name);
      assert.deepEqual(Object.keys(data), ["password"], c.name);
      c.check(data.password!);
    }
  });

  test("refreshPolicy CreatedOnce keeps the password across force-syncs and a controller restart", async () => {
    await h.apply(generator("Password", "db", { length: 32 }), { namespace: ns.name });
    await h.apply(externalSecret("db", fromGenerator("Password", "db", { refreshPolicy: "CreatedOnce", refreshInterval: "1s" })), { namespace: ns.name });
    const first = (await secretData(ns.name, "db")).password!;
    await h.stop();
    earlierLogs.push(...h.logs);
    h = await startSync({ renewal: { minIntervalMs: RENEW_MIN_MS }, proxy });
    await h.custom.patchNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name: "db", body: { metadata: { annotations: { "external-secrets.io/force-sync": "1" } } } }, merge);
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal((await secretData(ns.name, "db")).password, first);
    assert.equal(readyCondition(await h.externalSecret(ns.name, "db"))?.status, "True");
  });

  test("Periodic generates a new password at each refresh (ESO: a generator runs at every sync)", async () => {
    await h.apply(externalSecret("rotating", fromGenerator("Password", "db", { refreshInterval: "2s" })), { namespace: ns.name });
    const first = (await secretData(ns.name, "rotating")).password;
    await waitUntil("a new password", async () => (await secretData(ns.name, "rotating")).password !== first, { timeoutMs: 15_000 });
  });

  test("rewrite applies to generated keys, and the deprecated data[].sourceRef.generatorRef takes remoteRef.key", async () => {
    await h.apply(generator("UUID", "id", undefined), { namespace: ns.name });
    await h.apply(externalSecret("mixed", {
      dataFrom: [{ sourceRef: { generatorRef: generatorRef("Password", "db") }, rewrite: [{ regexp: { source: "password", target: "DB_PASSWORD" } }] }],
      data: [{ secretKey: "REQUEST_ID", remoteRef: { key: "uuid" }, sourceRef: { generatorRef: generatorRef("UUID", "id") } }],
    }), { namespace: ns.name });
    const data = await secretData(ns.name, "mixed");
    assert.deepEqual(Object.keys(data).sort(), ["DB_PASSWORD", "REQUEST_ID"]);
    assert.match(data.REQUEST_ID!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("ClusterGenerator", () => {
  test("one ClusterGenerator referenced from two namespaces", async () => {
    await h.apply({ apiVersion: `${GEN.group}/${GEN.version}`, kind: "ClusterGenerator", metadata: { name: clusterGenerator }, spec: { kind: "Password", generator: { passwordSpec: { length: 20, digits: 2, symbols: 0 } } } });
    for (const n of [ns.name, other.name]) await h.apply(externalSecret("from-cluster", fromGenerator("ClusterGenerator", clusterGenerator)), { namespace: n });
    const a = (await secretData(ns.name, "from-cluster")).password!;
    const b = (await secretData(other.name, "from-cluster")).password!;
    for (const p of [a, b]) {
      assert.equal(p.length, 20);
      assert.equal(count(p, /\d/g), 2);
    }
    assert.notEqual(a, b, "each ExternalSecret gets its own value");
  });
});

describe("a broken generator", () => {
  test("says what is wrong in the condition and an Event, and disturbs nothing else", async () => {
    await h.apply(generator("Password", "breaks", { length: 16 }), { namespace: ns.name });
    await h.apply(externalSecret("victim", fromGenerator("Password", "breaks")), { namespace: ns.name });
    const before = (await secretData(ns.name, "victim")).password;
    const neighbour = (await secretData(ns.name, "pw-length")).password;
    // 20 digits of 16 characters: go-password's own error.
    await h.custom.patchNamespacedCustomObject({ ...GEN, namespace: ns.name, plural: "passwords", name: "breaks", body: { spec: { digits: 20 } } }, merge);
    await h.custom.patchNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name: "victim", body: { metadata: { annotations: { "external-secrets.io/force-sync": "now" } } } }, merge);
    const es = await h.waitForReady(ns.name, "victim", (e) => readyCondition(e)?.status === "False");
    assert.equal(
      readyCondition(es)?.message,
      `could not get secret data from provider: spec.dataFrom[0].sourceRef.generatorRef: error using generator: number of digits and symbols must be less than total length`,
    );
    const events = await h.core.listNamespacedEvent({ namespace: ns.name, fieldSelector: "involvedObject.name=victim" });
    assert.ok(events.items.some((e) => e.type === "Warning" && e.message?.includes("number of digits and symbols must be less than total length")));
    assert.equal((await secretData(ns.name, "victim")).password, before, "the synced Secret is kept");
    assert.equal((await secretData(ns.name, "pw-length")).password, neighbour, "other ExternalSecrets are untouched");
    assert.equal(readyCondition(await h.externalSecret(ns.name, "pw-length"))?.status, "True");
  });

  test("an unsupported kind and a wrong group are spec errors naming the field", async () => {
    await h.apply(externalSecret("vault", { dataFrom: [{ sourceRef: { generatorRef: generatorRef("VaultDynamicSecret", "v") } }] }), { namespace: ns.name });
    await h.apply(externalSecret("group", { dataFrom: [{ sourceRef: { generatorRef: { apiVersion: "example.com/v1", kind: "Password", name: "x" } } }] }), { namespace: ns.name });
    const vault = await h.waitForReady(ns.name, "vault", (e) => readyCondition(e)?.status === "False");
    assert.match(readyCondition(vault)!.message!, /^spec\.dataFrom\[0\]\.sourceRef\.generatorRef: generatorRef kind VaultDynamicSecret is not supported by Ferry/);
    const group = await h.waitForReady(ns.name, "group", (e) => readyCondition(e)?.status === "False");
    assert.equal(readyCondition(group)!.message, "spec.dataFrom[0].sourceRef.generatorRef: generatorRef may only reference the generators group, but got example.com");
  });
});

describe("no leaks", () => {
  test("no generated value in logs, Events or status", async () => {
    assert.ok(generatedValues.size >= 10, `collected ${generatedValues.size} values`);
    const text = [...earlierLogs, await h.observableText([ns.name, other.name])].join("\n");
    const leaked = [...generatedValues].filter((v) => text.includes(v));
    assert.deepEqual(leaked, []);
  });
});

function count(text: string, re: RegExp): number {
  return (text.match(re) ?? []).length;
}
