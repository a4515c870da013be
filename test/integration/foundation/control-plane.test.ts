// Proves the local control plane is real: CRDs, TokenRequest, garbage collection and admission webhooks
// behave as on a cluster. No fakes: etcd, kube-apiserver and kube-controller-manager are built from Go modules.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import * as k8s from "@kubernetes/client-node";
import { TestEnvironment, waitForCrdEstablished, waitUntil } from "../../env/index.ts";

const env = TestEnvironment.load();
const kc = env.kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
let ns: { name: string; delete: () => Promise<void> };

before(async () => {
  ns = await env.createNamespace("control-plane");
});
after(async () => {
  await ns.delete();
});

describe("kube-apiserver", () => {
  test("a CRD becomes Established and its custom resources are served", async () => {
    const group = `probe${Date.now()}.ferry.dev`;
    const plural = "widgets";
    const name = `${plural}.${group}`;
    const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
    await extensions.createCustomResourceDefinition({
      body: {
        metadata: { name },
        spec: {
          group,
          scope: "Namespaced",
          names: { plural, singular: "widget", kind: "Widget" },
          versions: [{
            name: "v1", served: true, storage: true,
            schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer" } } } } } },
          }],
        },
      },
    });
    try {
      await waitForCrdEstablished(kc, name);
      const custom = kc.makeApiClient(k8s.CustomObjectsApi);
      await custom.createNamespacedCustomObject({
        group, version: "v1", namespace: ns.name, plural,
        body: { apiVersion: `${group}/v1`, kind: "Widget", metadata: { name: "w1" }, spec: { size: 3, dropped: true } },
      });
      const read = (await custom.getNamespacedCustomObject({ group, version: "v1", namespace: ns.name, plural, name: "w1" })) as { spec: Record<string, unknown> };
      assert.deepEqual(read.spec, { size: 3 }, "served through the structural schema (unknown fields pruned)");
    } finally {
      await extensions.deleteCustomResourceDefinition({ name });
    }
  });

  test("TokenRequest for audience sts.amazonaws.com returns a JWT signed by the service-account key", async () => {
    await core.createNamespacedServiceAccount({ namespace: ns.name, body: { metadata: { name: "app" } } });
    const tr = await core.createNamespacedServiceAccountToken({
      namespace: ns.name,
      name: "app",
      body: { spec: { audiences: ["sts.amazonaws.com"], expirationSeconds: 3600 } },
    });
    const token = tr.status!.token!;
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { iss: string; aud: string[]; sub: string; exp: number };
    assert.equal(claims.iss, env.state.apiserverUrl);
    assert.deepEqual(claims.aud, ["sts.amazonaws.com"]);
    assert.equal(claims.sub, `system:serviceaccount:${ns.name}:app`);
    assert.ok(claims.exp > Date.now() / 1000 + 3000);
    const { alg } = JSON.parse(Buffer.from(header, "base64url").toString()) as { alg: string };
    assert.equal(alg, "RS256");
    const key = createPublicKey(readFileSync(env.state.pki.serviceAccountPub));
    assert.ok(verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, "base64url")), "signature verifies");
    const tampered = Buffer.from(JSON.stringify({ ...claims, sub: "system:serviceaccount:x:y" })).toString("base64url");
    assert.ok(!verify("RSA-SHA256", Buffer.from(`${header}.${tampered}`), key, Buffer.from(signature, "base64url")), "a tampered token does not");
  });
});

describe("kube-controller-manager", () => {
  test("deleting an owner ConfigMap garbage-collects its dependent", async () => {
    const owner = await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: "owner" } } });
    await core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: "dependent", ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata!.uid! }] } },
    });
    await core.deleteNamespacedConfigMap({ namespace: ns.name, name: "owner" });
    await waitUntil("the dependent to be garbage-collected", async () => {
      const list = await core.listNamespacedConfigMap({ namespace: ns.name });
      return !list.items.some((c) => c.metadata?.name === "dependent");
    }, { timeoutMs: 60_000 });
  });

  test("the serviceaccount controller creates the default ServiceAccount", async () => {
    await waitUntil("default ServiceAccount", async () => {
      await core.readNamespacedServiceAccount({ namespace: ns.name, name: "default" });
      return true;
    }, { timeoutMs: 30_000 });
  });
});

describe("admission", () => {
  let server: Server;
  let calls = 0;

  before(async () => {
    const { pki } = env.state;
    server = createServer({ cert: readFileSync(pki.servingCert), key: readFileSync(pki.servingKey) }, (req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        calls++;
        const review = JSON.parse(body) as { request: { uid: string } };
        const patch = [{ op: "add", path: "/metadata/labels/mutated-by", value: "ferry-test" }];
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({
          apiVersion: "admission.k8s.io/v1",
          kind: "AdmissionReview",
          response: { uid: review.request.uid, allowed: true, patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(patch)).toString("base64") },
        }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test("a MutatingWebhookConfiguration on 127.0.0.1 is called over HTTPS and its patch applied", async () => {
    const port = (server.address() as AddressInfo).port;
    const admission = kc.makeApiClient(k8s.AdmissionregistrationV1Api);
    const name = `ferry-test-${ns.name}`;
    await admission.createMutatingWebhookConfiguration({
      body: {
        metadata: { name },
        webhooks: [{
          name: "probe.ferry.dev",
          admissionReviewVersions: ["v1"],
          sideEffects: "None",
          failurePolicy: "Fail",
          clientConfig: { url: `https://127.0.0.1:${port}/mutate`, caBundle: readFileSync(env.state.pki.caCert).toString("base64") },
          rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }],
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns.name } },
          objectSelector: { matchLabels: { probe: "webhook" } },
        }],
      },
    });
    try {
      // Registration is asynchronous: the apiserver watches webhook configurations.
      await waitUntil("the webhook to be active", async () => {
        const dry = await core.createNamespacedConfigMap({ namespace: ns.name, dryRun: "All", body: { metadata: { name: "dry", labels: { probe: "webhook" } } } });
        return dry.metadata?.labels?.["mutated-by"] === "ferry-test";
      }, { timeoutMs: 30_000 });
      const before = calls;
      const created = await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: "mutated", labels: { probe: "webhook" } } } });
      assert.equal(created.metadata?.labels?.["mutated-by"], "ferry-test");
      assert.equal(calls, before + 1);
      const unselected = await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: "untouched" } } });
      assert.equal(unselected.metadata?.labels?.["mutated-by"], undefined);
      assert.equal(calls, before + 1, "objects outside the selector never reach the webhook");
    } finally {
      await admission.deleteMutatingWebhookConfiguration({ name });
    }
  });
});
