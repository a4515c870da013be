import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeThroughWebhookConfiguration } from "./webhook-configuration.ts";

describe("writeThroughWebhookConfiguration", () => {
  test("opt-in by label, never system namespaces, CREATE/UPDATE, NoneOnDryRun, Fail", () => {
    const config = writeThroughWebhookConfiguration({ client: { service: { namespace: "ferry-system", name: "ferry-webhook" } }, caBundle: "PEM", excludeNamespaces: ["ferry-system"] });
    const [hook] = (config as { webhooks: Array<Record<string, unknown>> }).webhooks;
    assert.deepEqual(hook!.objectSelector, { matchExpressions: [{ key: "ferry.dev/write-through", operator: "Exists" }] });
    assert.deepEqual(hook!.namespaceSelector, { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "kube-public", "kube-node-lease", "ferry-system"] }] });
    assert.deepEqual((hook!.rules as Array<{ operations: string[] }>)[0]!.operations, ["CREATE", "UPDATE"]);
    assert.equal(hook!.sideEffects, "NoneOnDryRun");
    assert.equal(hook!.failurePolicy, "Fail");
    assert.deepEqual(hook!.admissionReviewVersions, ["v1"]);
    assert.deepEqual(hook!.clientConfig, { service: { namespace: "ferry-system", name: "ferry-webhook", port: 443, path: "/write-through" }, caBundle: Buffer.from("PEM").toString("base64") });
  });

  test("a URL client gets the path appended", () => {
    const config = writeThroughWebhookConfiguration({ client: { url: "https://127.0.0.1:9443/" }, caBundle: "PEM" });
    assert.equal((config as { webhooks: Array<{ clientConfig: { url: string } }> }).webhooks[0]!.clientConfig.url, "https://127.0.0.1:9443/write-through");
  });
});
