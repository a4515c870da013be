// The AWS provider's authentication against the real apiserver (Secrets, ServiceAccounts, TokenRequest)
// and moto's STS, through the counting fault proxy. What was sent is checked on the wire: the proxy sees
// who signed each request, moto's recorder keeps the STS request bodies.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { faults } from "../../env/index.ts";
import {
  MotoRecorder,
  RecordingKubeAccess,
  createSecret,
  createServiceAccount,
  outcomeOf,
  recordSigners,
  recordingProvider,
  replaceSecret,
  startAwsHarness,
  storeRef,
  text,
  type AwsHarness,
} from "./aws-harness.ts";

let h: AwsHarness;
let kc: k8s.KubeConfig;
let recorder: MotoRecorder;
const namespaces: Array<{ name: string; delete: () => Promise<void> }> = [];

before(async () => {
  h = await startAwsHarness();
  kc = h.env.kubeConfig();
  recorder = new MotoRecorder(h.env.state.motoUrl);
  await recorder.start();
  const sm = new SecretsManagerClient({});
  await sm.send(new CreateSecretCommand({ Name: "auth/db", SecretString: "db-password" }));
  sm.destroy();
  const ssm = new SSMClient({});
  await ssm.send(new PutParameterCommand({ Name: "/auth/param", Value: "param-value", Type: "SecureString" }));
  ssm.destroy();
});
after(async () => {
  for (const ns of namespaces) await ns.delete();
  await h.close();
});

async function namespace(): Promise<string> {
  const ns = await h.env.createNamespace("aws-auth");
  namespaces.push(ns);
  return ns.name;
}

const roleArn = (name: string) => `arn:aws:iam::${h.accountId}:role/${name}`;
const staticKeys = (id: string) => ({ "access-key-id": id, "secret-access-key": `secret-for-${id}` });
const secretRef = (secret: string, refNamespace?: string) => {
  const ref = (key: string) => ({ name: secret, key, ...(refNamespace ? { namespace: refNamespace } : {}) });
  return { secretRef: { accessKeyIDSecretRef: ref("access-key-id"), secretAccessKeySecretRef: ref("secret-access-key") } };
};

/** Runs `fn` with these environment variables set (undefined: unset), restoring them after. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

describe("AWS auth", () => {
  test("secretRef: requests are signed with the keys from the Kubernetes Secret", async () => {
    const ns = await namespace();
    await createSecret(kc, ns, "aws-creds", staticKeys("AKIASECRETREF0000001"));
    const kube = new RecordingKubeAccess(kc);
    const { provider } = recordingProvider();
    const signers = recordSigners(h.proxy);
    try {
      const client = await provider.clientFor({ store: storeRef(h.region, { auth: secretRef("aws-creds") }, { namespace: ns }), namespace: ns, kube });
      for (let i = 0; i < 5; i++) assert.equal(text(outcomeOf(await client.readSecrets([{ key: "auth/db" }]), { key: "auth/db" })), "db-password");
    } finally {
      signers.stop();
    }
    assert.deepEqual(signers.seen, Array.from({ length: 5 }, () => ({ action: "BatchGetSecretValue", signedBy: "AKIASECRETREF0000001" })));
    assert.equal(kube.calls.readSecretKey, 2, "the Secret is read once, not per refresh");
  });

  test("secretRef on a ClusterSecretStore without namespace: each ExternalSecret namespace's own Secret (referent auth)", async () => {
    const [a, b] = [await namespace(), await namespace()];
    await createSecret(kc, a, "aws-creds", staticKeys("AKIAREFERENTA0000001"));
    await createSecret(kc, b, "aws-creds", staticKeys("AKIAREFERENTB0000001"));
    const kube = new RecordingKubeAccess(kc);
    const { provider } = recordingProvider();
    const store = storeRef(h.region, { auth: secretRef("aws-creds") }, { kind: "ClusterSecretStore" });
    const signers = recordSigners(h.proxy);
    try {
      for (const ns of [a, b, a, b]) await (await provider.clientFor({ store, namespace: ns, kube })).readSecrets([{ key: "auth/db" }]);
    } finally {
      signers.stop();
    }
    assert.deepEqual(
      signers.seen.map((s) => s.signedBy),
      ["AKIAREFERENTA0000001", "AKIAREFERENTB0000001", "AKIAREFERENTA0000001", "AKIAREFERENTB0000001"],
    );
    assert.equal(kube.calls.readSecretKey, 4);
  });

  test("jwt: a real TokenRequest is exchanged with AssumeRoleWithWebIdentity for the annotated role", async () => {
    const ns = await namespace();
    const role = roleArn(`irsa-${randomUUID().slice(0, 8)}`);
    await createServiceAccount(kc, ns, "reader", { "eks.amazonaws.com/role-arn": role });
    const kube = new RecordingKubeAccess(kc);
    const { provider, apiCalls } = recordingProvider();
    const signers = recordSigners(h.proxy);
    h.proxy.resetCounts();
    try {
      const client = await provider.clientFor({
        store: storeRef(h.region, { auth: { jwt: { serviceAccountRef: { name: "reader", audiences: ["extra-audience"] } } } }, { namespace: ns }),
        namespace: ns,
        kube,
      });
      assert.equal(await client.validate(), "Ready");
      assert.equal(text(outcomeOf(await client.readSecrets([{ key: "auth/db" }]), { key: "auth/db" })), "db-password");
    } finally {
      signers.stop();
    }

    assert.deepEqual(h.proxy.counts(), { AssumeRoleWithWebIdentity: 1, BatchGetSecretValue: 1 });
    assert.equal(kube.tokens.length, 1);
    const token = kube.tokens[0]!;
    const sent = (await recorder.stsRequests("AssumeRoleWithWebIdentity")).filter((form) => form.get("RoleArn") === role);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.get("WebIdentityToken"), token, "the TokenRequest's token went to STS");
    assert.equal(sent[0]!.get("RoleSessionName"), "external-secrets-provider-aws");
    assert.deepEqual(signers.seen[0], { action: "AssumeRoleWithWebIdentity", signedBy: undefined }, "unsigned");
    assert.match(signers.seen[1]?.signedBy ?? "", /^ASIA/, "then signed with the web identity session");
    assert.deepEqual(apiCalls.map((e) => `${e.provider} ${e.call} ${e.status}`), ["AWS/STS AssumeRoleWithWebIdentity success", "AWS/SecretsManager BatchGetSecretValue success"]);

    // The apiserver vouches for the token: this ServiceAccount, both audiences.
    const review = await kc.makeApiClient(k8s.AuthenticationV1Api).createTokenReview({ body: { spec: { token, audiences: ["sts.amazonaws.com"] } } });
    assert.equal(review.status?.authenticated, true);
    assert.equal(review.status?.user?.username, `system:serviceaccount:${ns}:reader`);
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { aud: string[] };
    assert.deepEqual(claims.aud, ["sts.amazonaws.com", "extra-audience"]);
  });

  test("jwt: 50 reads through 50 clientFor calls make exactly one AssumeRoleWithWebIdentity (ESO #1194)", async () => {
    const ns = await namespace();
    await createServiceAccount(kc, ns, "reader", { "eks.amazonaws.com/role-arn": roleArn("irsa-flat") });
    const kube = new RecordingKubeAccess(kc);
    const { provider } = recordingProvider();
    const store = storeRef(h.region, { auth: { jwt: { serviceAccountRef: { name: "reader" } } } }, { namespace: ns });
    h.proxy.resetCounts();
    for (let i = 0; i < 50; i++) {
      const client = await provider.clientFor({ store, namespace: ns, kube });
      assert.equal(text(outcomeOf(await client.readSecrets([{ key: "auth/db" }]), { key: "auth/db" })), "db-password");
    }
    assert.deepEqual(h.proxy.counts(), { AssumeRoleWithWebIdentity: 1, BatchGetSecretValue: 50 });
    assert.equal(kube.calls.createServiceAccountToken, 1);
  });

  test("assume-role chain: additionalRoles in order, then role with externalID and session tags", async () => {
    const ns = await namespace();
    await createSecret(kc, ns, "aws-creds", staticKeys("AKIACHAINBASE0000001"));
    const run = randomUUID().slice(0, 8);
    const hops = [roleArn(`hop1-${run}`), roleArn(`hop2-${run}`)];
    const final = roleArn(`final-${run}`);
    const { provider } = recordingProvider();
    const signers = recordSigners(h.proxy);
    h.proxy.resetCounts();
    try {
      const client = await provider.clientFor({
        store: storeRef(
          h.region,
          {
            auth: secretRef("aws-creds"),
            additionalRoles: hops,
            role: final,
            externalID: "ext-id-42",
            sessionTags: [{ key: "team", value: "payments" }],
            transitiveTagKeys: ["team"],
          },
          { namespace: ns },
        ),
        namespace: ns,
        kube: new RecordingKubeAccess(kc),
      });
      for (let i = 0; i < 10; i++) await client.readSecrets([{ key: "auth/db" }]);
    } finally {
      signers.stop();
    }

    assert.deepEqual(h.proxy.counts(), { AssumeRole: 3, BatchGetSecretValue: 10 });
    const sent = (await recorder.stsRequests("AssumeRole")).filter((form) => form.get("RoleArn")?.endsWith(run));
    assert.deepEqual(
      sent.map((form) => form.get("RoleArn")),
      [...hops, final],
    );
    for (const hop of sent.slice(0, 2)) {
      assert.equal(hop.get("ExternalId"), null);
      assert.equal(hop.get("Tags.member.1.Key"), null);
    }
    const last = sent[2]!;
    assert.equal(last.get("ExternalId"), "ext-id-42");
    assert.equal(last.get("Tags.member.1.Key"), "team");
    assert.equal(last.get("Tags.member.1.Value"), "payments");
    assert.equal(last.get("TransitiveTagKeys.member.1"), "team");

    const assumeSigners = signers.seen.filter((s) => s.action === "AssumeRole").map((s) => s.signedBy!);
    assert.equal(assumeSigners[0], "AKIACHAINBASE0000001");
    assert.match(assumeSigners[1]!, /^ASIA/);
    assert.match(assumeSigners[2]!, /^ASIA/);
    const readSigners = new Set(signers.seen.filter((s) => s.action === "BatchGetSecretValue").map((s) => s.signedBy));
    assert.equal(readSigners.size, 1);
    assert.ok(![...readSigners][0]!.startsWith("AKIA"));
    assert.equal(new Set([...assumeSigners, ...readSigners]).size, 4, "each hop signs with the previous hop's session");
  });

  test("rotated static keys: an auth error re-reads the Secret and the read succeeds", async () => {
    const ns = await namespace();
    await createSecret(kc, ns, "aws-creds", staticKeys("AKIAROTATEOLD0000001"));
    let now = Date.now();
    const kube = new RecordingKubeAccess(kc);
    const { provider } = recordingProvider({ now: () => now });
    const client = await provider.clientFor({ store: storeRef(h.region, { auth: secretRef("aws-creds") }, { namespace: ns }), namespace: ns, kube });
    await client.readSecrets([{ key: "auth/db" }]);

    await replaceSecret(kc, ns, "aws-creds", staticKeys("AKIAROTATENEW0000001"));
    now += 60_000;
    // Recorded first: the proxy applies the first rule that matches.
    const signers = recordSigners(h.proxy);
    h.proxy.inject({
      match: faults.awsAction("BatchGetSecretValue"),
      fault: faults.awsError(400, "UnrecognizedClientException", "The security token included in the request is invalid."),
      times: 1,
    });
    try {
      assert.equal(text(outcomeOf(await client.readSecrets([{ key: "auth/db" }]), { key: "auth/db" })), "db-password");
    } finally {
      signers.stop();
    }
    assert.deepEqual(
      signers.seen.map((s) => s.signedBy),
      ["AKIAROTATEOLD0000001", "AKIAROTATENEW0000001"],
    );
    assert.equal(kube.calls.readSecretKey, 4);
  });

  test("no auth: the SDK default chain with IRSA variables, one AssumeRoleWithWebIdentity shared by stores", async () => {
    const ns = await namespace();
    await createServiceAccount(kc, ns, "controller", {});
    const token = await new RecordingKubeAccess(kc).createServiceAccountToken(ns, "controller", { audiences: ["sts.amazonaws.com"], expirationSeconds: 600 });
    const dir = mkdtempSync(join(tmpdir(), "ferry-irsa-"));
    writeFileSync(join(dir, "token"), token.token);
    const role = roleArn(`irsa-default-${randomUUID().slice(0, 8)}`);
    await withEnv(
      {
        AWS_ROLE_ARN: role,
        AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, "token"),
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"),
        AWS_CONFIG_FILE: join(dir, "none"),
      },
      async () => {
        const { provider, apiCalls } = recordingProvider();
        h.proxy.resetCounts();
        for (let i = 0; i < 3; i++) {
          const client = await provider.clientFor({ store: storeRef(h.region), namespace: ns, kube: new RecordingKubeAccess(kc) });
          assert.equal(text(outcomeOf(await client.readSecrets([{ key: "auth/db" }]), { key: "auth/db" })), "db-password");
        }
        assert.deepEqual(h.proxy.counts(), { AssumeRoleWithWebIdentity: 1, BatchGetSecretValue: 3 });
        assert.ok(apiCalls.some((e) => e.provider === "AWS/STS" && e.call === "AssumeRoleWithWebIdentity" && e.status === "success"));
      },
    );
    const sent = (await recorder.stsRequests("AssumeRoleWithWebIdentity")).filter((form) => form.get("RoleArn") === role);
    assert.equal(sent[0]?.get("WebIdentityToken"), token.token);
  });

  test("endpoints come from the per-service AWS_ENDPOINT_URL_* variables, for STS too", async () => {
    const ns = await namespace();
    await createServiceAccount(kc, ns, "reader", { "eks.amazonaws.com/role-arn": roleArn("irsa-endpoints") });
    await withEnv(
      {
        AWS_ENDPOINT_URL: "http://127.0.0.1:9",
        AWS_ENDPOINT_URL_SECRETS_MANAGER: h.proxy.url,
        AWS_ENDPOINT_URL_SSM: h.proxy.url,
        AWS_ENDPOINT_URL_STS: h.proxy.url,
      },
      async () => {
        const { provider } = recordingProvider();
        const kube = new RecordingKubeAccess(kc);
        const auth = { jwt: { serviceAccountRef: { name: "reader" } } };
        h.proxy.resetCounts();
        const sm = await provider.clientFor({ store: storeRef(h.region, { auth }, { namespace: ns }), namespace: ns, kube });
        assert.equal(text(outcomeOf(await sm.readSecrets([{ key: "auth/db" }]), { key: "auth/db" })), "db-password");
        const ssm = await provider.clientFor({ store: storeRef(h.region, { service: "ParameterStore", auth }, { namespace: ns }), namespace: ns, kube });
        assert.equal(text(outcomeOf(await ssm.readSecrets([{ key: "/auth/param" }]), { key: "/auth/param" })), "param-value");
        assert.deepEqual(h.proxy.counts(), { AssumeRoleWithWebIdentity: 2, BatchGetSecretValue: 1, GetParameters: 1 });
      },
    );
  });

  test("a missing auth Secret fails validation with the field path, and reads with InvalidStoreError", async () => {
    const ns = await namespace();
    const { provider } = recordingProvider();
    const client = await provider.clientFor({ store: storeRef(h.region, { auth: secretRef("absent") }, { namespace: ns }), namespace: ns, kube: new RecordingKubeAccess(kc) });
    h.proxy.resetCounts();
    await assert.rejects(client.validate(), /spec\.provider\.aws\.auth\.secretRef\.(accessKeyID|secretAccessKey)SecretRef: secret .*\/absent: not found/);
    await assert.rejects(client.readSecrets([{ key: "auth/db" }]), { name: "InvalidStoreError" });
    assert.deepEqual(h.proxy.counts(), {});
  });
});
