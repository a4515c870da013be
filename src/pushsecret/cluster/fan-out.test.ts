import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ClusterPushSecret } from "../../apis/push-secret.ts";
import { desiredPushSecret, isOwnedBy, needsUpdate, pushSecretNameOf, selectedNamespaces, type NamespaceInfo } from "./fan-out.ts";

const ns = (name: string, labels: Record<string, string> = {}, terminating = false): NamespaceInfo => ({ name, labels, terminating });
const all = [ns("b", { team: "x" }), ns("a", { team: "x" }), ns("c", { team: "y" }), ns("d", { team: "x" }, true)];

function cps(extra: Partial<ClusterPushSecret["spec"]> = {}): ClusterPushSecret {
  return {
    apiVersion: "external-secrets.io/v1alpha1",
    kind: "ClusterPushSecret",
    metadata: { name: "shared", uid: "u1" },
    spec: {
      pushSecretSpec: { refreshInterval: "1h", secretStoreRefs: [{ name: "aws", kind: "SecretStore" }], updatePolicy: "Replace", deletionPolicy: "None", selector: { secret: { name: "s" } }, data: [] },
      ...extra,
    },
  };
}

describe("selectedNamespaces", () => {
  const cases: Array<[string, Array<{ matchLabels?: Record<string, string> }> | undefined, string[]]> = [
    ["no selectors select nothing", undefined, []],
    ["one selector, sorted, terminating skipped", [{ matchLabels: { team: "x" } }], ["a", "b"]],
    ["selectors are ORed", [{ matchLabels: { team: "x" } }, { matchLabels: { team: "y" } }], ["a", "b", "c"]],
    ["an empty selector selects every namespace", [{}], ["a", "b", "c"]],
  ];
  for (const [name, selectors, expected] of cases) test(name, () => assert.deepEqual(selectedNamespaces(selectors, all), expected));
});

test("the PushSecret name defaults to the ClusterPushSecret's", () => {
  assert.equal(pushSecretNameOf(cps()), "shared");
  assert.equal(pushSecretNameOf(cps({ pushSecretName: "other" })), "other");
});

test("the desired PushSecret: template spec and metadata, controlled by the ClusterPushSecret", () => {
  const d = desiredPushSecret(cps({ pushSecretMetadata: { labels: { l: "1" } } }), "a") as { metadata: Record<string, unknown>; spec: unknown };
  assert.deepEqual(d.metadata, { name: "shared", namespace: "a", labels: { l: "1" }, annotations: {}, ownerReferences: [{ apiVersion: "external-secrets.io/v1alpha1", kind: "ClusterPushSecret", name: "shared", uid: "u1", controller: true, blockOwnerDeletion: true }] });
  assert.deepEqual(d.spec, cps().spec.pushSecretSpec);
});

describe("isOwnedBy", () => {
  const ref = (o: Record<string, unknown>) => ({ metadata: { ownerReferences: [{ kind: "ClusterPushSecret", name: "shared", uid: "u1", controller: true, ...o }] } });
  test("controlled by it", () => assert.equal(isOwnedBy(ref({}), cps()), true));
  test("another ClusterPushSecret of the same name (other uid)", () => assert.equal(isOwnedBy(ref({ uid: "u2" }), cps()), false));
  test("not as controller", () => assert.equal(isOwnedBy(ref({ controller: false }), cps()), false));
  test("made by someone else", () => assert.equal(isOwnedBy({ metadata: {} }, cps()), false));
});

test("needsUpdate ignores key order, sees spec and label changes", () => {
  const desired = desiredPushSecret(cps(), "a");
  const same = { metadata: { labels: {}, annotations: {} }, spec: JSON.parse(JSON.stringify(cps().spec.pushSecretSpec)) as unknown };
  assert.equal(needsUpdate(same, desired), false);
  assert.equal(needsUpdate({ ...same, metadata: { labels: { x: "1" }, annotations: {} } }, desired), true);
  assert.equal(needsUpdate({ ...same, spec: { ...(same.spec as object), updatePolicy: "IfNotExists" } }, desired), true);
});
