// target.template on the real control plane + moto, rendered by ESO's own template code (wasm): the Secrets
// migrating users' templates produce, mergePolicy, templated metadata, and what happens when a template breaks.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { decode, readyCondition, startSync, type SyncHarness } from "./sync-harness.ts";

let h: SyncHarness;
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

before(async () => {
  h = await startSync();
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
        { literal: "tier: {{ .host | trimSuffix \".internal\" }}", target: "Labels" },
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

  test("fields Ferry does not implement yet are refused with a condition, not ignored", async () => {
    await h.apply(externalSecret("from-cm", { templateFrom: [{ configMap: { name: "tpl", items: [{ key: "k" }] } }] }), { namespace: ns.name });
    const es = await h.waitForReady(ns.name, "from-cm", (x) => readyCondition(x)?.status === "False");
    assert.match(readyCondition(es)?.message ?? "", /spec\.target\.template\.templateFrom\[0\]\.configMap: templates from a ConfigMap are not supported by Ferry yet/);
    await assert.rejects(h.core.readNamespacedSecret({ namespace: ns.name, name: "from-cm" }));
  });
});
