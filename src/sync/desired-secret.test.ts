import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { V1Secret } from "@kubernetes/client-node";
import { CREATED_BY_LABEL, DATA_HASH_ANNOTATION, MANAGED_LABEL, desiredSecret, fieldManagerFor, keysManagedBy, type DesiredSecretInput } from "./desired-secret.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const b64 = (s: string) => Buffer.from(s).toString("base64");

function makeInput(mutate: (i: DesiredSecretInput) => void = () => {}): DesiredSecretInput {
  const input: DesiredSecretInput = {
    owner: { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "es", namespace: "ns", uid: "uid-1", labels: { team: "a" }, annotations: { note: "x" } },
    targetName: "target",
    creationPolicy: "Owner",
    hasTemplate: false,
    immutable: false,
    data: new Map([["password", enc("pw")]]),
    existing: undefined,
  };
  mutate(input);
  return input;
}

function existingSecret(mutate: (s: V1Secret) => void = () => {}): V1Secret {
  const s: V1Secret = { metadata: { name: "target", namespace: "ns", resourceVersion: "7", labels: { other: "keep" } }, type: "Opaque", data: { foreign: b64("f") } };
  mutate(s);
  return s;
}

describe("desiredSecret", () => {
  test("Owner: creates with a controller reference, managed and created-by labels, data-hash", () => {
    const r = desiredSecret(makeInput());
    assert.ok(r.ok);
    const m = r.secret.metadata!;
    assert.deepEqual(m.ownerReferences, [{ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "es", uid: "uid-1", controller: true, blockOwnerDeletion: true }]);
    assert.equal(m.labels?.[MANAGED_LABEL], "true");
    assert.ok(m.labels?.[CREATED_BY_LABEL]);
    assert.equal(m.labels?.team, "a", "the ExternalSecret's labels are copied when there is no template");
    assert.ok(m.annotations?.[DATA_HASH_ANNOTATION]);
    assert.deepEqual(r.secret.data, { password: b64("pw") });
    assert.equal(r.secret.type, "Opaque");
    assert.equal(r.changed, true);
  });

  test("Owner: replaces data on an existing Secret and keeps foreign metadata", () => {
    const r = desiredSecret(makeInput((i) => (i.existing = existingSecret())));
    assert.ok(r.ok);
    assert.deepEqual(r.secret.data, { password: b64("pw") });
    assert.equal(r.secret.metadata?.labels?.other, "keep");
    assert.equal(r.secret.metadata?.resourceVersion, "7", "optimistic concurrency on update");
  });

  test("Owner: refuses a Secret controlled by another ExternalSecret", () => {
    const r = desiredSecret(makeInput((i) => (i.existing = existingSecret((s) => (s.metadata!.ownerReferences = [{ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "other", uid: "uid-2", controller: true }])))));
    assert.deepEqual(r.ok ? "ok" : r.reason, "OwnedByAnother");
  });

  test("Orphan: no owner reference, no created-by label", () => {
    const r = desiredSecret(makeInput((i) => (i.creationPolicy = "Orphan")));
    assert.ok(r.ok);
    assert.equal(r.secret.metadata?.ownerReferences, undefined);
    assert.equal(r.secret.metadata?.labels?.[CREATED_BY_LABEL], undefined);
  });

  test("Merge: keeps foreign keys, replaces the keys this ExternalSecret managed before", () => {
    const existing = existingSecret((s) => {
      s.data = { foreign: b64("f"), old: b64("stale"), password: b64("old") };
      s.metadata!.managedFields = [{ manager: fieldManagerFor("es"), operation: "Update", fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:old": {}, "f:password": {} } } }];
    });
    const r = desiredSecret(makeInput((i) => { i.creationPolicy = "Merge"; i.existing = existing; }));
    assert.ok(r.ok);
    assert.deepEqual(r.secret.data, { foreign: b64("f"), password: b64("pw") });
  });

  test("Merge: waits for the target to exist", () => {
    const r = desiredSecret(makeInput((i) => (i.creationPolicy = "Merge")));
    assert.deepEqual(r.ok ? "ok" : r.reason, "TargetMissing");
  });

  test("an immutable Secret whose data would change is refused, unchanged data is fine", () => {
    const immutable = existingSecret((s) => { s.immutable = true; s.data = { password: b64("old") }; });
    const r = desiredSecret(makeInput((i) => (i.existing = immutable)));
    assert.deepEqual(r.ok ? "ok" : r.reason, "Immutable");
    const same = existingSecret((s) => { s.immutable = true; s.data = { password: b64("pw") }; });
    assert.equal(desiredSecret(makeInput((i) => (i.existing = same))).ok, true);
  });

  test("an unchanged Secret is not rewritten", () => {
    const first = desiredSecret(makeInput());
    assert.ok(first.ok);
    const second = desiredSecret(makeInput((i) => (i.existing = { ...first.secret, metadata: { ...first.secret.metadata, resourceVersion: "9" } })));
    assert.ok(second.ok);
    assert.equal(second.changed, false);
  });

  test("template type and metadata; the ExternalSecret's labels are not copied with a template", () => {
    const r = desiredSecret(makeInput((i) => {
      i.hasTemplate = true;
      i.type = "kubernetes.io/dockerconfigjson";
      i.templateMetadata = { labels: { app: "web" }, annotations: { a: "b" } };
    }));
    assert.ok(r.ok);
    assert.equal(r.secret.type, "kubernetes.io/dockerconfigjson");
    assert.equal(r.secret.metadata?.labels?.app, "web");
    assert.equal(r.secret.metadata?.labels?.team, undefined);
    assert.equal(r.secret.metadata?.annotations?.a, "b");
  });

  test("keysManagedBy reads only the given manager's data keys", () => {
    const s = existingSecret((x) => (x.metadata!.managedFields = [
      { manager: "kubectl", fieldsV1: { "f:data": { "f:mine": {} } } },
      { manager: fieldManagerFor("es"), fieldsV1: { "f:data": { "f:a": {}, ".": {} }, "f:metadata": {} } },
    ]));
    assert.deepEqual([...keysManagedBy(s, fieldManagerFor("es"))], ["a"]);
  });
});
