// Identity per pod, as ASCP does it with IRSA (credential_provider/irsa_credential_provider.go): the token
// kubelet minted for the pod (audience sts.amazonaws.com, here from the real TokenRequest API) is exchanged
// with AssumeRoleWithWebIdentity for the role in the pod's ServiceAccount annotation
// eks.amazonaws.com/role-arn, read from the apiserver. Checked on the wire: moto's recorder keeps what was
// sent to STS, the proxy sees who signed each read. Also EKS Pod Identity (usePodIdentity) against a fake
// node agent.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { status, type ServiceError } from "@grpc/grpc-js";
import * as k8s from "@kubernetes/client-node";
import { MotoRecorder, recordSigners } from "../providers/aws-harness.ts";
import { MountHarness } from "./mount-harness.ts";

let h: MountHarness;
let recorder: MotoRecorder;
let agent: Server;
const agentRequests: Array<string | undefined> = [];
const objects = '- objectName: "who/am/i"\n  objectType: secretsmanager';

before(async () => {
  agent = createServer((req, res) => {
    agentRequests.push(req.headers.authorization);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({ AccessKeyId: "ASIAPODIDENTITY00001", SecretAccessKey: "pod-identity-secret", Token: "pod-identity-session", Expiration: new Date(Date.now() + 3_600_000).toISOString() }),
    );
  });
  await new Promise<void>((resolve) => agent.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(agent.address() as AddressInfo).port}/v1/credentials`;
  h = await MountHarness.start({ podIdentityEndpoints: { ipv4: url, ipv6: "http://[::1]:9/v1/credentials" } });
  recorder = new MotoRecorder(h.env.state.motoUrl);
  await recorder.start();
  await h.createSecret("who/am/i", "value");
});
after(async () => {
  await h.close();
  await new Promise<void>((resolve) => agent.close(() => resolve()));
});

describe("pod identity", () => {
  test("IRSA: the pod's own token and its ServiceAccount's role go to STS; reads are signed with that session", async () => {
    const role = `irsa-${Date.now()}`;
    const pod = await h.pod({ role });
    const signers = recordSigners(h.proxy);
    try {
      assert.deepEqual((await h.mount({ region: h.region, objects }, pod)).files, { who_am_i: "value" });
    } finally {
      signers.stop();
    }
    const sent = (await recorder.stsRequests("AssumeRoleWithWebIdentity")).filter((form) => form.get("RoleArn") === h.roleArn(role));
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.get("WebIdentityToken"), pod.token, "kubelet's token, not one the provider minted");
    assert.equal(sent[0]!.get("RoleSessionName"), `ferry.${pod.namespace}.${pod.name}`.slice(0, 64));
    assert.deepEqual(signers.seen[0], { action: "AssumeRoleWithWebIdentity", signedBy: undefined }, "unsigned: the token is the credential");
    assert.match(signers.seen[1]?.signedBy ?? "", /^ASIA/, "read with the role session, not the provider's own identity");

    // The token is the ServiceAccount's, for audience sts.amazonaws.com, as the apiserver confirms.
    const review = await h.kc.makeApiClient(k8s.AuthenticationV1Api).createTokenReview({ body: { spec: { token: pod.token, audiences: ["sts.amazonaws.com"] } } });
    assert.equal(review.status?.user?.username, `system:serviceaccount:${pod.namespace}:${pod.serviceAccount}`);
  });

  test("tokens in MountRequest.secrets (Kubernetes 1.35+ serviceAccountTokenInSecrets) are used", async () => {
    const pod = await h.pod();
    const attributes = h.attributes({ region: h.region, objects }, pod);
    const tokens = attributes["csi.storage.k8s.io/serviceAccount.tokens"]!;
    delete attributes["csi.storage.k8s.io/serviceAccount.tokens"];
    const raw = await h.mountRaw({ attributes, secrets: { "csi.storage.k8s.io/serviceAccount.tokens": tokens } });
    assert.equal(raw.files[0]?.contents.toString(), "value");
  });

  test("a ServiceAccount without the role annotation: UNAUTHENTICATED naming it, no AWS call", async () => {
    const pod = await h.pod({ role: null });
    h.proxy.resetCounts();
    await assert.rejects(h.mount({ region: h.region, objects }, pod), (err: ServiceError) => {
      assert.equal(err.code, status.UNAUTHENTICATED);
      assert.equal(err.details, `ferry: an IAM role must be associated with serviceaccount ${pod.namespace}/app (annotation eks.amazonaws.com/role-arn)`);
      return true;
    });
    assert.deepEqual(h.proxy.counts(), {});
  });

  test("STS refuses the token: UNAUTHENTICATED naming the ServiceAccount and the role, never the token", async () => {
    const pod = await h.pod({ role: "untrusted" });
    const stop = h.proxy.inject({
      match: (r) => r.awsAction === "AssumeRoleWithWebIdentity",
      fault: {
        kind: "respond",
        status: 400,
        headers: { "content-type": "text/xml" },
        body: `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Incorrect token audience for ${pod.token}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
      },
    });
    try {
      await assert.rejects(h.mount({ region: h.region, objects }, pod), (err: ServiceError) => {
        assert.equal(err.code, status.UNAUTHENTICATED);
        assert.match(err.details, new RegExp(`credentials for serviceaccount ${pod.namespace}/app: AssumeRoleWithWebIdentity ${h.roleArn("untrusted")}.*InvalidIdentityToken`));
        assert.ok(!err.details.includes(pod.token), "the token is redacted");
        return true;
      });
    } finally {
      stop();
    }
  });

  test("usePodIdentity: the pods.eks.amazonaws.com token goes to the node's Pod Identity agent; one agent call for repeated mounts", async () => {
    const pod = await h.pod({ role: null });
    const attributes = h.attributes({ region: h.region, usePodIdentity: "true", objects }, pod);
    attributes["csi.storage.k8s.io/serviceAccount.tokens"] = JSON.stringify({
      "sts.amazonaws.com": { token: pod.token, expirationTimestamp: pod.tokenExpiration },
      "pods.eks.amazonaws.com": { token: "pod-identity-token-for-app", expirationTimestamp: pod.tokenExpiration },
    });
    const signers = recordSigners(h.proxy);
    try {
      for (let i = 0; i < 3; i++) assert.equal((await h.mountRaw({ attributes })).files[0]?.contents.toString(), "value");
    } finally {
      signers.stop();
    }
    assert.deepEqual(agentRequests, ["pod-identity-token-for-app"]);
    assert.deepEqual(
      signers.seen.map((s) => s.signedBy),
      ["ASIAPODIDENTITY00001", "ASIAPODIDENTITY00001", "ASIAPODIDENTITY00001"],
    );
  });
});
