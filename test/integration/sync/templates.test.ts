// target.template on the real control plane + moto, rendered by ESO's own template code (wasm): the Secrets
// migrating users' templates produce, mergePolicy, templated metadata, and what happens when a template breaks.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { TestEnvironment, waitUntil, type FaultProxy } from "../../env/index.ts";
import { decode, readyCondition, startSync, type SyncHarness } from "./sync-harness.ts";

let h: SyncHarness;
let kube: FaultProxy;
/** Every ConfigMap and Secret GET the apiserver saw (list, watch or object read), with its query. */
const kubeReads: Array<{ path: string; query: URLSearchParams; isWatch: boolean }> = [];
let ns: { name: string; delete: () => Promise<void> };
const sm = () => new SecretsManagerClient({});
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
const CANARY = "tpl-canary-5f1e0c2b9a";

function externalSecret(name: string, template: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name, labels: { "from-es": "yes" }, annotations: { "es-note": "not copied with a template" } },
    spec: {
      secretStoreRef: { name: "aws", kind: "SecretStore" },
      refreshInterval: "1h",
      dataFrom: [{ extract: { key: "app/creds" } }],
      target: template ? { template } : {},
      ...extra,
    },
  };
}

/** The Warning Events about one ExternalSecret whose message matches, once there is one. */
async function waitForWarning(name: string, message: RegExp): Promise<k8s.CoreV1Event[]> {
  let matching: k8s.CoreV1Event[] = [];
  await waitUntil(`a Warning Event for ExternalSecret ${name} matching ${message}`, async () => {
    const events = await h.core.listNamespacedEvent({ namespace: ns.name });
    matching = events.items.filter((e) => e.involvedObject.kind === "ExternalSecret" && e.involvedObject.name === name && e.type === "Warning" && message.test(e.message ?? ""));
    return matching.length > 0;
  }, { timeoutMs: 30_000 });
  return matching;
}

before(async () => {
  // Through a proxy in front of the apiserver, so the test sees what the controller lists and watches.
  const proxied = await TestEnvironment.load().startKubeProxy();
  kube = proxied.proxy;
  kube.inject({
    match: (r) => {
      if (r.method === "GET" && /\/(configmaps|secrets)(\/|$)/.test(r.path)) kubeReads.push({ path: r.path, query: new URLSearchParams(r.query), isWatch: r.isWatch });
      return false;
    },
    fault: { kind: "latency", ms: 0 },
  });
  h = await startSync({ kubeConfig: proxied.kubeConfig });
  ns = await h.env.createNamespace("templates");
  await h.apply({
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: "aws" },
    spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region } } },
  }, { namespace: ns.name });
  await sm().send(new CreateSecretCommand({
    Name: "app/creds",
    SecretString: JSON.stringify({ username: "app", password: CANARY, host: "db.internal", registry: "registry.example.com" }),
  }));
});

after(async () => {
  await h.stop();
  await ns.delete();
  await kube.close();
});

describe("rendering", () => {
  test("a .dockerconfigjson from registry credentials, typed kubernetes.io/dockerconfigjson", async () => {
    await h.apply(externalSecret("docker", {
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": '{"auths":{"{{ .registry }}":{"auth":"{{ printf "%s:%s" .username .password | b64enc }}"}}}' },
    }), { namespace: ns.name });
    const s = await h.waitForSecret(ns.name, "docker");
    assert.equal(s.type, "kubernetes.io/dockerconfigjson");
    assert.deepEqual(Object.keys(s.data ?? {}), [".dockerconfigjson"], "Replace: the provider keys are dropped");
    const auth = Buffer.from(`app:${CANARY}`).toString("base64");
    assert.equal(decode(s, ".dockerconfigjson"), `{"auths":{"registry.example.com":{"auth":"${auth}"}}}`);
  });

  test("a connection string; the ExternalSecret's own labels and annotations are not copied once a template exists", async () => {
    await h.apply(externalSecret("dburl", { data: { DATABASE_URL: "postgres://{{ .username }}:{{ .password | urlquery }}@{{ .host }}:5432/app" } }), { namespace: ns.name });
    const s = await h.waitForSecret(ns.name, "dburl");
    assert.equal(decode(s, "DATABASE_URL"), `postgres://app:${CANARY}@db.internal:5432/app`);
    assert.equal(s.metadata?.labels?.["from-es"], undefined);
    assert.equal(s.metadata?.annotations?.["es-note"], undefined);
  });

  test("mergePolicy Merge keeps the provider keys beside the rendered ones", async () => {
    await h.apply(externalSecret("merged", { mergePolicy: "Merge", data: { url: "https://{{ .host }}" } }), { namespace: ns.name });
    const s = await h.waitForSecret(ns.name, "merged");
    assert.deepEqual(Object.keys(s.data ?? {}).sort(), ["host", "password", "registry", "url", "username"]);
    assert.equal(decode(s, "url"), "https://db.internal");
  });

  test("templated labels and annotations; with no data template the provider keys stay", async () => {
    await h.apply(externalSecret("meta", {
      metadata: { labels: { app: "{{ .username }}", static: "plain" }, annotations: { "db-host": "{{ .host | upper }}" } },
    }), { namespace: ns.name });
    const s = await h.waitForSecret(ns.name, "meta");
    assert.equal(s.metadata?.labels?.app, "app");
    assert.equal(s.metadata?.labels?.static, "plain");
    assert.equal(s.metadata?.annotations?.["db-host"], "DB.INTERNAL");
    assert.deepEqual(Object.keys(s.data ?? {}).sort(), ["host", "password", "registry", "username"]);
  });

  test("templateFrom.literal renders YAML into data and labels, and template.data wins on the same key", async () => {
    await h.apply(externalSecret("literal", {
      templateFrom: [
        { literal: "user: {{ .username }}\nhost: from-literal", target: "Data" },
        // valuesDecodingStrategy None (newer ESO's default) renders as Ferry does: accepted.
        { literal: "tier: {{ .host | trimSuffix \".internal\" }}", target: "Labels", valuesDecodingStrategy: "None" },
      ],
      data: { host: "from-data" },
    }), { namespace: ns.name });
    const s = await h.waitForSecret(ns.name, "literal");
    assert.equal(decode(s, "user"), "app");
    assert.equal(decode(s, "host"), "from-data");
    assert.equal(s.metadata?.labels?.tier, "db");
  });
});

describe("failures", () => {
  test("a broken template keeps the previous Secret byte for byte, with the template error in status and an Event, no value anywhere", async () => {
    await h.apply(externalSecret("broken", { data: { dsn: "{{ .username }}@{{ .host }}" } }, { refreshInterval: "1s" }), { namespace: ns.name });
    const before = await h.waitForSecret(ns.name, "broken");
    await h.custom.patchNamespacedCustomObject({
      group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name: "broken",
      body: { spec: { target: { template: { data: { dsn: "{{ .password | nosuch }}", other: "{{ fail .password }}" } } } } },
    }, merge);
    const failed = await h.waitForReady(ns.name, "broken", (es) => readyCondition(es)?.status === "False");
    const cond = readyCondition(failed)!;
    assert.equal(cond.reason, "SecretSyncedError");
    assert.match(cond.message ?? "", /could not update secret: could not apply template spec\.target\.template\.data\["dsn"\]: .*function "nosuch" not defined/);
    const after = await h.core.readNamespacedSecret({ namespace: ns.name, name: "broken" });
    assert.equal(after.metadata?.resourceVersion, before.metadata?.resourceVersion);
    assert.deepEqual(after.data, before.data);
    await waitForWarning("broken", /could not apply template spec\.target\.template\.data\["dsn"\]: .*function "nosuch" not defined/);
    // An execution error that would print the value: `fail .password`.
    await h.custom.patchNamespacedCustomObject({
      group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name: "broken",
      body: { spec: { target: { template: { data: { dsn: null, other: "{{ fail .password }}" } } } } },
    }, merge);
    await h.waitForReady(ns.name, "broken", (es) => /error calling fail/.test(readyCondition(es)?.message ?? ""));
    const text = await h.observableText([ns.name]);
    assert.ok(text.includes("error calling fail: [redacted]"), "the error is reported, redacted");
    assert.ok(!text.includes(CANARY), "no canary value in logs, Events or status");
    assert.equal((await h.core.readNamespacedSecret({ namespace: ns.name, name: "broken" })).metadata?.resourceVersion, before.metadata?.resourceVersion);
  });

  test("fields Ferry does not implement yet are refused with a condition and a Warning Event, not ignored", async () => {
    await h.apply(externalSecret("valuesdecoding", { templateFrom: [{ literal: "a: b", valuesDecodingStrategy: "Base64" }] }), { namespace: ns.name });
    const es = await h.waitForReady(ns.name, "valuesdecoding", (x) => readyCondition(x)?.status === "False");
    assert.match(readyCondition(es)?.message ?? "", /spec\.target\.template\.templateFrom\[0\]\.valuesDecodingStrategy: templateFrom\.valuesDecodingStrategy is not supported by Ferry yet/);
    await assert.rejects(h.core.readNamespacedSecret({ namespace: ns.name, name: "valuesdecoding" }));

    // target.manifest (rendering into a ConfigMap or any other kind) is not implemented: refused, no Secret
    // and no ConfigMap written in its place.
    await h.apply({
      ...externalSecret("to-configmap", { data: { url: "https://{{ .host }}" } }),
      spec: {
        secretStoreRef: { name: "aws", kind: "SecretStore" },
        refreshInterval: "1h",
        dataFrom: [{ extract: { key: "app/creds" } }],
        target: { name: "rendered-config", manifest: { apiVersion: "v1", kind: "ConfigMap" }, template: { data: { url: "https://{{ .host }}" } } },
      },
    }, { namespace: ns.name });
    const refused = await h.waitForReady(ns.name, "to-configmap", (x) => readyCondition(x)?.status === "False");
    assert.equal(readyCondition(refused)?.reason, "SecretSyncedError");
    assert.match(readyCondition(refused)?.message ?? "", /spec\.target\.manifest: rendering into a resource other than a Secret is not supported by Ferry yet; remove target\.manifest/);
    const events = await waitForWarning("to-configmap", /spec\.target\.manifest: rendering into a resource other than a Secret is not supported/);
    assert.equal(events[0]!.type, "Warning");
    await assert.rejects(h.core.readNamespacedSecret({ namespace: ns.name, name: "rendered-config" }));
    await assert.rejects(h.core.readNamespacedConfigMap({ namespace: ns.name, name: "rendered-config" }));
  });

  test("engineVersion v1: a v1beta1 manifest asking for it is refused with a clear error, as the v2-only schema says", async () => {
    const manifest = { ...externalSecret("engine-v1", { engineVersion: "v1", data: { url: "{{ .host }}" } }), apiVersion: "external-secrets.io/v1beta1" };
    await assert.rejects(h.apply(manifest, { namespace: ns.name }), (err: Error) => /spec\.target\.template\.engineVersion: Unsupported value: "v1": supported values: "v2"/.test(JSON.stringify((err as { body?: unknown }).body ?? err.message).replaceAll("\\", "")));
    // v2 through v1beta1 renders.
    await h.apply({ ...externalSecret("engine-v2", { engineVersion: "v2", data: { url: "https://{{ .host }}" } }), apiVersion: "external-secrets.io/v1beta1" }, { namespace: ns.name });
    assert.equal(decode(await h.waitForSecret(ns.name, "engine-v2"), "url"), "https://db.internal");
  });
});

describe("templateFrom ConfigMaps and Secrets", () => {
  const SOURCE_CANARY = "tplsource-canary-3c9d71";

  test("every target with each templateAs, from a ConfigMap and from a Secret, in ESO's order", async () => {
    await h.core.createNamespacedConfigMap({
      namespace: ns.name,
      body: {
        metadata: { name: "tpl" },
        data: {
          dsn: "postgres://{{ .username }}@{{ .host }}/app",
          "extra.yaml": "config.yaml: |\n  host: {{ .host }}\nregistry: {{ .registry }}",
          tier: "{{ .host | trimSuffix \".internal\" }}",
          "notes.yaml": "owner: {{ .username }}\nchecked: \"yes\"",
        },
      },
    });
    await h.core.createNamespacedSecret({
      namespace: ns.name,
      body: {
        metadata: { name: "tpl-secret" },
        stringData: {
          auth: "{{ printf \"%s:%s\" .username .password | b64enc }}",
          "labels.yaml": "user: {{ .username }}",
          note: "from a Secret for {{ .host }}",
          "more.yaml": "secret-file: {{ .registry }}",
        },
      },
    });
    await h.apply(externalSecret("from-sources", {
      templateFrom: [
        { configMap: { name: "tpl", items: [{ key: "dsn" }, { key: "extra.yaml", templateAs: "KeysAndValues" }] } },
        { target: "Labels", configMap: { name: "tpl", items: [{ key: "tier", templateAs: "Values" }] } },
        { target: "Annotations", configMap: { name: "tpl", items: [{ key: "notes.yaml", templateAs: "KeysAndValues" }] } },
        { secret: { name: "tpl-secret", items: [{ key: "auth" }, { key: "more.yaml", templateAs: "KeysAndValues" }] } },
        { target: "Labels", secret: { name: "tpl-secret", items: [{ key: "labels.yaml", templateAs: "KeysAndValues" }] } },
        { target: "Annotations", secret: { name: "tpl-secret", items: [{ key: "note" }] } },
      ],
      // template.data is applied after templateFrom: it wins on the same key.
      data: { registry: "overridden" },
    }), { namespace: ns.name });
    const s = await h.waitForSecret(ns.name, "from-sources");
    assert.deepEqual(Object.keys(s.data ?? {}).sort(), ["auth", "config.yaml", "dsn", "registry", "secret-file"]);
    assert.equal(decode(s, "dsn"), "postgres://app@db.internal/app");
    assert.equal(decode(s, "config.yaml"), "host: db.internal\n");
    assert.equal(decode(s, "registry"), "overridden");
    assert.equal(decode(s, "auth"), Buffer.from(`app:${CANARY}`).toString("base64"));
    assert.equal(decode(s, "secret-file"), "registry.example.com");
    assert.equal(s.metadata?.labels?.tier, "db");
    assert.equal(s.metadata?.labels?.user, "app");
    assert.equal(s.metadata?.annotations?.owner, "app");
    assert.equal(s.metadata?.annotations?.checked, "yes");
    assert.equal(s.metadata?.annotations?.note, "from a Secret for db.internal");
  });

  test("a change to a templateFrom ConfigMap reaches the Secret in seconds with 0 AWS calls", async () => {
    // A provider key of its own, so the count is this ExternalSecret's reads only (other ExternalSecrets here,
    // and whatever earlier test files left behind, read through the same proxy).
    await sm().send(new CreateSecretCommand({ Name: "app/live", SecretString: JSON.stringify({ host: "db.internal" }) }));
    await h.core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: "live-tpl" }, data: { url: "v1://{{ .host }}" } } });
    await h.apply({ ...externalSecret("live", { templateFrom: [{ configMap: { name: "live-tpl", items: [{ key: "url" }] } }] }, { dataFrom: [{ extract: { key: "app/live" } }] }) }, { namespace: ns.name });
    assert.equal(decode(await h.waitForSecret(ns.name, "live"), "url"), "v1://db.internal");
    await h.waitForReady(ns.name, "live");
    assert.ok(Object.keys(h.aws.countsFor(["app/live"])).length > 0, "the first sync read app/live: the count below sees this key's reads");
    const refreshTime = (await h.externalSecret(ns.name, "live")).status?.refreshTime;
    h.aws.resetCounts();
    await h.core.patchNamespacedConfigMap({ namespace: ns.name, name: "live-tpl", body: { data: { url: "v2://{{ .host | upper }}" } } }, merge);
    const s = await h.waitForSecret(ns.name, "live", (x) => decode(x, "url") === "v2://DB.INTERNAL", 15_000);
    assert.equal(decode(s, "url"), "v2://DB.INTERNAL");
    assert.deepEqual(h.aws.countsFor(["app/live"]), {}, "re-rendered from the provider data kept for it, without reading AWS");
    const es = await h.waitForReady(ns.name, "live");
    assert.equal(es.status?.refreshTime, refreshTime, "a re-render is not a provider refresh: the next one stays due on schedule");

    // A ConfigMap missing the key: the condition says so, the Secret stays as it is; fixing it heals it.
    await h.core.patchNamespacedConfigMap({ namespace: ns.name, name: "live-tpl", body: { data: { url: null, other: "x" } } }, merge);
    const failed = await h.waitForReady(ns.name, "live", (x) => readyCondition(x)?.status === "False");
    assert.match(readyCondition(failed)?.message ?? "", /could not apply template spec\.target\.template\.templateFrom\[0\]\.configMap: error in configmap live-tpl: missing key url/);
    assert.equal(decode(await h.core.readNamespacedSecret({ namespace: ns.name, name: "live" }), "url"), "v2://DB.INTERNAL");
    await h.core.patchNamespacedConfigMap({ namespace: ns.name, name: "live-tpl", body: { data: { url: "v3" } } }, merge);
    await h.waitForSecret(ns.name, "live", (x) => decode(x, "url") === "v3", 15_000);
    await h.waitForReady(ns.name, "live");
    assert.deepEqual(h.aws.countsFor(["app/live"]), {});
  });

  test("sources are read by name: no list or watch of every ConfigMap (or Secret) in the cluster or namespace", async () => {
    // Every ConfigMap list/watch the controller made for the tests above names one object.
    const lists = kubeReads.filter((r) => /\/configmaps$/.test(r.path));
    assert.ok(lists.some((r) => r.isWatch), "the templateFrom ConfigMaps above were watched");
    for (const r of lists) {
      assert.match(r.path, /^\/api\/v1\/namespaces\/[^/]+\/configmaps$/, `namespaced: ${r.path}`);
      assert.match(r.query.get("fieldSelector") ?? "", /^metadata\.name=[^,]+$/, `one object by name: ${r.path}?${r.query.toString()}`);
    }
    // Secrets: the template sources by name too; the only other list/watch is the managed-Secret informer,
    // which selects Ferry's own Secrets by label (ESO #2608).
    for (const r of kubeReads.filter((x) => /\/secrets$/.test(x.path))) {
      const byName = /^\/api\/v1\/namespaces\/[^/]+\/secrets$/.test(r.path) && /^metadata\.name=[^,]+$/.test(r.query.get("fieldSelector") ?? "");
      assert.ok(byName || (r.query.get("labelSelector") ?? "") !== "", `a Secret list/watch by name or label: ${r.path}?${r.query.toString()}`);
    }
    assert.ok(kubeReads.some((r) => /\/secrets$/.test(r.path) && r.query.get("fieldSelector") === "metadata.name=tpl-secret"), "the templateFrom Secret was watched by name");
  });

  test("a template from a Secret that fails: no value and no literal of the secret template in logs, Events or status", async () => {
    await h.core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: "tpl-leaky" }, stringData: { k: `{{ fail "${SOURCE_CANARY}" }}{{ .password }}` } } });
    await h.apply(externalSecret("leaky", { templateFrom: [{ secret: { name: "tpl-leaky", items: [{ key: "k", templateAs: "KeysAndValues" }] } }] }), { namespace: ns.name });
    const es = await h.waitForReady(ns.name, "leaky", (x) => readyCondition(x)?.status === "False");
    assert.match(readyCondition(es)?.message ?? "", /templateFrom\[0\]\.secret\.items\[0\]: .*error calling fail: \[redacted\]/);
    const text = await h.observableText([ns.name]);
    assert.ok(!text.includes(SOURCE_CANARY), "no literal of a Secret's template");
    assert.ok(!text.includes(CANARY), "no provider value");
  });
});

describe("dataFrom rewrite.transform", () => {
  test("keys renamed by a Go template with .value as the key, after a regexp", async () => {
    await h.apply({
      ...externalSecret("transformed", undefined),
      spec: {
        secretStoreRef: { name: "aws", kind: "SecretStore" },
        refreshInterval: "1h",
        dataFrom: [{ extract: { key: "app/creds" }, rewrite: [{ regexp: { source: "^user", target: "db_user" } }, { transform: { template: "APP_{{ .value | upper }}" } }] }],
      },
    }, { namespace: ns.name });
    const s = await h.waitForSecret(ns.name, "transformed");
    assert.deepEqual(Object.keys(s.data ?? {}).sort(), ["APP_DB_USERNAME", "APP_HOST", "APP_PASSWORD", "APP_REGISTRY"]);
    assert.equal(decode(s, "APP_DB_USERNAME"), "app");
  });

  test("a transform that fails names the operation and the key, as ESO does", async () => {
    await h.apply({
      ...externalSecret("transform-broken", undefined),
      spec: {
        secretStoreRef: { name: "aws", kind: "SecretStore" },
        refreshInterval: "1h",
        dataFrom: [{ extract: { key: "app/creds" }, rewrite: [{ transform: { template: "{{ .value | nosuch }}" } }] }],
      },
    }, { namespace: ns.name });
    const es = await h.waitForReady(ns.name, "transform-broken", (x) => readyCondition(x)?.status === "False");
    assert.match(readyCondition(es)?.message ?? "", /spec\.dataFrom\[0\]\.rewrite: failed rewrite operation\[0\]: transform failed with failed to parse template: template: transform:1: function "nosuch" not defined/);
  });
});
