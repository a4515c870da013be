import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { FindQuery } from "../../provider.ts";
import { awsError } from "../fake-aws-error.ts";
import { ParameterStoreSecretsClient } from "./client.ts";
import { FakeParameterStore } from "./fake-parameter-store.ts";

const client = (fake: FakeParameterStore, prefix?: string) => new ParameterStoreSecretsClient({ api: fake, prefix, validate: async () => "Ready" });

function seeded(): FakeParameterStore {
  const fake = new FakeParameterStore();
  fake.put("/app/db/password", "pw", { tags: { team: "a" } });
  fake.put("/app/db/user", "u", { tags: { team: "a" } });
  fake.put("/app/api/token", "t", { tags: { team: "b" } });
  fake.put("/other/x", "x", { tags: { team: "a" } });
  return fake;
}

describe("Parameter Store findSecrets", () => {
  test("selects by path, regexp and tags without a call per parameter", async () => {
    const cases: Array<{ name: string; query: FindQuery; expected: string[]; calls: Record<string, number> }> = [
      { name: "path", query: { path: "/app" }, expected: ["/app/api/token", "/app/db/password", "/app/db/user"], calls: { GetParametersByPath: 1 } },
      { name: "regexp under /", query: { nameRegexp: "password$" }, expected: ["/app/db/password"], calls: { GetParametersByPath: 1 } },
      { name: "path and regexp", query: { path: "/app", nameRegexp: "^/app/db/" }, expected: ["/app/db/password", "/app/db/user"], calls: { GetParametersByPath: 1 } },
      { name: "tags", query: { tags: { team: "a" } }, expected: ["/app/db/password", "/app/db/user", "/other/x"], calls: { DescribeParameters: 1, GetParameters: 1 } },
      { name: "tags and path", query: { tags: { team: "a" }, path: "/app" }, expected: ["/app/db/password", "/app/db/user"], calls: { DescribeParameters: 1, GetParameters: 1 } },
    ];
    for (const { name, query, expected, calls } of cases) {
      const fake = seeded();
      const found = await client(fake).findSecrets(query);
      assert.deepEqual([...found.keys()].sort(), expected, name);
      assert.deepEqual(fake.calls, calls, name);
    }
  });

  test("pages GetParametersByPath 10 at a time, recursive and decrypted", async () => {
    const fake = new FakeParameterStore();
    for (let i = 0; i < 25; i++) fake.put(`/bulk/n${i}/v`, String(i));
    const found = await client(fake).findSecrets({ path: "/bulk" });
    assert.equal(found.size, 25);
    assert.deepEqual(fake.calls, { GetParametersByPath: 3 });
    assert.deepEqual(fake.requests[0]!.input, { Path: "/bulk", Recursive: true, WithDecryption: true, MaxResults: 10 });
  });

  test("tags: values are read in GetParameters of 10, not one GetParameter each (ESO #4065)", async () => {
    const fake = new FakeParameterStore();
    for (let i = 0; i < 25; i++) fake.put(`/t/p${i}`, String(i), { tags: { env: "prod" } });
    const found = await client(fake).findSecrets({ tags: { env: "prod" } });
    assert.equal(found.size, 25);
    assert.deepEqual(fake.calls, { DescribeParameters: 1, GetParameters: 3 });
    assert.deepEqual(fake.requests[0]!.input, { MaxResults: 50, ParameterFilters: [{ Key: "tag:env", Option: "Equals", Values: ["prod"] }] });
  });

  test("GetParametersByPath denied: DescribeParameters with a path filter, then GetParameters", async () => {
    const fake = seeded();
    fake.fail("GetParametersByPath", awsError("AccessDeniedException", "denied"));
    const found = await client(fake).findSecrets({ path: "/app", nameRegexp: "db" });
    assert.deepEqual([...found.keys()].sort(), ["/app/db/password", "/app/db/user"]);
    assert.deepEqual(fake.calls, { GetParametersByPath: 1, DescribeParameters: 1, GetParameters: 1 });
  });

  test("the prefix is the root of find", async () => {
    const fake = seeded();
    const found = await client(fake, "/app/db").findSecrets({ nameRegexp: "user" });
    assert.deepEqual([...found.keys()], ["/app/db/user"]);
    assert.equal((fake.requests[0]!.input as { Path: string }).Path, "/app/db");
  });
});
