import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cachedBytes, composeTransforms, keepManagedFieldsOf, withoutAnnotations, withoutManagedFields } from "./cache-transforms.ts";
import type { KubeObject } from "./list-watcher.ts";

/** managedFields as the apiserver writes them: one entry per manager, fieldsV1 naming every field it set. */
function managedFieldsEntry(manager: string, keys: readonly string[]) {
  return {
    manager,
    operation: "Update",
    apiVersion: "v1",
    time: "2026-12-03T10:00:00Z",
    fieldsType: "FieldsV1",
    fieldsV1: { "f:data": Object.fromEntries(keys.map((k) => [`f:${k}`, {}])), "f:metadata": { "f:labels": { "f:app": {} } } },
  };
}

function secret(extra: Partial<NonNullable<KubeObject["metadata"]>> = {}): KubeObject & { data: Record<string, string> } {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s", namespace: "ns", uid: "u-1", resourceVersion: "7", labels: { app: "x" }, ...extra },
    data: { password: Buffer.from("hunter2").toString("base64") },
  };
}

describe("cache transforms", () => {
  test("withoutManagedFields drops managedFields and keeps everything else, without mutating its input", () => {
    const input = secret({ managedFields: [managedFieldsEntry("kubectl", ["password"])] });
    const before = structuredClone(input);
    const out = withoutManagedFields(input) as typeof input;
    assert.equal(out.metadata?.managedFields, undefined);
    assert.deepEqual(out.data, input.data);
    assert.deepEqual({ ...out.metadata }, { name: "s", namespace: "ns", uid: "u-1", resourceVersion: "7", labels: { app: "x" } });
    assert.deepEqual(input, before);
  });

  test("withoutManagedFields returns an object without managedFields as it is", () => {
    const input = secret();
    assert.equal(withoutManagedFields(input), input);
  });

  test("keepManagedFieldsOf keeps only the entries of managers with the prefix", () => {
    const ours = managedFieldsEntry("externalsecrets.external-secrets.io/db", ["password"]);
    const input = secret({ managedFields: [managedFieldsEntry("kubectl-client-side-apply", ["other"]), ours, managedFieldsEntry("helm", ["x"])] });
    const out = keepManagedFieldsOf("externalsecrets.external-secrets.io/")(input);
    assert.deepEqual(out.metadata?.managedFields, [ours]);
    const none = keepManagedFieldsOf("externalsecrets.external-secrets.io/")(secret({ managedFields: [managedFieldsEntry("kubectl", ["a"])] }));
    assert.equal("managedFields" in (none.metadata ?? {}), false);
  });

  test("withoutAnnotations drops only the named annotations", () => {
    const input = secret({ annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{...}", keep: "me" } });
    const out = withoutAnnotations(["kubectl.kubernetes.io/last-applied-configuration"])(input);
    assert.deepEqual(out.metadata?.annotations, { keep: "me" });
    assert.equal(withoutAnnotations(["absent"])(input), input);
  });

  test("byte budget: 1,000 cached objects without managedFields take under half the bytes of the raw objects", () => {
    const raw = Array.from({ length: 1000 }, (_, i) =>
      secret({ name: `s-${i}`, managedFields: [managedFieldsEntry("kubectl-client-side-apply", ["password"]), managedFieldsEntry("externalsecrets.external-secrets.io/es", ["password"])] }));
    const transform = composeTransforms(withoutManagedFields);
    const kept = cachedBytes(raw.map(transform));
    assert.ok(kept * 2 < cachedBytes(raw), `kept ${kept} of ${cachedBytes(raw)} bytes`);
    assert.ok(kept / 1000 < 300, `${kept / 1000} bytes per cached Secret`);
  });
});
