import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { FindQuery, RemotePayload } from "../../provider.ts";
import { GoRegexpSyntaxError } from "../../../lib/goregexp/index.ts";
import { SecretsManagerSecretsClient } from "./client.ts";
import { awsError } from "../fake-aws-error.ts";
import { FakeSecretsManager } from "./fake-secrets-manager.ts";

function seeded(): FakeSecretsManager {
  const fake = new FakeSecretsManager();
  fake.add("app/db", { string: "db", tags: { team: "a", env: "prod" } });
  fake.add("app/api", { string: "api", tags: { team: "b", env: "prod" } });
  fake.add("app/cert", { binary: new Uint8Array([1, 2]), tags: { team: "a" } });
  fake.add("other/db", { string: "other", tags: { team: "a", env: "dev" } });
  fake.add("App/upper", { string: "upper" });
  return fake;
}

const names = (found: Map<string, RemotePayload>) => [...found.keys()].sort();
const client = (fake: FakeSecretsManager, prefix?: string) => new SecretsManagerSecretsClient({ api: fake, prefix, validate: async () => "Ready" });

describe("Secrets Manager findSecrets", () => {
  test("selects by path, regexp and tags with the fewest calls", async () => {
    const cases: Array<{ name: string; query: FindQuery; expected: string[]; calls: Record<string, number> }> = [
      { name: "path", query: { path: "app/" }, expected: ["app/api", "app/cert", "app/db"], calls: { BatchGetSecretValue: 1 } },
      { name: "path and regexp", query: { path: "app/", nameRegexp: "db$" }, expected: ["app/db"], calls: { BatchGetSecretValue: 1 } },
      { name: "tags", query: { tags: { team: "a" } }, expected: ["app/cert", "app/db", "other/db"], calls: { BatchGetSecretValue: 1 } },
      { name: "tags and path", query: { tags: { team: "a" }, path: "app/" }, expected: ["app/cert", "app/db"], calls: { BatchGetSecretValue: 1 } },
      { name: "regexp alone", query: { nameRegexp: "^(app|other)/db$" }, expected: ["app/db", "other/db"], calls: { ListSecrets: 1, BatchGetSecretValue: 1 } },
      { name: "regexp matching nothing", query: { nameRegexp: "^zzz" }, expected: [], calls: { ListSecrets: 1 } },
    ];
    for (const { name, query, expected, calls } of cases) {
      const fake = seeded();
      const found = await client(fake).findSecrets(query);
      assert.deepEqual(names(found), expected, name);
      assert.deepEqual(fake.calls, calls, name);
    }
  });

  test("pages through BatchGetSecretValue 20 at a time", async () => {
    const fake = new FakeSecretsManager();
    for (let i = 0; i < 45; i++) fake.add(`bulk/s${i}`, { string: String(i) });
    const found = await client(fake).findSecrets({ path: "bulk/" });
    assert.equal(found.size, 45);
    assert.deepEqual(fake.calls, { BatchGetSecretValue: 3 });
    for (const { input } of fake.requests) assert.equal((input as { MaxResults: number }).MaxResults, 20);
  });

  test("a regexp alone reads its matches in batches of 20 after listing", async () => {
    const fake = new FakeSecretsManager();
    for (let i = 0; i < 150; i++) fake.add(`n/s${i}`, { string: String(i) });
    const found = await client(fake).findSecrets({ nameRegexp: "^n/s[0-9]$|^n/s[1-4][0-9]$" });
    assert.equal(found.size, 50);
    assert.deepEqual(fake.calls, { ListSecrets: 2, BatchGetSecretValue: 3 });
  });

  test("path is a case-sensitive prefix even though AWS's name filter is not", async () => {
    const fake = seeded();
    const found = await client(fake).findSecrets({ path: "app/" });
    assert.equal(found.has("App/upper"), false);
  });

  test("binary secrets are found with their bytes", async () => {
    const found = await client(seeded()).findSecrets({ path: "app/cert" });
    assert.deepEqual(found.get("app/cert"), { value: new Uint8Array([1, 2]), binary: true, versionId: found.get("app/cert")!.versionId });
  });

  test("the prefix scopes find: path is appended to it, keys are full names", async () => {
    const fake = seeded();
    const found = await client(fake, "app/").findSecrets({ nameRegexp: "db" });
    assert.deepEqual(names(found), ["app/db"]);
    assert.deepEqual(fake.requests[0]!.input, { Filters: [{ Key: "name", Values: ["app/"] }], MaxResults: 20 });
  });

  test("BatchGetSecretValue denied: lists with the same filters and reads one by one", async () => {
    const fake = seeded();
    fake.fail("BatchGetSecretValue", awsError("AccessDeniedException", "denied"));
    const c = client(fake);
    const found = await c.findSecrets({ tags: { team: "a" }, path: "app/" });
    assert.deepEqual(names(found), ["app/cert", "app/db"]);
    assert.deepEqual(fake.calls, { BatchGetSecretValue: 1, ListSecrets: 1, GetSecretValue: 2 });
    assert.equal(c.batchGetRefused, true);
  });

  test("find.name.regexp catastrophic for backtracking runs over 512-character names (Go regexp, linear)", async () => {
    // Secret names reach 512 characters; `^([a-z/-]+)*X$` needs 2^512 steps in a backtracking engine.
    const fake = new FakeSecretsManager();
    for (let i = 0; i < 5; i++) fake.add(`${"a/b-".repeat(127)}n${i}`, { string: String(i) });
    const found = await client(fake).findSecrets({ nameRegexp: "^([a-z0-9/-]+)*X$" });
    assert.equal(found.size, 0);
    assert.deepEqual(fake.calls, { ListSecrets: 1 });
  });

  test("regexps RE2 rejects are rejected with a clear error, before any call", async () => {
    const fake = seeded();
    await assert.rejects(client(fake).findSecrets({ nameRegexp: "app(?=/)" }), (err) => err instanceof GoRegexpSyntaxError && err.message === "error parsing regexp: invalid or unsupported Perl syntax: `(?=`");
    await assert.rejects(client(fake).findSecrets({}), /set name.regexp, path or tags/);
    assert.equal(fake.totalCalls, 0);
  });
});
