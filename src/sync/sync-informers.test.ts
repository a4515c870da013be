import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { V1Secret } from "@kubernetes/client-node";
import type { KubeObject } from "../runtime/list-watcher.ts";
import { fieldManagerFor, keysManagedBy } from "./desired-secret.ts";
import { CACHE_TRANSFORMS } from "./sync-informers.ts";

const entry = (manager: string, keys: readonly string[]) => ({
  manager,
  operation: "Update",
  apiVersion: "v1",
  fieldsType: "FieldsV1",
  fieldsV1: { "f:data": Object.fromEntries(keys.map((k) => [`f:${k}`, {}])) },
});

describe("what the sync caches keep", () => {
  test("an ExternalSecret loses managedFields and kubectl's last-applied copy, and keeps spec, status and other annotations", () => {
    const es = {
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: {
        name: "db", namespace: "ns", resourceVersion: "3", uid: "u",
        annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify({ spec: { big: "x".repeat(2000) } }), team: "a" },
        managedFields: [entry("kubectl-client-side-apply", []), entry("externalsecrets.external-secrets.io/db", [])],
      },
      spec: { refreshInterval: "1h", data: [{ secretKey: "k", remoteRef: { key: "r" } }] },
      status: { refreshTime: "2026-12-03T10:00:00Z" },
    };
    const cached = CACHE_TRANSFORMS.externalSecrets(es) as typeof es;
    assert.equal(cached.metadata.managedFields, undefined);
    assert.deepEqual(cached.metadata.annotations, { team: "a" });
    assert.deepEqual(cached.spec, es.spec);
    assert.deepEqual(cached.status, es.status);
    assert.ok(Buffer.byteLength(JSON.stringify(cached)) < 400, "an ExternalSecret with one key fits in 400 bytes of cache");
  });

  test("a managed Secret keeps its data and exactly the field-manager entries Merge reads", () => {
    const manager = fieldManagerFor("db");
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "db", namespace: "ns", resourceVersion: "9",
        managedFields: [entry("kubectl", ["mine-not"]), entry(manager, ["password"]), entry("kube-controller-manager", [])],
      },
      data: { password: "aHVudGVyMg==" },
    };
    const cached = CACHE_TRANSFORMS.managedSecrets(secret) as typeof secret;
    assert.deepEqual(cached.data, secret.data);
    assert.deepEqual(cached.metadata.managedFields.map((e) => e.manager), [manager]);
    // The decision that reads managedFields sees the same keys from the cached object as from the full one.
    assert.deepEqual(keysManagedBy(cached as unknown as V1Secret, manager), keysManagedBy(secret as unknown as V1Secret, manager));
  });

  test("every other kind drops managedFields", () => {
    const store: KubeObject = { kind: "SecretStore", metadata: { name: "s", managedFields: [entry("kubectl", [])] } };
    assert.equal(CACHE_TRANSFORMS.default(store).metadata?.managedFields, undefined);
  });
});
