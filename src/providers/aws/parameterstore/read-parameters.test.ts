import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AccessDeniedError, NoSecretError, ThrottledError, remoteSecretIdKey, type ReadOutcome, type RemoteSecretId } from "../../provider.ts";
import { awsError } from "../fake-aws-error.ts";
import { ParameterStoreSecretsClient, matchParameter, packBySelector } from "./client.ts";
import { FakeParameterStore } from "./fake-parameter-store.ts";

const client = (fake: FakeParameterStore, prefix?: string) => new ParameterStoreSecretsClient({ api: fake, prefix, validate: async () => "Ready" });
const outcomeOf = (results: Map<string, ReadOutcome>, id: RemoteSecretId) => results.get(remoteSecretIdKey(id));
const text = (outcome: ReadOutcome | undefined): string => {
  assert.ok(outcome?.ok, `expected a value, got ${outcome && !outcome.ok ? outcome.error.message : "nothing"}`);
  return new TextDecoder().decode(outcome.payload.value);
};

describe("Parameter Store readSecrets", () => {
  test("reads in GetParameters calls of at most 10 names, decrypted (ESO #1193)", async () => {
    for (const { parameters, calls } of [
      { parameters: 1, calls: 1 },
      { parameters: 10, calls: 1 },
      { parameters: 11, calls: 2 },
      { parameters: 25, calls: 3 },
    ]) {
      const fake = new FakeParameterStore();
      const ids = Array.from({ length: parameters }, (_, i) => ({ key: `/app/p${i}` }));
      for (const id of ids) fake.put(id.key, `v${id.key}`);

      const results = await client(fake).readSecrets(ids);

      assert.deepEqual(fake.calls, { GetParameters: calls }, `${parameters} parameters`);
      for (const { input } of fake.requests) {
        assert.equal((input as { WithDecryption: boolean }).WithDecryption, true);
        assert.ok((input as { Names: string[] }).Names.length <= 10);
      }
      for (const id of ids) assert.equal(text(outcomeOf(results, id)), `v${id.key}`);
    }
  });

  test("duplicate references are fetched once (ESO does not dedupe Parameter Store reads)", async () => {
    const fake = new FakeParameterStore();
    fake.put("/db/password", "pw");
    const ids = [{ key: "/db/password" }, { key: "/db/password" }, { key: "/db/password" }];
    const results = await client(fake).readSecrets(ids);
    assert.deepEqual(fake.requests, [{ action: "GetParameters", input: { Names: ["/db/password"], WithDecryption: true } }]);
    assert.equal(text(outcomeOf(results, ids[0]!)), "pw");
  });

  test("versions and labels are `name:version` selectors; one unnumbered read of a name per call", async () => {
    const fake = new FakeParameterStore();
    fake.put("/p", "one", { labels: ["stable"] });
    fake.put("/p", "two");
    fake.put("/q", "q");
    const ids: RemoteSecretId[] = [{ key: "/p" }, { key: "/p", version: "1" }, { key: "/p", version: "stable" }, { key: "/q" }, { key: "/p", version: "9" }];

    const results = await client(fake).readSecrets(ids);

    assert.equal(text(outcomeOf(results, ids[0]!)), "two");
    assert.equal(text(outcomeOf(results, ids[1]!)), "one");
    assert.equal(text(outcomeOf(results, ids[2]!)), "one");
    assert.equal(text(outcomeOf(results, ids[3]!)), "q");
    const missing = outcomeOf(results, ids[4]!);
    assert.ok(missing && !missing.ok && missing.error instanceof NoSecretError);
    const first = outcomeOf(results, ids[1]!);
    assert.equal(first?.ok && first.payload.versionId, "1");
    assert.deepEqual(
      fake.requests.map((r) => (r.input as { Names: string[] }).Names),
      [["/p", "/p:1", "/q", "/p:9"], ["/p:stable"]],
    );
  });

  test("packBySelector keeps numbered versions together and unnumbered reads of a name apart", () => {
    const read = (selector: string) => {
      const [name, version] = selector.split(":");
      return { name: name!, selector, version: version && /^\d+$/.test(version) ? Number(version) : undefined };
    };
    const reads = ["/a", "/b", "/a:1", "/a:stable", "/c", "/a:2", "/b:beta"].map(read);
    assert.deepEqual(
      packBySelector(reads, 4).map((b) => b.map((r) => r.selector)),
      [["/a", "/b", "/a:1", "/c"], ["/a:stable", "/a:2", "/b:beta"]],
    );
  });

  test("results are matched by version, by Selector when AWS sends it, else by elimination", () => {
    const batch = [
      { name: "/a", selector: "/a" },
      { name: "/a", selector: "/a:1", version: 1 },
    ];
    const withoutSelector = [
      { Name: "/a", Version: 3, Value: "latest" },
      { Name: "/a", Version: 1, Value: "first" },
    ];
    assert.equal(matchParameter(batch[0]!, batch, withoutSelector)?.Value, "latest");
    assert.equal(matchParameter(batch[1]!, batch, withoutSelector)?.Value, "first");
    const label = { name: "/a", selector: "/a:stable" };
    const withSelector = [
      { Name: "/a", Version: 1, Value: "first", Selector: ":1" },
      { Name: "/a", Version: 2, Value: "stable", Selector: ":stable" },
    ];
    assert.equal(matchParameter(label, [label, batch[1]!], withSelector)?.Value, "stable");
  });

  test("a missing parameter fails only its own id, with NoSecretError", async () => {
    const fake = new FakeParameterStore();
    fake.put("/here", "x");
    const results = await client(fake).readSecrets([{ key: "/here" }, { key: "/gone" }]);
    assert.equal(text(outcomeOf(results, { key: "/here" })), "x");
    const gone = outcomeOf(results, { key: "/gone" });
    assert.ok(gone && !gone.ok && gone.error instanceof NoSecretError);
    assert.equal(gone.error.key, "/gone");
    assert.deepEqual(fake.calls, { GetParameters: 1 });
  });

  test("the prefix is prepended; version ids are reported", async () => {
    const fake = new FakeParameterStore();
    fake.put("/team-a/key", "1");
    fake.put("/team-a/key", "2");
    const results = await client(fake, "/team-a/").readSecrets([{ key: "key" }]);
    const outcome = outcomeOf(results, { key: "key" });
    assert.ok(outcome?.ok);
    assert.equal(outcome.payload.versionId, "2");
    assert.deepEqual(fake.requests[0]!.input, { Names: ["/team-a/key"], WithDecryption: true });
  });

  test("metadataPolicy Fetch returns the tags as sorted JSON via ListTagsForResource", async () => {
    const fake = new FakeParameterStore();
    fake.put("/tagged", "v", { tags: { z: "1", a: "2" } });
    const id: RemoteSecretId = { key: "/tagged", metadataPolicy: "Fetch" };
    const results = await client(fake).readSecrets([id, { key: "/nope", metadataPolicy: "Fetch" }]);
    assert.equal(text(outcomeOf(results, id)), '{"a":"2","z":"1"}');
    const nope = outcomeOf(results, { key: "/nope", metadataPolicy: "Fetch" });
    assert.ok(nope && !nope.ok && nope.error instanceof NoSecretError);
    assert.deepEqual(fake.calls, { ListTagsForResource: 2 });
  });

  test("GetParameters denied while GetParameter works: one by one, remembered for the store", async () => {
    const fake = new FakeParameterStore();
    fake.put("/a", "1");
    fake.put("/b", "2");
    fake.fail("GetParameters", awsError("AccessDeniedException", "not authorized to perform ssm:GetParameters"));
    const c = client(fake);
    for (let round = 0; round < 2; round++) {
      const results = await c.readSecrets([{ key: "/a" }, { key: "/b" }]);
      assert.equal(text(outcomeOf(results, { key: "/a" })), "1");
      assert.equal(text(outcomeOf(results, { key: "/b" })), "2");
    }
    assert.deepEqual(fake.calls, { GetParameters: 1, GetParameter: 4 });
    assert.equal(c.getParametersRefused, true);
  });

  test("one denied name fails its own id and does not switch the store to one-by-one reads", async () => {
    const fake = new FakeParameterStore();
    fake.put("/open", "1");
    fake.put("/secret", "2");
    fake.fail("GetParameters", awsError("AccessDeniedException", "denied"), { times: 1 });
    fake.fail("GetParameter", awsError("AccessDeniedException", "denied /secret"), { when: (i) => (i as { Name: string }).Name === "/secret" });
    const c = client(fake);
    const results = await c.readSecrets([{ key: "/open" }, { key: "/secret" }]);
    assert.equal(text(outcomeOf(results, { key: "/open" })), "1");
    const denied = outcomeOf(results, { key: "/secret" });
    assert.ok(denied && !denied.ok && denied.error instanceof AccessDeniedError);
    assert.equal(c.getParametersRefused, false);
  });

  test("a malformed name does not fail the others in its batch", async () => {
    const fake = new FakeParameterStore();
    fake.put("/ok", "fine");
    fake.fail("GetParameters", awsError("ValidationException", "Parameter name: can't be prefixed with \"aws\""));
    const results = await client(fake).readSecrets([{ key: "/ok" }, { key: "aws-bad" }]);
    assert.equal(text(outcomeOf(results, { key: "/ok" })), "fine");
    assert.ok(!outcomeOf(results, { key: "aws-bad" })?.ok);
  });

  test("throttling after the SDK's retries rejects with ThrottledError", async () => {
    const fake = new FakeParameterStore();
    fake.put("/a", "1");
    fake.fail("GetParameters", awsError("ThrottlingException", "Rate exceeded"));
    await assert.rejects(client(fake).readSecrets([{ key: "/a" }]), ThrottledError);
  });
});
