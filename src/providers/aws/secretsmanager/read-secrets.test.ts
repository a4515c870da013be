import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AccessDeniedError, NoSecretError, ThrottledError, remoteSecretIdKey, type ReadOutcome, type RemoteSecretId } from "../../provider.ts";
import { SecretsManagerSecretsClient } from "./client.ts";
import { awsError } from "../fake-aws-error.ts";
import { FakeSecretsManager } from "./fake-secrets-manager.ts";

function clientOver(fake: FakeSecretsManager, options: { prefix?: string; logger?: RecordingLogger } = {}) {
  return new SecretsManagerSecretsClient({ api: fake, prefix: options.prefix, validate: async () => "Ready", logger: options.logger });
}

class RecordingLogger {
  readonly warnings: string[] = [];
  info(): void {}
  warn(_fields: Record<string, unknown>, message: string): void {
    this.warnings.push(message);
  }
}

const text = (outcome: ReadOutcome | undefined): string => {
  assert.ok(outcome?.ok, `expected a value, got ${outcome && !outcome.ok ? outcome.error.message : "nothing"}`);
  return new TextDecoder().decode(outcome.payload.value);
};
const outcomeOf = (results: Map<string, ReadOutcome>, id: RemoteSecretId) => results.get(remoteSecretIdKey(id));

describe("Secrets Manager readSecrets", () => {
  test("reads AWSCURRENT values in BatchGetSecretValue calls of at most 20 ids (ESO #2902)", async () => {
    const cases = [
      { secrets: 1, batches: 1 },
      { secrets: 20, batches: 1 },
      { secrets: 21, batches: 2 },
      { secrets: 45, batches: 3 },
    ];
    for (const { secrets, batches } of cases) {
      const fake = new FakeSecretsManager();
      const ids = Array.from({ length: secrets }, (_, i) => ({ key: `app/s${i}` }));
      for (const id of ids) fake.add(id.key, { string: `v-${id.key}` });

      const results = await clientOver(fake).readSecrets(ids);

      assert.deepEqual(fake.calls, { BatchGetSecretValue: batches }, `${secrets} secrets`);
      for (const { input } of fake.requests) assert.ok((input as { SecretIdList: string[] }).SecretIdList.length <= 20);
      for (const id of ids) assert.equal(text(outcomeOf(results, id)), `v-${id.key}`);
    }
  });

  test("fetches a secret referenced many times once, and answers every reference", async () => {
    const fake = new FakeSecretsManager();
    fake.add("db", { string: "pw" });
    const ids: RemoteSecretId[] = [{ key: "db" }, { key: "db" }, { key: "db", version: "AWSCURRENT" }, { key: "db", version: "" }];

    const results = await clientOver(fake).readSecrets(ids);

    assert.deepEqual(fake.calls, { BatchGetSecretValue: 1 });
    assert.deepEqual((fake.requests[0]!.input as { SecretIdList: string[] }).SecretIdList, ["db"]);
    for (const id of ids) assert.equal(text(outcomeOf(results, id)), "pw");
  });

  test("a missing or deleted secret fails only its own id, with NoSecretError", async () => {
    const fake = new FakeSecretsManager();
    fake.add("present", { string: "here" });
    fake.add("deleted", { string: "gone" });
    fake.markDeleted("deleted");

    const results = await clientOver(fake).readSecrets([{ key: "present" }, { key: "absent" }, { key: "deleted" }]);

    assert.equal(text(outcomeOf(results, { key: "present" })), "here");
    for (const key of ["absent", "deleted"]) {
      const outcome = outcomeOf(results, { key });
      assert.ok(outcome && !outcome.ok && outcome.error instanceof NoSecretError, key);
      assert.equal((outcome.error).key, key);
    }
    assert.deepEqual(fake.calls, { BatchGetSecretValue: 1 });
  });

  test("matches values back to ids given as names, full ARNs and partial ARNs", async () => {
    const fake = new FakeSecretsManager();
    const arn = fake.add("team/api", { string: "token" });
    const partial = arn.slice(0, -7);

    const results = await clientOver(fake).readSecrets([{ key: "team/api" }, { key: arn }, { key: partial }]);

    for (const key of ["team/api", arn, partial]) assert.equal(text(outcomeOf(results, { key })), "token", key);
    assert.deepEqual(fake.calls, { BatchGetSecretValue: 1 });
  });

  test("versioned reads use GetSecretValue with a stage label or a VersionId", async () => {
    const fake = new FakeSecretsManager();
    fake.add("rotating", { string: "v1" });
    const v2 = fake.put("rotating", "v2", ["BLUE"]);
    const cases: Array<{ version: string; expected: string; request: Record<string, string> }> = [
      { version: "AWSPREVIOUS", expected: "v1", request: { SecretId: "rotating", VersionStage: "AWSPREVIOUS" } },
      { version: "BLUE", expected: "v2", request: { SecretId: "rotating", VersionStage: "BLUE" } },
      { version: `uuid/${v2}`, expected: "v2", request: { SecretId: "rotating", VersionId: v2 } },
    ];
    for (const { version, expected, request } of cases) {
      const before = fake.requests.length;
      const results = await clientOver(fake).readSecrets([{ key: "rotating", version }]);
      assert.equal(text(outcomeOf(results, { key: "rotating", version })), expected, version);
      assert.deepEqual(fake.requests.slice(before), [{ action: "GetSecretValue", input: request }], version);
    }
    const results = await clientOver(fake).readSecrets([{ key: "rotating", version: "NOPE" }]);
    const missing = outcomeOf(results, { key: "rotating", version: "NOPE" });
    assert.ok(missing && !missing.ok && missing.error instanceof NoSecretError);
  });

  test("binary secrets come back as their bytes, flagged binary", async () => {
    const fake = new FakeSecretsManager();
    const bytes = new Uint8Array([0, 1, 2, 255]);
    fake.add("cert.der", { binary: bytes });
    fake.add("plain", { string: "s" });

    const results = await clientOver(fake).readSecrets([{ key: "cert.der" }, { key: "plain" }]);

    const binary = outcomeOf(results, { key: "cert.der" });
    assert.ok(binary?.ok);
    assert.deepEqual([...binary.payload.value], [0, 1, 2, 255]);
    assert.equal(binary.payload.binary, true);
    const plain = outcomeOf(results, { key: "plain" });
    assert.ok(plain?.ok);
    assert.equal(plain.payload.binary, false);
  });

  test("metadataPolicy Fetch returns the tags as a JSON object with sorted keys, via DescribeSecret", async () => {
    const fake = new FakeSecretsManager();
    fake.add("tagged", { string: "value", tags: { team: "b", env: "prod", "a<b": "x&y" } });

    const id: RemoteSecretId = { key: "tagged", metadataPolicy: "Fetch" };
    const results = await clientOver(fake).readSecrets([id, { key: "gone", metadataPolicy: "Fetch" }]);

    assert.equal(text(outcomeOf(results, id)), '{"a\\u003cb":"x\\u0026y","env":"prod","team":"b"}');
    const gone = outcomeOf(results, { key: "gone", metadataPolicy: "Fetch" });
    assert.ok(gone && !gone.ok && gone.error instanceof NoSecretError);
    assert.deepEqual(fake.calls, { DescribeSecret: 2 });
  });

  test("the store prefix is prepended to every key; results stay keyed by the reference", async () => {
    const fake = new FakeSecretsManager();
    fake.add("team-a/db", { string: "a" });
    fake.add("team-a/old", { string: "old" });
    fake.put("team-a/old", "new");

    const ids: RemoteSecretId[] = [{ key: "db" }, { key: "old", version: "AWSPREVIOUS" }, { key: "db", metadataPolicy: "Fetch" }];
    const results = await clientOver(fake, { prefix: "team-a/" }).readSecrets(ids);

    assert.equal(text(outcomeOf(results, ids[0]!)), "a");
    assert.equal(text(outcomeOf(results, ids[1]!)), "old");
    assert.equal(text(outcomeOf(results, ids[2]!)), "{}");
    assert.deepEqual(
      fake.requests.map((r) => JSON.stringify(r.input)).sort(),
      [{ SecretIdList: ["team-a/db"] }, { SecretId: "team-a/old", VersionStage: "AWSPREVIOUS" }, { SecretId: "team-a/db" }].map((i) => JSON.stringify(i)).sort(),
    );
  });

  test("BatchGetSecretValue denied: falls back to GetSecretValue per secret, remembers it, and warns once", async () => {
    const fake = new FakeSecretsManager();
    for (let i = 0; i < 3; i++) fake.add(`s${i}`, { string: `v${i}` });
    fake.fail("BatchGetSecretValue", awsError("AccessDeniedException", "not authorized to perform secretsmanager:BatchGetSecretValue", 400));
    const logger = new RecordingLogger();
    const client = clientOver(fake, { logger });
    const ids = [{ key: "s0" }, { key: "s1" }, { key: "s2" }, { key: "nope" }];

    const first = await client.readSecrets(ids);
    const second = await client.readSecrets(ids);

    for (const results of [first, second]) {
      for (let i = 0; i < 3; i++) assert.equal(text(outcomeOf(results, { key: `s${i}` })), `v${i}`);
      const nope = outcomeOf(results, { key: "nope" });
      assert.ok(nope && !nope.ok && nope.error instanceof NoSecretError);
    }
    assert.deepEqual(fake.calls, { BatchGetSecretValue: 1, GetSecretValue: 8 });
    assert.equal(client.batchGetRefused, true);
    assert.equal(logger.warnings.length, 1);
    assert.match(logger.warnings[0]!, /BatchGetSecretValue is denied/);
  });

  test("a secret the policy denies fails its own id with AccessDeniedError", async () => {
    const fake = new FakeSecretsManager();
    fake.add("ok", { string: "fine" });
    fake.add("locked", { string: "x" });
    fake.put("locked", "y");
    fake.fail("GetSecretValue", awsError("AccessDeniedException", "User is not authorized to perform secretsmanager:GetSecretValue on resource locked"));

    const results = await clientOver(fake).readSecrets([{ key: "ok" }, { key: "locked", version: "AWSPREVIOUS" }]);

    assert.equal(text(outcomeOf(results, { key: "ok" })), "fine");
    const locked = outcomeOf(results, { key: "locked", version: "AWSPREVIOUS" });
    assert.ok(locked && !locked.ok && locked.error instanceof AccessDeniedError);
    assert.match(locked.error.message, /locked.*AccessDeniedException/);
  });

  test("throttling that outlasts the SDK's retries rejects the whole read with ThrottledError", async () => {
    const cases: Array<{ action: "BatchGetSecretValue" | "GetSecretValue"; ids: RemoteSecretId[] }> = [
      { action: "BatchGetSecretValue", ids: [{ key: "a" }] },
      { action: "GetSecretValue", ids: [{ key: "a", version: "AWSPREVIOUS" }] },
    ];
    for (const { action, ids } of cases) {
      const fake = new FakeSecretsManager();
      fake.add("a");
      fake.fail(action, awsError("ThrottlingException", "Rate exceeded"));
      await assert.rejects(clientOver(fake).readSecrets(ids), ThrottledError, action);
    }
  });

  test("an id the batch does not answer is read on its own", async () => {
    const fake = new FakeSecretsManager();
    fake.add("x", { string: "1" });
    // A batch that answers nothing: neither a value nor an error for the id.
    fake.batchGetSecretValue = async (input) => {
      fake.calls.BatchGetSecretValue = (fake.calls.BatchGetSecretValue ?? 0) + 1;
      void input;
      return { SecretValues: [], Errors: [] };
    };
    const results = await clientOver(fake).readSecrets([{ key: "x" }]);
    assert.equal(text(outcomeOf(results, { key: "x" })), "1");
    assert.deepEqual(fake.calls, { BatchGetSecretValue: 1, GetSecretValue: 1 });
  });

  test("no ids, no calls", async () => {
    const fake = new FakeSecretsManager();
    const results = await clientOver(fake).readSecrets([]);
    assert.equal(results.size, 0);
    assert.equal(fake.totalCalls, 0);
  });
});
