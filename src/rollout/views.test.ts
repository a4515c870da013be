import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { secretView, workloadView } from "./views.ts";
import { parseWorkloadKey, rolloutApplyBody, workloadKey } from "./workload-kinds.ts";

const CANARY = "canary-rollout-3f9a";

function deployment(annotations: Record<string, string>, templateAnnotations: Record<string, string> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "team", uid: "u1", resourceVersion: "5", annotations, managedFields: [{ manager: "kubectl" }] },
    spec: {
      template: {
        metadata: { annotations: templateAnnotations },
        spec: {
          containers: [{ name: "app", image: "x", env: [{ name: "K", value: CANARY }, { name: "P", valueFrom: { secretKeyRef: { name: "db", key: "p" } } }] }],
          volumes: [{ name: "v", secret: { secretName: "tls" } }],
        },
      },
    },
  };
}

describe("workloadView", () => {
  test("an opted-in workload keeps its policy, consumed Secrets and current hash, not its template", () => {
    const v = workloadView(deployment({ "ferry.dev/rollout-on-change": "true" }, { "ferry.dev/secrets-hash": "h1", "configmap.reloader.stakater.com/auto": "true" }));
    assert.deepEqual(v.rollout.consumed, ["db", "tls"]);
    assert.equal(v.rollout.templateHash, "h1");
    assert.deepEqual(v.rollout.unsupportedKeys, ["configmap.reloader.stakater.com/auto"]);
    assert.deepEqual(v.metadata, { name: "web", namespace: "team", uid: "u1", resourceVersion: "5" });
    assert.ok(!JSON.stringify(v).includes(CANARY));
  });
  test("a workload that did not opt in keeps its identity only", () => {
    const v = workloadView(deployment({}));
    assert.deepEqual(v.rollout.consumed, []);
    assert.equal(v.rollout.policy.sources.length, 0);
    assert.ok(!JSON.stringify(v).includes("spec"));
  });
});

describe("secretView", () => {
  const secret = (data: Record<string, string>, annotations: Record<string, string> = {}) => ({
    metadata: { name: "db", namespace: "team", uid: "s1", resourceVersion: "9", annotations: { ...annotations, other: CANARY } },
    data,
  });
  test("keeps a digest and Reloader's Secret annotations, never the data", () => {
    const v = secretView(secret({ p: Buffer.from(CANARY).toString("base64") }, { "reloader.stakater.com/match": "true" }));
    assert.deepEqual(v.metadata?.annotations, { "reloader.stakater.com/match": "true" });
    assert.ok(!JSON.stringify(v).includes(CANARY) && !JSON.stringify(v).includes(Buffer.from(CANARY).toString("base64")));
  });
  test("the digest follows the data only", () => {
    assert.equal(secretView(secret({ p: "YQ==" })).digest, secretView({ ...secret({ p: "YQ==" }), metadata: { name: "db", resourceVersion: "10" } }).digest);
    assert.notEqual(secretView(secret({ p: "YQ==" })).digest, secretView(secret({ p: "Yg==" })).digest);
  });
});

describe("workload keys and the apply body", () => {
  test("round trip", () => {
    const ref = { kind: "StatefulSet" as const, namespace: "team", name: "db-0" };
    const key = workloadKey(ref);
    const slash = key.indexOf("/");
    assert.deepEqual(parseWorkloadKey(key.slice(0, slash), key.slice(slash + 1)), ref);
  });
  const bad: Array<[string | undefined, string]> = [[undefined, "Deployment:x"], ["ns", "x"], ["ns", "Pod:x"]];
  for (const [ns, name] of bad) test(`rejects ${ns}/${name}`, () => assert.equal(parseWorkloadKey(ns, name), undefined));
  test("the apply body sets one template annotation", () => {
    assert.deepEqual(rolloutApplyBody({ kind: "DaemonSet", namespace: "n", name: "d" }, "ferry.dev/secrets-hash", "h"), {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "d", namespace: "n" },
      spec: { template: { metadata: { annotations: { "ferry.dev/secrets-hash": "h" } } } },
    });
  });
});
