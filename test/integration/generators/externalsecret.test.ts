// generators.external-secrets.io on the real control plane + moto, with ESO users' manifests: an ECR token
// templated into a kubernetes.io/dockerconfigjson pull secret and renewed before it expires, STS session
// credentials, Passwords with each option (stable under CreatedOnce across a controller restart), a
// ClusterGenerator used from two namespaces, a broken generator that disturbs nothing else, kinds and options
// Ferry does not run refused with a condition and an Event, and a canary scan of everything a person can see
// (logs, Events, status, /metrics).
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { parseAllDocuments } from "yaml";
import { HealthServer } from "../../../src/runtime/health-server.ts";
import { SyncMetrics } from "../../../src/sync/sync-metrics.ts";
import { TestEnvironment, waitUntil, type FaultProxy } from "../../env/index.ts";
import { decode, readyCondition, startSync, type SyncHarness } from "../sync/sync-harness.ts";

const GEN = { group: "generators.external-secrets.io", version: "v1alpha1" };
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
const RENEW_MIN_MS = 3_000;

let h: SyncHarness;
let proxy: FaultProxy;
/** The controller's /metrics, as Prometheus scrapes it. */
let metricsServer: HealthServer;
/** Logs and metric scrapes of controllers stopped during the file (the restart test), kept for the canary scan. */
const earlierLogs: string[] = [];
let ns: { name: string; delete: () => Promise<void> };
let other: { name: string; delete: () => Promise<void> };
let clusterGenerator: string;
/** Every generated value seen, for the canary scan at the end. */
const generatedValues = new Set<string>();

const generator = (kind: string, name: string, spec: Record<string, unknown> | undefined) => ({ apiVersion: `${GEN.group}/${GEN.version}`, kind, metadata: { name }, ...(spec ? { spec } : {}) });
const generatorRef = (kind: string, name: string) => ({ apiVersion: `${GEN.group}/${GEN.version}`, kind, name });
/** A controller with its own metrics registry served over HTTP (a restart gets a new one, like a new process). */
async function startController(): Promise<SyncHarness> {
  const registry = new Registry();
  metricsServer = new HealthServer({ address: "127.0.0.1:0", registry });
  await metricsServer.start();
  return startSync({ renewal: { minIntervalMs: RENEW_MIN_MS }, proxy, metrics: new SyncMetrics(registry) });
}
async function scrape(): Promise<string> {
  const res = await fetch(`${metricsServer.url}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}
async function restartController(): Promise<void> {
  earlierLogs.push(await scrape());
  await h.stop();
  await metricsServer.stop();
  earlierLogs.push(...h.logs);
  h = await startController();
}
/** The Warning Events of one ExternalSecret in `ns`. */
async function warnings(name: string): Promise<string[]> {
  const events = await h.core.listNamespacedEvent({ namespace: ns.name, fieldSelector: `involvedObject.name=${name}` });
  return events.items.filter((e) => e.type === "Warning").map((e) => e.message ?? "");
}
/** The ECR pull-secret recipe of docs/generators.md, as a user copies it. */
function docsRecipe(): Array<{ kind: string; metadata: { name: string; namespace?: string }; spec: Record<string, unknown> }> {
  const md = readFileSync(new URL("../../../docs/generators.md", import.meta.url), "utf8");
  const block = /## Recipe: an ECR pull secret[^\n]*\n+```yaml\n([\s\S]*?)```/.exec(md);
  assert.ok(block, "docs/generators.md has the ECR pull-secret recipe");
  return parseAllDocuments(block[1]!).map((d) => d.toJS() as ReturnType<typeof docsRecipe>[number]);
}
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
  h = await startController();
  ns = await h.env.createNamespace("generators");
  other = await h.env.createNamespace("generators-b");
  clusterGenerator = `pw-${ns.name}`;
});

after(async () => {
  for (const name of [clusterGenerator, `webhook-${ns.name}`]) await h.custom.deleteClusterCustomObject({ ...GEN, plural: "clustergenerators", name }).catch(() => undefined);
  await h.stop();
  await metricsServer.stop();
  await proxy.close();
  await ns.delete();
  await other.delete();
});

describe("ECRAuthorizationToken", () => {
  test("the pull-secret recipe of docs/generators.md: a kubernetes.io/dockerconfigjson Secret with the registry's auths entry", async () => {
    // Applied as written in the guide, only its namespace and region replaced.
    const [gen, es] = docsRecipe();
    assert.deepEqual([gen?.kind, es?.kind], ["ECRAuthorizationToken", "ExternalSecret"]);
    assert.equal(gen!.metadata.name, "ecr", "the later tests use the recipe's generator");
    gen!.spec.region = h.env.state.region;
    for (const o of [gen!, es!]) o.metadata.namespace = ns.name;
    await h.apply(gen!);
    await h.apply(es!);
    // The first template of the process starts ESO's template engine (wasm): allow for a loaded machine.
    const s = await h.waitForSecret(ns.name, es!.metadata.name, undefined, 120_000);
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
    // The generator's client is built with the store provider's SDK settings: its calls are observed (metrics) like a store's.
    assert.ok(h.apiCalls.some((c) => c.provider === "AWS/ECR" && c.call === "GetAuthorizationToken" && c.status === "success"), JSON.stringify(h.apiCalls.slice(0, 5)));
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
    await restartController();
    await h.custom.patchNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name: "db", body: { metadata: { annotations: { "external-secrets.io/force-sync": "1" } } } }, merge);
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal((await secretData(ns.name, "db")).password, first);
    assert.equal(readyCondition(await h.externalSecret(ns.name, "db"))?.status, "True");
  });

  test("after the restart an expiring ECR token is still renewed before expires_at (the expiry is read back from the Secret)", async () => {
    // refreshInterval is 1h and the last refresh was seconds ago: only the kept expiry makes it due now.
    const before = await h.externalSecret(ns.name, "ecr-raw");
    await waitUntil("a refresh by the restarted controller", async () => (await h.externalSecret(ns.name, "ecr-raw")).status?.refreshTime !== before.status?.refreshTime, { timeoutMs: 20_000 });
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
      data: [
        { secretKey: "REQUEST_ID", remoteRef: { key: "uuid" }, sourceRef: { generatorRef: generatorRef("UUID", "id") } },
        // remoteRef.decodingStrategy applies to a generated value as to provider data.
        { secretKey: "DECODED", remoteRef: { key: "password", decodingStrategy: "Base64" }, sourceRef: { generatorRef: generatorRef("Password", "pw-base64") } },
      ],
    }), { namespace: ns.name });
    const data = await secretData(ns.name, "mixed");
    assert.deepEqual(Object.keys(data).sort(), ["DB_PASSWORD", "DECODED", "REQUEST_ID"]);
    assert.match(data.REQUEST_ID!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(data.DECODED!.length, 18, "pw-base64's 18 raw characters, decoded");
    assert.equal(count(data.DECODED!, /[a-zA-Z]/g), 18 - 4 - 4, "a quarter digits, a quarter symbols");
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
    for (const [name, es] of [["vault", vault], ["group", group]] as const) {
      await waitUntil(`a Warning Event for ${name}`, async () => (await warnings(name)).includes(readyCondition(es)!.message!), { timeoutMs: 10_000 });
    }
  });

  test("a ClusterGenerator of a kind Ferry does not run and ECR Public are refused with a condition and an Event", async () => {
    // Both apply (ESO's CRDs accept them); using them must say why nothing is generated, never read something else.
    await h.apply({ apiVersion: `${GEN.group}/${GEN.version}`, kind: "ClusterGenerator", metadata: { name: `webhook-${ns.name}` }, spec: { kind: "Webhook", generator: { webhookSpec: { url: "https://example.invalid/token" } } } });
    await h.apply(generator("ECRAuthorizationToken", "ecr-public", { region: h.env.state.region, scope: "public" }), { namespace: ns.name });
    await h.apply(externalSecret("webhook", fromGenerator("ClusterGenerator", `webhook-${ns.name}`)), { namespace: ns.name });
    await h.apply(externalSecret("ecr-public", fromGenerator("ECRAuthorizationToken", "ecr-public")), { namespace: ns.name });
    const cases: Array<[string, RegExp]> = [
      ["webhook", /^could not get secret data from provider: spec\.dataFrom\[0\]\.sourceRef\.generatorRef: error using generator: ClusterGenerator webhook-\S+: kind Webhook is not supported by Ferry \(supported: ECRAuthorizationToken, STSSessionToken, Password, UUID\)$/],
      ["ecr-public", /^could not get secret data from provider: spec\.dataFrom\[0\]\.sourceRef\.generatorRef: error using generator: ECRAuthorizationToken \S+\/ecr-public: spec\.scope: public \(ECR Public\) is not supported by Ferry yet; omit scope for a private registry token$/],
    ];
    for (const [name, message] of cases) {
      const es = await h.waitForReady(ns.name, name, (e) => readyCondition(e)?.status === "False");
      assert.match(readyCondition(es)!.message!, message, name);
      await waitUntil(`a Warning Event for ${name}`, async () => (await warnings(name)).some((m) => message.test(m)), { timeoutMs: 10_000 });
      await assert.rejects(h.core.readNamespacedSecret({ namespace: ns.name, name }), (err: unknown) => err instanceof k8s.ApiException && err.code === 404, `no Secret for ${name}`);
    }
  });
});

describe("no leaks", () => {
  test("no generated value in logs, Events, status or metrics", async () => {
    assert.ok(generatedValues.size >= 10, `collected ${generatedValues.size} values`);
    const metrics = await scrape();
    assert.ok(metrics.includes(ns.name), "the scrape has this file's ExternalSecrets");
    const text = [...earlierLogs, metrics, await h.observableText([ns.name, other.name])].join("\n");
    const leaked = [...generatedValues].filter((v) => text.includes(v));
    assert.deepEqual(leaked, []);
  });
});

function count(text: string, re: RegExp): number {
  return (text.match(re) ?? []).length;
}
