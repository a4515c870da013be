import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { makeClusterExternalSecret } from "../../apis/testing/builders.ts";
import { desiredExternalSecret, isControlledBy, updatedExternalSecret, type ExternalSecretObject } from "./desired-external-secret.ts";

const owner = (apiVersion: string, kind: string, name: string, controller = true) => ({ metadata: { ownerReferences: [{ apiVersion, kind, name, uid: "u", controller }] } }) as ExternalSecretObject;

describe("isControlledBy", () => {
  const cases: Array<[string, ExternalSecretObject, boolean]> = [
    ["the ClusterExternalSecret, v1", owner("external-secrets.io/v1", "ClusterExternalSecret", "shared"), true],
    ["the ClusterExternalSecret, v1beta1 (ESO before 0.17 wrote this)", owner("external-secrets.io/v1beta1", "ClusterExternalSecret", "shared"), true],
    ["another ClusterExternalSecret", owner("external-secrets.io/v1", "ClusterExternalSecret", "other"), false],
    ["an owner that is not the controller", owner("external-secrets.io/v1", "ClusterExternalSecret", "shared", false), false],
    ["another group's kind of that name", owner("example.com/v1", "ClusterExternalSecret", "shared"), false],
    ["no owner", { metadata: {} }, false],
  ];
  for (const [name, es, want] of cases) test(name, () => assert.equal(isControlledBy(es, "shared"), want));
});

describe("desiredExternalSecret", () => {
  test("spec copied, metadata exactly externalSecretMetadata, the ClusterExternalSecret as controller", () => {
    const ces = makeClusterExternalSecret((c) => void (c.spec.externalSecretMetadata = { labels: { a: "1" }, annotations: { b: "2" } }));
    const es = desiredExternalSecret(ces, { raw: true }, "team-a");
    assert.deepEqual(es, {
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: {
        name: "shared",
        namespace: "team-a",
        labels: { a: "1" },
        annotations: { b: "2" },
        ownerReferences: [{ apiVersion: "external-secrets.io/v1", kind: "ClusterExternalSecret", name: "shared", uid: "ces-uid", controller: true, blockOwnerDeletion: true }],
      },
      spec: { raw: true },
    });
    assert.equal(updatedExternalSecret({ ...es, metadata: { ...es.metadata, uid: "x" } }, es), undefined, "already as desired: no write");
  });
});
