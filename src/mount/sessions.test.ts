// The per-pod credential cache with a hand-driven clock: one AssumeRoleWithWebIdentity per (role, token)
// until the credentials near expiry, sessions dropped when kubelet's token expires, SDK clients released.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AssumeRoleWithWebIdentityRequest } from "@aws-sdk/client-sts";
import { CachedCredentials } from "../providers/aws/auth/cached-credentials.ts";
import { FakeSts } from "../providers/aws/auth/fake-sts.ts";
import { FakeParameterStore } from "../providers/aws/parameterstore/fake-parameter-store.ts";
import type { AwsApiFactory } from "../providers/aws/provider.ts";
import { FakeSecretsManager } from "../providers/aws/secretsmanager/fake-secrets-manager.ts";
import { SessionCache, type PodIdentity } from "./sessions.ts";

const MIN = 60_000;

function world(options: { maxEntries?: number } = {}) {
  let now = 1_700_000_000_000;
  const sts = new FakeSts(() => now);
  const destroyed: string[] = [];
  const apis: AwsApiFactory = {
    sts: (_options, credentials) => sts.factory(credentials),
    secretsManager: (options, _credentials, dispose) => {
      dispose.push({ destroy: () => destroyed.push(`sm:${options.region}`) });
      return new FakeSecretsManager();
    },
    parameterStore: () => new FakeParameterStore(),
    defaultCredentials: () => new CachedCredentials({ now: () => now, fetch: async () => ({ accessKeyId: "unused", secretAccessKey: "x" }) }),
  };
  const cache = new SessionCache({ apis, now: () => now, ...options });
  return { cache, sts, destroyed, now: () => now, advance: (ms: number) => void (now += ms) };
}

const irsa = (token: string, expiresAt?: Date, role = "arn:aws:iam::123456789012:role/app"): PodIdentity => ({
  kind: "irsa",
  roleArn: role,
  token,
  tokenExpiresAt: expiresAt,
  sessionName: "ferry.ns.pod",
  subject: "serviceaccount ns/app",
});

describe("SessionCache", () => {
  test("one exchange per (role, token) while the credentials are fresh; renewed near expiry", async () => {
    const w = world();
    w.sts.lifetimeMs = 60 * MIN;
    for (let i = 0; i < 20; i++) {
      await w.cache.session(irsa("token-a"), "us-east-1").credentials.get();
      w.advance(2 * MIN); // 40 minutes in all
    }
    assert.equal(w.sts.count("AssumeRoleWithWebIdentity"), 1);
    w.advance(16 * MIN); // 56 minutes: inside the 5-minute renewal window
    await w.cache.session(irsa("token-a"), "us-east-1").credentials.get();
    assert.equal(w.sts.count("AssumeRoleWithWebIdentity"), 2);
    const input = w.sts.calls[0]!.input as AssumeRoleWithWebIdentityRequest;
    assert.deepEqual([input.WebIdentityToken, input.RoleSessionName], ["token-a", "ferry.ns.pod"]);
  });

  test("another token or another role is another session", async () => {
    const w = world();
    for (const identity of [irsa("token-a"), irsa("token-b"), irsa("token-a", undefined, "arn:aws:iam::123456789012:role/other"), irsa("token-a")]) {
      await w.cache.session(identity, "us-east-1").credentials.get();
    }
    assert.equal(w.sts.count("AssumeRoleWithWebIdentity"), 3);
    assert.equal(w.cache.size, 3);
  });

  test("a session whose token expired is dropped and its clients released", async () => {
    const w = world();
    const session = w.cache.session(irsa("token-a", new Date(w.now() + 10 * MIN)), "us-east-1");
    session.clients("us-east-1");
    session.clients("us-west-2");
    assert.strictEqual(session.clients("us-east-1"), session.clients("us-east-1"), "clients are per region, reused");
    w.advance(11 * MIN);
    w.cache.session(irsa("token-b"), "us-east-1");
    assert.equal(w.cache.size, 1);
    assert.deepEqual(w.destroyed.sort(), ["sm:us-east-1", "sm:us-west-2"]);
  });

  test("the least recently used session goes first past maxEntries", async () => {
    const w = world({ maxEntries: 2 });
    const a = w.cache.session(irsa("a"), "us-east-1");
    w.cache.session(irsa("b"), "us-east-1");
    w.cache.session(irsa("a"), "us-east-1"); // a is now the most recent
    w.cache.session(irsa("c"), "us-east-1"); // b goes
    assert.equal(w.cache.size, 2);
    assert.strictEqual(w.cache.session(irsa("a"), "us-east-1"), a, "a was kept");
    assert.deepEqual(w.destroyed, []);
  });
});
