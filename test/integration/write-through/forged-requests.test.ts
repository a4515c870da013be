// The attacks of issue 9 on the real control plane: the apiserver presents its webhook client certificate
// (test/env/kube-apiserver.ts configures it as a cluster would), so a real create through the apiserver
// works, while a forged AdmissionReview POSTed straight to the webhook by anyone else is refused and writes
// nothing to moto (counted through the fault proxy). A review replayed with a stale old object, and the
// adoption forgery (planted write-through annotations, then the label) are refused before AWS.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { RECORDED, WRITE_THROUGH_LABEL } from "../../../src/write-through/names.ts";
import { WEBHOOK_PATH } from "../../../src/write-through/webhook-configuration.ts";
import { TestEnvironment } from "../../env/index.ts";
import { labelledSecretManifest, startWriteThrough, type WriteThroughHarness } from "./write-through-harness.ts";

const env = TestEnvironment.load();
const CANARY = `canary-${Date.now().toString(36)}-Frg`;
const WRITES = new Set(["CreateSecret", "PutSecretValue", "UpdateSecret", "DeleteSecret", "RestoreSecret", "TagResource", "UntagResource"]);
let h: WriteThroughHarness;

before(async () => {
  h = await startWriteThrough();
});
after(async () => {
  await h.stop();
});

/** AWS write calls that went through the fault proxy so far (the webhook's and anyone's). */
const awsWrites = () => h.sync.aws.log.filter((e) => e.awsAction !== undefined && WRITES.has(e.awsAction)).length;

/** POSTs an AdmissionReview straight to the webhook, as a pod that can reach its port would. */
function post(body: unknown, identity: { cert: Buffer; key: Buffer } | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${h.manager.server.url}${WEBHOOK_PATH}?timeout=10s`,
      { method: "POST", ca: readFileSync(env.state.pki.caCert), headers: { "content-type": "application/json" }, agent: false, ...identity },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

/** An UPDATE review of a real, stored Secret (uid and resourceVersion copied from it) with new values. */
function updateReview(old: Record<string, unknown>, password: string): unknown {
  const meta = old.metadata as Record<string, unknown>;
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "forged-1",
      kind: { group: "", version: "v1", kind: "Secret" },
      resource: { group: "", version: "v1", resource: "secrets" },
      requestKind: { group: "", version: "v1", kind: "Secret" },
      requestResource: { group: "", version: "v1", resource: "secrets" },
      namespace: meta.namespace,
      name: meta.name,
      operation: "UPDATE",
      userInfo: { username: "system:serviceaccount:team-b:default" },
      object: { ...old, data: { password: Buffer.from(password).toString("base64") } },
      oldObject: old,
      dryRun: false,
    },
  };
}

const pair = (cert: string, key: string) => ({ cert: readFileSync(cert), key: readFileSync(key) });

describe("caller authentication", () => {
  test("a real kubectl create through the apiserver works; forged reviews from anyone else are refused and write nothing", async () => {
    await h.kubectl(["create", "-f", "-"], await labelledSecretManifest(h, "db", { password: "original" }, { [WRITE_THROUGH_LABEL]: "aws" }));
    const remote = `ferry/${h.namespace}/db`;
    assert.equal(await h.value(remote), JSON.stringify({ password: "original" }));
    const stored = JSON.parse(await h.kubectl(["get", "secret", "db", "-o", "json"])) as Record<string, unknown>;

    const [writes, reviews] = [awsWrites(), h.reviews.length];
    const forged = updateReview(stored, CANARY);
    const { pki } = env.state;
    const callers: Array<[string, { cert: Buffer; key: Buffer } | undefined, number, RegExp]> = [
      ["a pod without a certificate", undefined, 401, /no client certificate/],
      // Signed by the cluster CA, even system:masters, but not the apiserver's webhook client identity.
      ["the admin's client certificate", pair(pki.adminCert, pki.adminKey), 403, /CN "ferry-test-admin" is not an allowed caller/],
    ];
    for (const [who, identity, status, message] of callers) {
      const res = await post(forged, identity);
      assert.equal(res.status, status, who);
      assert.match(res.body, message, who);
    }
    assert.equal(awsWrites(), writes, "no AWS write went through the proxy");
    assert.equal(h.reviews.length, reviews, "no review was handled");
    assert.equal(h.manager.server.refusedCallers, callers.length);
    assert.equal(await h.value(remote), JSON.stringify({ password: "original" }), "the AWS value is untouched");
  });

  test("even with the apiserver's identity, a replayed review (stale resourceVersion) is refused before AWS", async () => {
    await h.kubectl(["create", "-f", "-"], await labelledSecretManifest(h, "replayed", { password: "v1" }, { [WRITE_THROUGH_LABEL]: "aws" }));
    const v1 = JSON.parse(await h.kubectl(["get", "secret", "replayed", "-o", "json"])) as Record<string, unknown>;
    await h.kubectl(["label", "secret", "replayed", "touched=yes"]);
    const writes = awsWrites();
    const { pki } = env.state;
    const res = await post(updateReview(v1, CANARY), pair(pki.webhookClientCert, pki.webhookClientKey));
    assert.equal(res.status, 200);
    const review = JSON.parse(res.body) as { response: { allowed: boolean; status?: { code: number; message: string } } };
    assert.equal(review.response.allowed, false);
    assert.equal(review.response.status?.code, 409);
    assert.match(review.response.status?.message ?? "", /the Secret changed meanwhile \(resourceVersion \d+, the request says \d+\); retry the update/);
    assert.equal(awsWrites(), writes);
    assert.equal(await h.value(`ferry/${h.namespace}/replayed`), JSON.stringify({ password: "v1" }));
  });
});

describe("adoption forgery", () => {
  test("an unlabelled Secret with a forged remote key for another namespace, then labelled, is refused; nothing created in AWS", async () => {
    const victim = `ferry/team-victim/squat`;
    const forged = {
      [RECORDED.remoteKey]: victim,
      [RECORDED.arn]: `arn:aws:secretsmanager:${env.state.region}:123456789012:secret:${victim}-AbCdEf`,
      [RECORDED.version]: "00000000-0000-0000-0000-000000000001",
      [RECORDED.keys]: "password",
      [RECORDED.contentHash]: "0".repeat(64),
      [RECORDED.encoding]: "text",
    };
    // Unlabelled: the webhook never sees it, so nothing strips the planted annotations.
    await h.core.createNamespacedSecret({ namespace: h.namespace, body: { metadata: { name: "squat", annotations: forged }, stringData: { password: CANARY } } });
    const writes = awsWrites();
    await assert.rejects(
      h.kubectl(["label", "secret", "squat", `${WRITE_THROUGH_LABEL}=aws`]),
      /denied the request: this Secret carries write-through annotations .* but was never written through; remove them before labelling it ferry.dev\/write-through/,
    );
    assert.equal(awsWrites(), writes, "nothing created or overwritten");
    assert.equal(await h.describe(victim), undefined);
    assert.equal(await h.describe(`ferry/${h.namespace}/squat`), undefined);

    // Without the planted annotations, adoption works as documented (under the template's name).
    await h.kubectl(["annotate", "secret", "squat", ...Object.keys(forged).map((k) => `${k}-`)]);
    await h.kubectl(["label", "secret", "squat", `${WRITE_THROUGH_LABEL}=aws`]);
    assert.equal(await h.value(`ferry/${h.namespace}/squat`), JSON.stringify({ password: CANARY }));
    assert.equal(await h.describe(victim), undefined);
  });
});

test("no canary in the webhook's logs", () => {
  const text = h.logs.join("\n");
  assert.match(text, /unauthenticated caller refused/);
  assert.doesNotMatch(text, new RegExp(`${CANARY}|${Buffer.from(CANARY).toString("base64").slice(0, 16)}`));
});
