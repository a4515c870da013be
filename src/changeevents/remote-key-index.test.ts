import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { RemoteChange } from "./change-event.ts";
import type { IndexedRead } from "./external-secret-reads.ts";
import { RemoteKeyIndex, type StoreFacts } from "./remote-key-index.ts";

const STORES: Record<string, StoreFacts> = {
  "SecretStore/team-a/sm": { service: "SecretsManager", region: "us-west-2", prefix: "" },
  "SecretStore/team-b/sm-prefixed": { service: "SecretsManager", region: "us-west-2", prefix: "team-b/" },
  "SecretStore/team-c/sm-east": { service: "SecretsManager", region: "us-east-1", prefix: "" },
  "ClusterSecretStore//ssm": { service: "ParameterStore", region: "us-west-2", prefix: "" },
};
const facts = (store: string) => STORES[store];
const prefixes = Object.values(STORES).map((s) => s.prefix);

const sm = (names: string[], over: Partial<RemoteChange> = {}): RemoteChange => ({ service: "SecretsManager", region: "us-west-2", account: "123456789012", names, action: "PutSecretValue", ...over });
const key = (k: string): IndexedRead => ({ kind: "key", key: k });
const find = (f: Partial<Extract<IndexedRead, { kind: "find" }>>): IndexedRead => ({ kind: "find", path: undefined, nameRegexp: undefined, tags: false, ...f });

function indexOf(entries: Array<[es: string, store: string, reads: IndexedRead[]]>): RemoteKeyIndex {
  const index = new RemoteKeyIndex();
  for (const [es, store, reads] of entries) index.set(es, store, reads);
  return index;
}

describe("RemoteKeyIndex.readersOf", () => {
  const index = indexOf([
    ["team-a/db", "SecretStore/team-a/sm", [key("app/db")]],
    ["team-a/db-copy", "SecretStore/team-a/sm", [key("app/db"), key("app/other")]],
    ["team-a/by-arn", "SecretStore/team-a/sm", [key("arn:aws:secretsmanager:us-west-2:123456789012:secret:app/db-AbCdEf")]],
    ["team-a/by-arn-other-account", "SecretStore/team-a/sm", [key("arn:aws:secretsmanager:us-west-2:999999999999:secret:app/db-AbCdEf")]],
    ["team-b/db", "SecretStore/team-b/sm-prefixed", [key("app/db")]],
    ["team-c/db", "SecretStore/team-c/sm-east", [key("app/db")]],
    ["team-a/param", "ClusterSecretStore//ssm", [key("app/db")]],
    ["team-a/find-path", "SecretStore/team-a/sm", [find({ path: "app/" })]],
    ["team-a/find-other-path", "SecretStore/team-a/sm", [find({ path: "infra/" })]],
    ["team-a/find-regexp", "SecretStore/team-a/sm", [find({ nameRegexp: "^app/d" })]],
    ["team-a/find-regexp-no", "SecretStore/team-a/sm", [find({ nameRegexp: "^infra" })]],
    ["team-a/find-tags", "SecretStore/team-a/sm", [find({ tags: true })]],
    ["team-c/find-tags-east", "SecretStore/team-c/sm-east", [find({ tags: true })]],
    ["team-a/missing-store", "SecretStore/team-a/gone", [key("app/db")]],
  ]);
  const cases: Array<{ name: string; change: RemoteChange; want: string[] }> = [
    {
      name: "a name reaches its readers on the same service and region, key and ARN readers, and finds that could match",
      change: sm(["app/db"]),
      want: ["team-a/db", "team-a/db-copy", "team-a/by-arn", "team-a/find-path", "team-a/find-regexp", "team-a/find-tags"],
    },
    {
      name: "the event's ARN names match a reader by name",
      change: sm(["app/db", "app/db-AbCdEf"]),
      want: ["team-a/db", "team-a/db-copy", "team-a/by-arn", "team-a/find-path", "team-a/find-regexp", "team-a/find-tags"],
    },
    { name: "a store prefix is part of the remote name", change: sm(["team-b/app/db"]), want: ["team-b/db", "team-a/find-tags"] },
    { name: "another region", change: sm(["app/db"], { region: "us-east-1" }), want: ["team-c/db", "team-c/find-tags-east"] },
    { name: "an event without an account matches ARN readers of any account", change: sm(["app/db"], { account: undefined }), want: ["team-a/db", "team-a/db-copy", "team-a/by-arn", "team-a/by-arn-other-account", "team-a/find-path", "team-a/find-regexp", "team-a/find-tags"] },
    { name: "Parameter Store changes reach Parameter Store readers only", change: sm(["app/db"], { service: "ParameterStore" }), want: ["team-a/param"] },
    { name: "a secret nobody reads by key reaches only finds that could match", change: sm(["unread/x"]), want: ["team-a/find-tags"] },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual([...index.readersOf(c.change, facts, prefixes)].sort(), [...c.want].sort()));
  }

  test("an ExternalSecret's entry is replaced on update and gone on delete", () => {
    const idx = indexOf([["ns/es", "SecretStore/team-a/sm", [key("old")]]]);
    idx.set("ns/es", "SecretStore/team-a/sm", [key("new")]);
    assert.deepEqual([...idx.readersOf(sm(["old"]), facts, prefixes)], []);
    assert.deepEqual([...idx.readersOf(sm(["new"]), facts, prefixes)], ["ns/es"]);
    idx.delete("ns/es");
    assert.deepEqual([...idx.readersOf(sm(["new"]), facts, prefixes)], []);
    assert.equal(idx.size, 0);
  });

  test("an ExternalSecret with no refreshing reads is not indexed", () => {
    const idx = indexOf([["ns/es", "SecretStore/team-a/sm", []]]);
    assert.equal(idx.size, 0);
  });
});
