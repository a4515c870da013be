import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AccessDeniedError, NoSecretError, NotManagedError, WriteConflictError, type PushSecretRequest } from "../../provider.ts";
import { awsError } from "../fake-aws-error.ts";
import { FakeSecretsManagerWrites } from "./fake-write-api.ts";
import { SecretsManagerWriter } from "./write.ts";

const owner = { "managed-by": "ferry", "ferry.dev/namespace": "team-a", "ferry.dev/name": "db" };
const token = (n: number) => `00000000-0000-8000-8000-${String(n).padStart(12, "0")}`;
const text = (s: string) => new TextEncoder().encode(s);

function push(overrides: Partial<PushSecretRequest> = {}): PushSecretRequest {
  return { remoteKey: "ferry/team-a/db", value: text('{"password":"p1"}'), format: "string", ownerTags: owner, versionToken: token(1), ...overrides };
}

function setup(prefix?: string) {
  const fake = new FakeSecretsManagerWrites();
  return { fake, writer: new SecretsManagerWriter({ api: fake, prefix }) };
}

describe("SecretsManagerWriter.pushSecret", () => {
  test("a new secret costs one CreateSecret, tagged with the owner tags, the token as version id", async () => {
    const { fake, writer } = setup("prod/");
    const result = await writer.pushSecret(push({ tags: { "ferry.dev/encoding": "json" }, description: "written through" }));
    assert.deepEqual({ outcome: result.outcome, calls: result.calls, versionId: result.versionId, name: result.name }, {
      outcome: "created", calls: ["CreateSecret"], versionId: token(1), name: "prod/ferry/team-a/db",
    });
    assert.deepEqual(fake.secrets.get("prod/ferry/team-a/db")?.tags, { ...owner, "ferry.dev/encoding": "json" });
    assert.deepEqual(fake.calls, { CreateSecret: 1 });
  });

  test("retried writes are harmless: the same token never adds a version", async () => {
    const cases = [
      { name: "create retried", first: push(), again: push(), calls: ["CreateSecret"], outcome: "created" },
      { name: "update retried", first: push({ existingId: "ferry/team-a/db", versionToken: token(2), value: text("2") }), again: push({ existingId: "ferry/team-a/db", versionToken: token(2), value: text("2") }), calls: ["DescribeSecret"], outcome: "unchanged" },
    ];
    for (const c of cases) {
      const { fake, writer } = setup();
      await writer.pushSecret(push());
      await writer.pushSecret(c.first);
      const versions = fake.secrets.get("ferry/team-a/db")!.versions.length;
      const again = await writer.pushSecret(c.again);
      assert.deepEqual(again.calls, c.calls, c.name);
      assert.equal(again.outcome, c.outcome, c.name);
      assert.equal(fake.secrets.get("ferry/team-a/db")!.versions.length, versions, `${c.name}: no new version`);
    }
  });

  test("an existing secret of ours gets a new version: DescribeSecret then PutSecretValue", async () => {
    const { fake, writer } = setup();
    const created = await writer.pushSecret(push());
    const updated = await writer.pushSecret(push({ existingId: created.arn, versionToken: token(2), value: text('{"password":"p2"}') }));
    assert.deepEqual(updated.calls, ["DescribeSecret", "PutSecretValue"]);
    assert.equal(updated.outcome, "updated");
    assert.equal(fake.current("ferry/team-a/db")?.string, '{"password":"p2"}');
    assert.equal(fake.current("ferry/team-a/db")?.id, token(2));
  });

  test("the name taken by our own earlier write (an admission that failed after AWS) is written as a new version", async () => {
    const { fake, writer } = setup();
    fake.seed("ferry/team-a/db", "old", owner);
    const result = await writer.pushSecret(push());
    assert.deepEqual(result.calls, ["CreateSecret", "DescribeSecret", "PutSecretValue"]);
    assert.equal(fake.current("ferry/team-a/db")?.id, token(1));
  });

  test("never overwrites a secret it does not own: every owner tag must match", async () => {
    const cases: Array<{ name: string; tags: Record<string, string> }> = [
      { name: "no tags", tags: {} },
      { name: "other manager", tags: { ...owner, "managed-by": "external-secrets" } },
      { name: "other namespace", tags: { ...owner, "ferry.dev/namespace": "team-b" } },
    ];
    for (const c of cases) {
      const { fake, writer } = setup();
      fake.seed("ferry/team-a/db", "theirs", c.tags);
      await assert.rejects(writer.pushSecret(push()), (err: Error) => {
        assert.ok(err instanceof NotManagedError, c.name);
        assert.match(err.message, /not managed by Ferry for this object/);
        assert.doesNotMatch(err.message, /team-b/, "never names another tenant's values");
        return true;
      });
      assert.equal(fake.current("ferry/team-a/db")?.string, "theirs", c.name);
      assert.equal(fake.calls.PutSecretValue, undefined, c.name);
    }
  });

  test("a secret of ours scheduled for deletion is restored, then written", async () => {
    const { fake, writer } = setup();
    await writer.pushSecret(push());
    await writer.deleteSecret({ remoteId: "ferry/team-a/db", ownerTags: owner, recoveryWindowInDays: 7 });
    const result = await writer.pushSecret(push({ versionToken: token(3), value: text("again") }));
    assert.deepEqual(result.calls, ["CreateSecret", "DescribeSecret", "RestoreSecret", "PutSecretValue"]);
    assert.equal(result.outcome, "restored");
    assert.equal(fake.secrets.get("ferry/team-a/db")?.deletedDate, undefined);
    assert.equal(fake.current("ferry/team-a/db")?.string, "again");
  });

  test("a recorded secret deleted for good out of band is created again", async () => {
    const { fake, writer } = setup();
    const created = await writer.pushSecret(push());
    await writer.deleteSecret({ remoteId: created.arn, ownerTags: owner, forceDeleteWithoutRecovery: true });
    const result = await writer.pushSecret(push({ existingId: created.arn, versionToken: token(2) }));
    assert.deepEqual(result.calls, ["DescribeSecret", "CreateSecret"]);
    assert.equal(fake.current("ferry/team-a/db")?.id, token(2));
  });

  test("changed tags (the encoding) are updated once; binary values go to SecretBinary", async () => {
    const { fake, writer } = setup();
    const created = await writer.pushSecret(push({ tags: { "ferry.dev/encoding": "json" } }));
    const bytes = new Uint8Array([0xff, 0x00, 0x01]);
    const result = await writer.pushSecret(push({ existingId: created.arn, versionToken: token(2), value: bytes, format: "binary", tags: { "ferry.dev/encoding": "binary" } }));
    assert.deepEqual(result.calls, ["DescribeSecret", "TagResource", "PutSecretValue"]);
    assert.deepEqual(fake.current("ferry/team-a/db")?.binary, bytes);
    assert.equal(fake.secrets.get("ferry/team-a/db")?.tags["ferry.dev/encoding"], "binary");
  });

  test("a token already used by a version that is no longer current is a conflict, not a silent no-op", async () => {
    const { writer } = setup();
    const created = await writer.pushSecret(push());
    await writer.pushSecret(push({ existingId: created.arn, versionToken: token(2), value: text("2") }));
    await assert.rejects(writer.pushSecret(push({ existingId: created.arn, versionToken: token(1) })), WriteConflictError);
  });

  test("AWS errors become provider errors with the call and secret named", async () => {
    const { fake, writer } = setup();
    fake.fail("CreateSecret", awsError("AccessDeniedException", "User: arn:aws:iam::1:user/x is not authorized", 400));
    await assert.rejects(writer.pushSecret(push()), (err: Error) => err instanceof AccessDeniedError && /CreateSecret "ferry\/team-a\/db": AccessDeniedException/.test(err.message));
    assert.throws(() => new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xff])));
    await assert.rejects(writer.pushSecret(push({ value: new Uint8Array([0xff]) })), TypeError, "a string format needs UTF-8");
    await assert.rejects(writer.pushSecret(push({ versionToken: "short" })), /version token must be 32 to 64 characters/);
  });
});

describe("SecretsManagerWriter: the resource policy (PushSecret metadata resourcePolicy, as ESO's manageResourcePolicy)", () => {
  const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"secretsmanager:DeleteSecret","Resource":"*"}]}';
  const reordered = '{"Statement":[{"Resource":"*","Action":"secretsmanager:DeleteSecret","Principal":"*","Effect":"Deny"}],"Version":"2012-10-17"}';
  const computed = (extra: Partial<PushSecretRequest>) => push({ versionTokenFor: (_p, v) => token(v.length), skipIfEqual: true, ...extra });

  test("a new secret: CreateSecret then PutResourcePolicy (no read), blockPublicPolicy passed on", async () => {
    const { fake, writer } = setup();
    const result = await writer.pushSecret(computed({ resourcePolicy: { policy, blockPublicPolicy: true } }));
    assert.deepEqual(result.calls, ["CreateSecret", "PutResourcePolicy"]);
    assert.equal(fake.secrets.get("ferry/team-a/db")?.policy, policy);
  });

  test("an unchanged value and the same policy (key order aside): one GetResourcePolicy, no write", async () => {
    const { fake, writer } = setup();
    await writer.pushSecret(computed({ resourcePolicy: { policy } }));
    const result = await writer.pushSecret(computed({ describeFirst: true, resourcePolicy: { policy: reordered } }));
    assert.deepEqual({ outcome: result.outcome, calls: result.calls }, { outcome: "unchanged", calls: ["DescribeSecret", "GetSecretValue", "GetResourcePolicy"] });
    assert.equal(fake.calls.PutResourcePolicy, 1);
  });

  test("a changed policy on an unchanged value is put (and reported as a write)", async () => {
    const { fake, writer } = setup();
    await writer.pushSecret(computed({}));
    const result = await writer.pushSecret(computed({ describeFirst: true, resourcePolicy: { policy } }));
    assert.deepEqual({ outcome: result.outcome, calls: result.calls }, { outcome: "updated", calls: ["DescribeSecret", "GetSecretValue", "GetResourcePolicy", "PutResourcePolicy"] });
    assert.equal(fake.secrets.get("ferry/team-a/db")?.policy, policy);
  });

  test("no policy wanted any more: DeleteResourcePolicy; absent: the policy is not touched", async () => {
    const { fake, writer } = setup();
    await writer.pushSecret(computed({ resourcePolicy: { policy } }));
    await writer.pushSecret(computed({ describeFirst: true }));
    assert.equal(fake.secrets.get("ferry/team-a/db")?.policy, policy, "absent: untouched");
    const result = await writer.pushSecret(computed({ describeFirst: true, resourcePolicy: { policy: undefined } }));
    assert.deepEqual(result.calls, ["DescribeSecret", "GetSecretValue", "DeleteResourcePolicy"]);
    assert.equal(fake.secrets.get("ferry/team-a/db")?.policy, undefined);
  });

  test("never on a secret it does not own, nor on one createOnly leaves alone", async () => {
    const { fake, writer } = setup();
    fake.seed("ferry/team-a/db", "theirs");
    await assert.rejects(writer.pushSecret(computed({ describeFirst: true, resourcePolicy: { policy } })), NotManagedError);
    const result = await writer.pushSecret(computed({ createOnly: true, resourcePolicy: { policy } }));
    assert.equal(result.outcome, "exists");
    assert.equal(fake.calls.PutResourcePolicy ?? 0, 0);
    assert.equal(fake.secrets.get("ferry/team-a/db")?.policy, undefined);
  });
});

describe("SecretsManagerWriter.deleteSecret", () => {
  test("schedules, forces, and tolerates what is already gone", async () => {
    const { fake, writer } = setup();
    await writer.pushSecret(push());
    const scheduled = await writer.deleteSecret({ remoteId: "ferry/team-a/db", ownerTags: owner, recoveryWindowInDays: 7 });
    assert.deepEqual([scheduled.outcome, scheduled.calls], ["scheduled", ["DescribeSecret", "DeleteSecret"]]);
    assert.ok(scheduled.deletionDate && scheduled.deletionDate.getTime() > Date.now() + 6 * 86_400_000);
    const again = await writer.deleteSecret({ remoteId: "ferry/team-a/db", ownerTags: owner });
    assert.deepEqual([again.outcome, again.calls], ["already-scheduled", ["DescribeSecret"]]);
    const missing = await writer.deleteSecret({ remoteId: "nope", ownerTags: owner });
    assert.equal(missing.outcome, "not-found");
    fake.seed("forced", "x", owner);
    assert.equal((await writer.deleteSecret({ remoteId: "forced", ownerTags: owner, forceDeleteWithoutRecovery: true })).outcome, "deleted");
    assert.equal(fake.secrets.has("forced"), false);
  });

  test("never deletes a secret it does not own", async () => {
    const { fake, writer } = setup();
    fake.seed("theirs", "x", { "managed-by": "someone" });
    await assert.rejects(writer.deleteSecret({ remoteId: "theirs", ownerTags: owner }), NotManagedError);
    assert.equal(fake.calls.DeleteSecret, undefined);
  });
});

describe("SecretsManagerWriter.readVersion", () => {
  test("reads a version by id, the current one without, and reports missing ones as NoSecretError", async () => {
    const { writer } = setup();
    const created = await writer.pushSecret(push());
    await writer.pushSecret(push({ existingId: created.arn, versionToken: token(2), value: text("two") }));
    assert.equal(new TextDecoder().decode((await writer.readVersion(created.arn, token(1))).value), '{"password":"p1"}');
    assert.equal(new TextDecoder().decode((await writer.readVersion(created.arn)).value), "two");
    await assert.rejects(writer.readVersion(created.arn, token(9)), NoSecretError);
  });
});
