// The ECR and STS generators on the store's credential chain and client cache (ADR 15 §3): built once per
// generator generation and referrer namespace and reused at every run, Secret references resolved in the
// referrer's namespace as ESO's NewGeneratorSession does, and specs Ferry refuses stopped before any AWS call.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { GetSessionTokenRequest } from "@aws-sdk/client-sts";
import type { GeneratorAWSAuth } from "../apis/generators.ts";
import { FakeKubeAccess } from "../providers/fake-kube-access.ts";
import { CachedCredentials } from "../providers/aws/auth/cached-credentials.ts";
import type { CredentialSource } from "../providers/aws/auth/credentials.ts";
import { FakeSts } from "../providers/aws/auth/fake-sts.ts";
import { roleArn } from "../providers/aws/spec-builders.ts";
import { AwsGeneratorClients, type AwsGeneratorApiFactory, type GeneratorIdentity } from "./aws-clients.ts";
import { generateEcrToken } from "./ecr.ts";
import { InvalidGeneratorError } from "./errors.ts";
import { generateStsSessionToken } from "./sts.ts";

const HOUR = 3_600_000;
const keys = (id: string) => ({ "access-key-id": id, "secret-access-key": `secret-of-${id}` });
const staticKeys = (namespace?: string): GeneratorAWSAuth => {
  const ref = (key: string) => ({ name: "aws", key, ...(namespace ? { namespace } : {}) });
  return { secretRef: { accessKeyIDSecretRef: ref("access-key-id"), secretAccessKeySecretRef: ref("secret-access-key") } };
};

/** The generator clients over a fake Kubernetes, a counting STS and counting ECR/GetSessionToken fakes. */
function world() {
  let now = 1_700_000_000_000;
  const kube = new FakeKubeAccess();
  const sts = new FakeSts(() => now);
  const built = { ecr: 0, stsSession: 0 };
  /** Each AWS call with the access key id that signed it. */
  const calls: Array<{ action: string; signedBy: string; input?: GetSessionTokenRequest }> = [];
  let defaultFetches = 0;
  const defaultCredentials = new CachedCredentials({ now: () => now, fetch: async () => ({ accessKeyId: `AKIADEFAULT${++defaultFetches}`, secretAccessKey: "default-secret" }) });
  const signer = async (c: CredentialSource) => (await c.get()).accessKeyId;
  const apis: AwsGeneratorApiFactory = {
    ecr: (_options, credentials) => {
      built.ecr++;
      return {
        getAuthorizationToken: async () => {
          calls.push({ action: "GetAuthorizationToken", signedBy: await signer(credentials) });
          return { authorizationData: [{ authorizationToken: Buffer.from("AWS:token-canary").toString("base64"), proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com", expiresAt: new Date(now + 12 * HOUR) }] };
        },
      };
    },
    stsSession: (_options, credentials) => {
      built.stsSession++;
      return {
        getSessionToken: async (input) => {
          calls.push({ action: "GetSessionToken", signedBy: await signer(credentials), input });
          return { Credentials: { AccessKeyId: "ASIASESSION", SecretAccessKey: "session-secret", SessionToken: "session-token", Expiration: new Date(now + HOUR) } };
        },
      };
    },
    sts: (_options, credentials) => sts.factory(credentials),
  };
  const clients = new AwsGeneratorClients({ kube, defaultCredentials: () => defaultCredentials, now: () => now, apis });
  return { kube, sts, built, calls, clients, defaultFetches: () => defaultFetches, advance: (ms: number) => void (now += ms), now: () => now };
}

const ecr = (overrides: Partial<GeneratorIdentity> = {}): GeneratorIdentity => ({ kind: "ECRAuthorizationToken", name: "ecr", namespace: "team-a", uid: "uid-ecr", generation: 1, ...overrides });
const clusterEcr = (overrides: Partial<GeneratorIdentity> = {}): GeneratorIdentity => ({ kind: "ClusterGenerator", name: "shared", namespace: undefined, uid: "uid-cluster", generation: 1, ...overrides });

describe("generator AWS clients: the store's credential chain and cache", () => {
  test("a generator's credentials and clients are built once and reused at every run", async () => {
    const w = world();
    const spec = { region: "eu-west-1", role: roleArn("ecr-pull") };
    for (let i = 0; i < 3; i++) {
      const out = await generateEcrToken(w.clients, ecr(), spec, "team-a");
      assert.deepEqual([...out.data.keys()], ["username", "password", "proxy_endpoint", "expires_at"]);
      assert.equal(out.expiresAtMs, w.now() + 12 * HOUR);
      w.advance(60_000);
    }
    assert.equal(w.built.ecr, 1, "one ECR client");
    assert.equal(w.sts.count("AssumeRole"), 1, "the role is assumed once, its session reused");
    assert.equal(w.defaultFetches(), 1, "the default chain is read once");
    assert.deepEqual(w.calls.map((c) => c.action), ["GetAuthorizationToken", "GetAuthorizationToken", "GetAuthorizationToken"]);
    assert.ok(w.calls.every((c) => c.signedBy.startsWith("ASIAFAKE")), "signed by the assumed role");
    assert.equal(w.sts.calls[0]!.signedBy, "AKIADEFAULT1", "the role is assumed with the controller's own credentials");
  });

  test("an edited generator (new generation) gets fresh credentials and its old entry goes", async () => {
    const w = world();
    const spec = { region: "eu-west-1", role: roleArn("ecr-pull") };
    await generateEcrToken(w.clients, ecr(), spec, "team-a");
    await generateEcrToken(w.clients, ecr({ generation: 2 }), spec, "team-a");
    assert.equal(w.sts.count("AssumeRole"), 2);
    assert.equal(w.clients.size, 1);
  });

  test("static keys are read in the referrer's namespace, whatever namespace the reference names (ESO's NewGeneratorSession)", async () => {
    const w = world();
    w.kube.setSecret("team-a", "aws", keys("AKIATEAMA"));
    w.kube.setSecret("team-b", "aws", keys("AKIATEAMB"));
    w.kube.setSecret("elsewhere", "aws", keys("AKIAELSEWHERE"));
    const spec = { region: "eu-west-1", auth: staticKeys("elsewhere") };
    for (const namespace of ["team-a", "team-b", "team-a"]) await generateEcrToken(w.clients, clusterEcr(), spec, namespace);
    assert.deepEqual(w.calls.map((c) => c.signedBy), ["AKIATEAMA", "AKIATEAMB", "AKIATEAMA"]);
    assert.equal(w.built.ecr, 2, "one entry per referrer namespace");
    assert.equal(w.kube.calls.readSecretKey, 4, "each namespace's keys read once (id and secret)");
  });

  test("STS: GetSessionToken with ESO's request parameters, signed by the chain's credentials, under ESO's keys", async () => {
    const w = world();
    w.kube.setSecret("team-a", "aws", keys("AKIAUSER"));
    const spec = { region: "eu-west-1", auth: staticKeys(), requestParameters: { sessionDuration: 900, serialNumber: "arn:aws:iam::123456789012:mfa/u", tokenCode: "123456" } };
    const out = await generateStsSessionToken(w.clients, { ...ecr(), kind: "STSSessionToken", name: "sts" }, spec, "team-a");
    assert.deepEqual(w.calls, [{ action: "GetSessionToken", signedBy: "AKIAUSER", input: { DurationSeconds: 900, SerialNumber: "arn:aws:iam::123456789012:mfa/u", TokenCode: "123456" } }]);
    assert.deepEqual([...out.data.keys()].sort(), ["access_key_id", "expiration", "secret_access_key", "session_token"]);
    assert.equal(Buffer.from(out.data.get("expiration")!).toString(), String(Math.floor((w.now() + HOUR) / 1000)));
    assert.equal(out.expiresAtMs, w.now() + HOUR);
  });

  const refused: Array<[string, (w: ReturnType<typeof world>) => Promise<unknown>, RegExp]> = [
    ["ECR Public (scope: public)", (w) => generateEcrToken(w.clients, ecr(), { region: "us-east-1", scope: "public" }, "team-a"), /spec\.scope: public \(ECR Public\) is not supported by Ferry yet/],
    ["STS with jwt auth (ESO's rule)", (w) => generateStsSessionToken(w.clients, ecr({ kind: "STSSessionToken" }), { region: "us-east-1", auth: { jwt: { serviceAccountRef: { name: "sa" } } } }, "team-a"), /jwt auth cannot be used for STS Session Token generation/],
    ["no region", (w) => generateEcrToken(w.clients, ecr(), { region: "" }, "team-a"), /spec\.region: Required/],
    ["both secretRef and jwt", (w) => generateEcrToken(w.clients, ecr(), { region: "eu-west-1", auth: { ...staticKeys(), jwt: { serviceAccountRef: { name: "sa" } } } }, "team-a"), /only one of secretRef or jwt/],
  ];
  for (const [name, run, message] of refused) {
    test(`refused before any AWS or Kubernetes call: ${name}`, async () => {
      const w = world();
      await assert.rejects(run(w), (err: Error) => err instanceof InvalidGeneratorError && message.test(err.message));
      assert.deepEqual(w.calls, []);
      assert.equal(w.sts.calls.length, 0);
      assert.equal(w.kube.calls.readSecretKey, 0);
      assert.equal(w.built.ecr + w.built.stsSession, 0);
    });
  }
});
