import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FakeKubeAccess } from "../fake-kube-access.ts";
import { InvalidStoreError, type ApiCallEvent, type StoreRef } from "../provider.ts";
import { CachedCredentials } from "./auth/cached-credentials.ts";
import type { CredentialSource } from "./auth/credentials.ts";
import { FakeSts } from "./auth/fake-sts.ts";
import { withCredentialRefresh } from "./credential-refresh.ts";
import { awsError } from "./fake-aws-error.ts";
import { FakeParameterStore } from "./parameterstore/fake-parameter-store.ts";
import { AwsProvider, type AwsApiFactory } from "./provider.ts";
import type { SecretsManagerApi } from "./secretsmanager/api.ts";
import { FakeSecretsManager } from "./secretsmanager/fake-secrets-manager.ts";
import { jwtAuth, roleArn, secretRefAuth, storeSpec } from "./spec-builders.ts";
import type { AwsProviderSpec, AwsStoreSpec } from "./spec.ts";

/** Fakes behind the factory seam; every Secrets Manager call resolves credentials first, as signing does. */
function world() {
  let now = 1_700_000_000_000;
  const sts = new FakeSts(() => now);
  const sm = new FakeSecretsManager();
  const ssm = new FakeParameterStore();
  const kube = new FakeKubeAccess();
  const destroyed: string[] = [];
  const signed = (credentials: CredentialSource): SecretsManagerApi => {
    const call =
      <I, O>(fn: (input: I) => Promise<O>) =>
      (input: I) =>
        withCredentialRefresh(credentials, async () => {
          await credentials.get();
          return fn(input);
        });
    return {
      batchGetSecretValue: call((i) => sm.batchGetSecretValue(i)),
      getSecretValue: call((i) => sm.getSecretValue(i)),
      describeSecret: call((i) => sm.describeSecret(i)),
      listSecrets: call((i) => sm.listSecrets(i)),
    };
  };
  const apis: AwsApiFactory = {
    sts: (_options, credentials) => sts.factory(credentials),
    secretsManager: (options, credentials, dispose) => {
      dispose.push({ destroy: () => destroyed.push(`sm:${options.region}`) });
      return signed(credentials);
    },
    parameterStore: () => ssm,
    defaultCredentials: () => new CachedCredentials({ now: () => now, fetch: async () => ({ accessKeyId: "AKIADEFAULT", secretAccessKey: "x" }) }),
  };
  const events: ApiCallEvent[] = [];
  const provider = new AwsProvider({ apis, now: () => now, onApiCall: (e) => events.push(e) });
  return { provider, sts, sm, ssm, kube, destroyed, advance: (ms: number) => void (now += ms) };
}

function store(spec: Partial<AwsProviderSpec>, overrides: Partial<StoreRef<AwsStoreSpec>> = {}): StoreRef<AwsStoreSpec> {
  return { kind: "SecretStore", name: "aws", namespace: "team-a", uid: "uid-1", generation: 1, spec: storeSpec(spec), ...overrides };
}

describe("AwsProvider", () => {
  test("capabilities are ReadWrite, as ESO's AWS provider", () => {
    assert.equal(new AwsProvider().capabilities(), "ReadWrite");
  });

  test("50 reads through 50 clientFor calls cost one AssumeRoleWithWebIdentity (ESO #1194)", async () => {
    const w = world();
    w.kube.setServiceAccount("team-a", "reader", { "eks.amazonaws.com/role-arn": roleArn("irsa") });
    w.sm.add("db", { string: "pw" });
    const ref = store({ auth: jwtAuth("reader") });

    const clients = new Set();
    for (let i = 0; i < 50; i++) {
      const client = await w.provider.clientFor({ store: ref, namespace: "team-a", kube: w.kube });
      clients.add(client);
      const results = await client.readSecrets([{ key: "db" }]);
      assert.ok([...results.values()][0]?.ok);
      w.advance(30_000);
    }

    assert.equal(clients.size, 1);
    assert.equal(w.sts.count("AssumeRoleWithWebIdentity"), 1);
    assert.equal(w.kube.calls.createServiceAccountToken, 1);
    assert.deepEqual(w.sm.calls, { BatchGetSecretValue: 50 });
  });

  test("a new store generation gets a new client and credentials; the old one is released", async () => {
    const w = world();
    const first = await w.provider.clientFor({ store: store({ role: roleArn("r") }), namespace: "team-a", kube: w.kube });
    await first.validate();
    const same = await w.provider.clientFor({ store: store({ role: roleArn("r") }), namespace: "team-a", kube: w.kube });
    const second = await w.provider.clientFor({ store: store({ role: roleArn("r2") }, { generation: 2 }), namespace: "team-a", kube: w.kube });
    await second.validate();

    assert.equal(same, first);
    assert.notEqual(second, first);
    assert.equal(w.sts.count("AssumeRole"), 2);
    assert.deepEqual(w.destroyed, ["sm:eu-west-1"]);
    assert.equal(w.provider.cachedClients, 1);
  });

  test("a ClusterSecretStore shares one client across namespaces unless its auth is referent", async () => {
    const cases: Array<{ name: string; spec: Partial<AwsProviderSpec>; clients: number }> = [
      { name: "namespaced refs", spec: { auth: secretRefAuth("aws", { namespace: "creds" }) }, clients: 1 },
      { name: "referent secretRef", spec: { auth: secretRefAuth("aws") }, clients: 3 },
      { name: "referent jwt", spec: { auth: jwtAuth("reader") }, clients: 3 },
      { name: "esoNamespace session tag", spec: { role: roleArn("r"), sessionTagsPolicy: "Simple" }, clients: 3 },
      { name: "default chain", spec: {}, clients: 1 },
    ];
    for (const c of cases) {
      const w = world();
      const ref = store(c.spec, { kind: "ClusterSecretStore", namespace: undefined });
      const clients = new Set();
      for (const namespace of ["a", "b", "c", "a"]) clients.add(await w.provider.clientFor({ store: ref, namespace, kube: w.kube }));
      assert.equal(clients.size, c.clients, c.name);
    }
  });

  test("a referent store validated without a namespace is Unknown, as in ESO", async () => {
    const w = world();
    const client = await w.provider.clientFor({ store: store({ auth: secretRefAuth("aws") }, { kind: "ClusterSecretStore", namespace: undefined }), kube: w.kube });
    assert.equal(await client.validate(), "Unknown");
    await assert.rejects(client.readSecrets([{ key: "x" }]), InvalidStoreError);
  });

  test("validate resolves the credential chain: Ready, or the reason it cannot", async () => {
    const w = world();
    w.kube.setSecret("team-a", "aws", { "access-key-id": "AKIAEXAMPLE", "secret-access-key": "s3cr3t-value" });
    const good = await w.provider.clientFor({ store: store({ auth: secretRefAuth("aws"), role: roleArn("r") }), namespace: "team-a", kube: w.kube });
    assert.equal(await good.validate(), "Ready");
    assert.equal(w.sts.count("AssumeRole"), 1);
    assert.equal(w.sm.totalCalls, 0, "no read to validate");

    const bad = await w.provider.clientFor({ store: store({ auth: secretRefAuth("missing") }, { uid: "uid-2" }), namespace: "team-a", kube: w.kube });
    await assert.rejects(bad.validate(), (err: Error) => err instanceof InvalidStoreError && /secret team-a\/missing: not found/.test(err.message));
  });

  test("an invalid spec is refused before anything is built", async () => {
    const w = world();
    await assert.rejects(
      w.provider.clientFor({ store: store({ region: "moon-1" }), namespace: "team-a", kube: w.kube }),
      (err: Error) => err instanceof InvalidStoreError && err.message.includes('spec.provider.aws.region: "moon-1" is not an AWS region'),
    );
  });

  test("service ParameterStore reads Parameter Store", async () => {
    const w = world();
    w.ssm.put("/p", "v");
    const client = await w.provider.clientFor({ store: store({ service: "ParameterStore" }), namespace: "team-a", kube: w.kube });
    const results = await client.readSecrets([{ key: "/p" }]);
    assert.ok([...results.values()][0]?.ok);
    assert.deepEqual(w.ssm.calls, { GetParameters: 1 });
  });

  test("rejected static keys are re-read from their Secret and the read retried once", async () => {
    const w = world();
    w.kube.setSecret("team-a", "aws", { "access-key-id": "AKIAOLD", "secret-access-key": "old-secret-value" });
    w.sm.add("db", { string: "pw" });
    const client = await w.provider.clientFor({ store: store({ auth: secretRefAuth("aws") }), namespace: "team-a", kube: w.kube });
    await client.readSecrets([{ key: "db" }]);
    assert.equal(w.kube.calls.readSecretKey, 2);

    w.advance(60_000);
    w.kube.setSecret("team-a", "aws", { "access-key-id": "AKIANEW", "secret-access-key": "new-secret-value" });
    w.sm.fail("BatchGetSecretValue", awsError("UnrecognizedClientException", "The security token included in the request is invalid."), 1);
    const results = await client.readSecrets([{ key: "db" }]);

    assert.ok([...results.values()][0]?.ok);
    assert.equal(w.kube.calls.readSecretKey, 4);
    assert.deepEqual(w.sm.calls, { BatchGetSecretValue: 3 });
  });

  test("forgetStore drops the store's clients", async () => {
    const w = world();
    await w.provider.clientFor({ store: store({}), namespace: "team-a", kube: w.kube });
    await w.provider.clientFor({ store: store({}, { uid: "other" }), namespace: "team-a", kube: w.kube });
    w.provider.forgetStore("uid-1");
    assert.equal(w.provider.cachedClients, 1);
    assert.deepEqual(w.destroyed, ["sm:eu-west-1"]);
  });
});
