import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AssumeRoleRequest, AssumeRoleWithWebIdentityRequest } from "@aws-sdk/client-sts";
import { FakeKubeAccess } from "../../fake-kube-access.ts";
import { InvalidStoreError } from "../../provider.ts";
import { Redactor } from "../errors.ts";
import { awsSpec, jwtAuth, roleArn, secretRefAuth } from "../spec-builders.ts";
import type { AwsProviderSpec } from "../spec.ts";
import { CachedCredentials } from "./cached-credentials.ts";
import { buildCredentialChain } from "./chain.ts";
import { FakeSts } from "./fake-sts.ts";
import type { StoreIdentity } from "./namespaces.ts";

const MIN = 60_000;
const secretStore: StoreIdentity = { kind: "SecretStore", name: "store", namespace: "team-a" };
const clusterStore: StoreIdentity = { kind: "ClusterSecretStore", name: "cluster-store" };

function world(options: { store?: StoreIdentity; esNamespace?: string } = {}) {
  let now = 1_700_000_000_000;
  const kube = new FakeKubeAccess();
  const sts = new FakeSts(() => now);
  let defaultFetches = 0;
  const defaultCredentials = new CachedCredentials({
    now: () => now,
    fetch: async () => ({ accessKeyId: `AKIADEFAULT${++defaultFetches}`, secretAccessKey: "default-secret" }),
  });
  const redactor = new Redactor();
  const chainFor = (spec: AwsProviderSpec) =>
    buildCredentialChain({
      spec,
      store: options.store ?? secretStore,
      esNamespace: options.esNamespace ?? "team-a",
      kube,
      sts: sts.factory,
      defaultCredentials: () => defaultCredentials,
      now: () => now,
      redactor,
    });
  return { kube, sts, chainFor, redactor, advance: (ms: number) => void (now += ms), defaultFetches: () => defaultFetches };
}

const keys = { "access-key-id": "AKIASTATIC0000000001", "secret-access-key": "static-secret-key-canary", "session-token": "static-session-token" };

describe("credential chain", () => {
  test("secretRef: keys are read in the namespace ESO would use", async () => {
    const cases: Array<{ name: string; store: StoreIdentity; refNamespace?: string; esNamespace: string; readFrom: string }> = [
      { name: "SecretStore: its own namespace", store: secretStore, esNamespace: "team-a", readFrom: "team-a" },
      { name: "SecretStore ignores a ref namespace", store: secretStore, refNamespace: "elsewhere", esNamespace: "team-a", readFrom: "team-a" },
      { name: "ClusterSecretStore: the ref's namespace", store: clusterStore, refNamespace: "creds", esNamespace: "team-b", readFrom: "creds" },
      { name: "ClusterSecretStore without: referent auth", store: clusterStore, esNamespace: "team-b", readFrom: "team-b" },
    ];
    for (const c of cases) {
      const w = world({ store: c.store, esNamespace: c.esNamespace });
      w.kube.setSecret(c.readFrom, "aws", keys);
      const chain = w.chainFor(awsSpec({ auth: secretRefAuth("aws", { ...(c.refNamespace ? { namespace: c.refNamespace } : {}), sessionToken: true }) }));
      const credentials = await chain.credentials.get();
      assert.deepEqual(credentials, { accessKeyId: keys["access-key-id"], secretAccessKey: keys["secret-access-key"], sessionToken: keys["session-token"] }, c.name);
      assert.equal(w.kube.calls.readSecretKey, 3, c.name);
    }
  });

  test("secretRef: a missing Secret or key is an InvalidStoreError naming the field", async () => {
    const w = world();
    w.kube.setSecret("team-a", "aws", { "access-key-id": "AKIA" });
    const chain = w.chainFor(awsSpec({ auth: secretRefAuth("aws") }));
    await assert.rejects(chain.credentials.get(), (err: Error) => {
      assert.ok(err instanceof InvalidStoreError);
      assert.match(err.message, /secretRef\.secretAccessKeySecretRef: secret team-a\/aws: key "secret-access-key" not found/);
      return true;
    });
  });

  test("secretRef: static keys are re-read every 5 minutes, and after invalidation", async () => {
    const w = world();
    w.kube.setSecret("team-a", "aws", keys);
    const chain = w.chainFor(awsSpec({ auth: secretRefAuth("aws") }));
    for (let i = 0; i < 20; i++) await chain.credentials.get();
    assert.equal(w.kube.calls.readSecretKey, 2);
    w.advance(6 * MIN);
    w.kube.setSecret("team-a", "aws", { ...keys, "access-key-id": "AKIAROTATED000000001" });
    assert.equal((await chain.credentials.get()).accessKeyId, "AKIAROTATED000000001");
    assert.equal(w.kube.calls.readSecretKey, 4);
    w.advance(10_000);
    chain.credentials.invalidate();
    await chain.credentials.get();
    assert.equal(w.kube.calls.readSecretKey, 6);
  });

  test("jwt: a TokenRequest for the ServiceAccount is exchanged for its annotated role", async () => {
    const cases: Array<{ name: string; annotations: Record<string, string>; extra?: string[]; audiences: string[] }> = [
      { name: "default audience", annotations: {}, audiences: ["sts.amazonaws.com"] },
      { name: "annotated audience", annotations: { "eks.amazonaws.com/audience": "custom" }, audiences: ["custom"] },
      { name: "extra audiences appended", annotations: {}, extra: ["a", "b"], audiences: ["sts.amazonaws.com", "a", "b"] },
    ];
    for (const c of cases) {
      const w = world();
      w.kube.setServiceAccount("team-a", "reader", { "eks.amazonaws.com/role-arn": roleArn("irsa"), ...c.annotations });
      const chain = w.chainFor(awsSpec({ auth: jwtAuth("reader", c.extra ? { audiences: c.extra } : {}) }));
      await chain.credentials.get();
      assert.deepEqual(w.kube.tokenRequests, [{ namespace: "team-a", name: "reader", audiences: c.audiences, expirationSeconds: 600 }], c.name);
      assert.equal(w.sts.calls.length, 1);
      const call = w.sts.calls[0]!;
      assert.equal(call.action, "AssumeRoleWithWebIdentity");
      assert.equal(call.signedBy, undefined, "unsigned");
      const input = call.input as AssumeRoleWithWebIdentityRequest;
      assert.equal(input.RoleArn, roleArn("irsa"));
      assert.equal(input.RoleSessionName, "external-secrets-provider-aws");
      assert.match(input.WebIdentityToken ?? "", /^eyJ/);
    }
  });

  test("jwt: ServiceAccount namespace follows ESO's rules", async () => {
    const cases: Array<{ store: StoreIdentity; refNamespace?: string; expected: string }> = [
      { store: secretStore, expected: "team-a" },
      { store: clusterStore, refNamespace: "ops", expected: "ops" },
      { store: clusterStore, expected: "team-b" },
    ];
    for (const c of cases) {
      const w = world({ store: c.store, esNamespace: c.store.kind === "SecretStore" ? "team-a" : "team-b" });
      w.kube.setServiceAccount(c.expected, "reader", { "eks.amazonaws.com/role-arn": roleArn("irsa") });
      await w.chainFor(awsSpec({ auth: jwtAuth("reader", c.refNamespace ? { namespace: c.refNamespace } : {}) })).credentials.get();
      assert.equal(w.kube.tokenRequests[0]?.namespace, c.expected);
    }
  });

  test("jwt: a ServiceAccount without the role annotation is an InvalidStoreError", async () => {
    const w = world();
    w.kube.setServiceAccount("team-a", "plain", {});
    await assert.rejects(w.chainFor(awsSpec({ auth: jwtAuth("plain") })).credentials.get(), /an IAM role must be associated with serviceaccount team-a\/plain/);
    assert.equal(w.sts.calls.length, 0);
  });

  test("jwt: one AssumeRoleWithWebIdentity per credential lifetime, not per read (ESO #1194)", async () => {
    const w = world();
    w.kube.setServiceAccount("team-a", "reader", { "eks.amazonaws.com/role-arn": roleArn("irsa") });
    const chain = w.chainFor(awsSpec({ auth: jwtAuth("reader") }));
    await Promise.all(Array.from({ length: 50 }, () => chain.credentials.get()));
    for (let minute = 0; minute < 54; minute++) {
      w.advance(MIN);
      await chain.credentials.get();
    }
    assert.equal(w.sts.count("AssumeRoleWithWebIdentity"), 1);
    w.advance(2 * MIN); // 56 min: inside the renewal window of a 1 h session
    await chain.credentials.get();
    assert.equal(w.sts.count("AssumeRoleWithWebIdentity"), 2);
    assert.equal(w.kube.calls.createServiceAccountToken, 2);
  });

  test("no auth: the shared SDK default chain is the base", async () => {
    const w = world();
    const chain = w.chainFor(awsSpec());
    assert.equal((await chain.credentials.get()).accessKeyId, "AKIADEFAULT1");
    assert.deepEqual(chain.hops, ["default chain"]);
  });

  test("additionalRoles are assumed in order, each signed by the previous hop; role last with externalID and tags", async () => {
    const w = world();
    w.kube.setSecret("team-a", "aws", keys);
    const spec = awsSpec({
      auth: secretRefAuth("aws"),
      additionalRoles: [roleArn("hop1", "111111111111"), roleArn("hop2", "222222222222")],
      role: roleArn("final", "333333333333"),
      externalID: "ext-123",
      sessionTags: [{ key: "team", value: "a" }],
      transitiveTagKeys: ["team"],
    });
    const chain = w.chainFor(spec);
    const final = await chain.credentials.get();

    assert.deepEqual(chain.hops, ["secretRef", `role ${roleArn("hop1", "111111111111")}`, `role ${roleArn("hop2", "222222222222")}`, `role ${roleArn("final", "333333333333")}`]);
    const calls = w.sts.calls.map((c) => ({ role: (c.input as AssumeRoleRequest).RoleArn, signedBy: c.signedBy, input: c.input }));
    assert.deepEqual(
      calls.map((c) => [c.role, c.signedBy]),
      [
        [roleArn("hop1", "111111111111"), keys["access-key-id"]],
        [roleArn("hop2", "222222222222"), "ASIAFAKE000000000001"],
        [roleArn("final", "333333333333"), "ASIAFAKE000000000002"],
      ],
    );
    assert.deepEqual(calls[0]!.input, { RoleArn: roleArn("hop1", "111111111111"), RoleSessionName: "ferry-provider-aws" });
    assert.deepEqual(calls[2]!.input, {
      RoleArn: roleArn("final", "333333333333"),
      RoleSessionName: "ferry-provider-aws",
      ExternalId: "ext-123",
      Tags: [{ Key: "team", Value: "a" }],
      TransitiveTagKeys: ["team"],
    });
    assert.equal(final.accessKeyId, "ASIAFAKE000000000003");

    for (let i = 0; i < 50; i++) await chain.credentials.get();
    assert.equal(w.sts.calls.length, 3, "every hop cached");
  });

  test("sessionTagsPolicy adds esoNamespace, esoStoreName, esoStoreKind (and custom tags) to the role", async () => {
    const cases: Array<{ name: string; spec: Partial<AwsProviderSpec>; store: StoreIdentity; tags: Array<[string, string]> }> = [
      {
        name: "Simple on a ClusterSecretStore",
        spec: { sessionTagsPolicy: "Simple" },
        store: clusterStore,
        tags: [["esoNamespace", "team-b"], ["esoStoreName", "cluster-store"], ["esoStoreKind", "ClusterSecretStore"]],
      },
      {
        name: "Custom, built-ins win, empty ignored",
        spec: { sessionTagsPolicy: "Custom", customSessionTags: { env: "prod", empty: "", esoStoreName: "spoof" }, sessionTags: [{ key: "team", value: "x" }] },
        store: secretStore,
        tags: [["team", "x"], ["env", "prod"], ["esoStoreName", "store"], ["esoNamespace", "team-a"], ["esoStoreKind", "SecretStore"]],
      },
      { name: "None", spec: { sessionTagsPolicy: "None" }, store: secretStore, tags: [] },
    ];
    for (const c of cases) {
      const w = world({ store: c.store, esNamespace: c.store.kind === "SecretStore" ? "team-a" : "team-b" });
      await w.chainFor(awsSpec({ role: roleArn("final"), ...c.spec })).credentials.get();
      const input = w.sts.calls[0]!.input as AssumeRoleRequest;
      assert.deepEqual(
        (input.Tags ?? []).map((t) => [t.Key, t.Value]).sort(),
        [...c.tags].sort(),
        c.name,
      );
    }
  });

  test("credentials the chain handles are registered for redaction", async () => {
    const w = world();
    w.kube.setSecret("team-a", "aws", keys);
    await w.chainFor(awsSpec({ auth: secretRefAuth("aws"), role: roleArn("r") })).credentials.get();
    const text = w.redactor.apply(`x ${keys["secret-access-key"]} y session-token-1 z`);
    assert.equal(text, "x <redacted> y <redacted> z");
  });
});
