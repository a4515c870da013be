import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { PushSecretData } from "../apis/push-secret.ts";
import { dataToEntries, mergeSourcedPushes, mergeSynced, planDeletions, planPushes, statusKeyOf, syncedOf, syncedPatch, type SyncedPushSecrets } from "./plan.ts";

const entry = (secretKey: string, remoteKey: string, property?: string): PushSecretData => ({
  match: { secretKey, remoteRef: { remoteKey, ...(property ? { property } : {}) } },
  conversionStrategy: "None",
});
const aws = { kind: "SecretStore" as const, name: "aws" };
const other = { kind: "ClusterSecretStore" as const, name: "other" };

describe("status keys (ESO's statusRef)", () => {
  test("the remote key", () => assert.equal(statusKeyOf(entry("a", "k")), "k"));
  test("with a property", () => assert.equal(statusKeyOf(entry("a", "k", "p.q")), "k/p.q"));
});

test("planPushes: every entry to every store, stores outer", () => {
  const plan = planPushes([entry("a", "ka"), entry("b", "kb")], [aws, other]);
  assert.deepEqual(plan.map((p) => `${p.storeKey} ${p.statusKey}`), ["SecretStore/aws ka", "SecretStore/aws kb", "ClusterSecretStore/other ka", "ClusterSecretStore/other kb"]);
});

describe("planDeletions (deletionPolicy Delete)", () => {
  const previous: SyncedPushSecrets = { "SecretStore/aws": { ka: entry("a", "ka"), kb: entry("b", "kb"), "kj/x": entry("x", "kj", "x"), "kj/y": entry("y", "kj", "y") }, "ClusterSecretStore/other": { ka: entry("a", "ka") } };
  const cases: Array<[string, SyncedPushSecrets, string[]]> = [
    ["nothing removed", previous, []],
    ["an entry removed", { ...previous, "SecretStore/aws": { ka: entry("a", "ka"), "kj/x": entry("x", "kj", "x"), "kj/y": entry("y", "kj", "y") } }, ["SecretStore/aws kb"]],
    ["a store no longer pushed to", { "SecretStore/aws": previous["SecretStore/aws"]! }, ["ClusterSecretStore/other ka"]],
    ["one property of a JSON secret removed, another still pushed: kept", { ...previous, "SecretStore/aws": { ka: entry("a", "ka"), kb: entry("b", "kb"), "kj/x": entry("x", "kj", "x") } }, []],
    ["every property of a JSON secret removed: deleted once", { ...previous, "SecretStore/aws": { ka: entry("a", "ka"), kb: entry("b", "kb") } }, ["SecretStore/aws kj/x"]],
  ];
  for (const [name, current, expected] of cases) {
    test(name, () => assert.deepEqual(planDeletions(previous, current).map((d) => `${d.storeKey} ${d.statusKey}`), expected));
  }
  test("nothing recorded, nothing deleted", () => assert.deepEqual(planDeletions(undefined, {}), []));
});

test("syncedOf lists every store, even with nothing pushed", () => {
  assert.deepEqual(syncedOf([], [aws]), { "SecretStore/aws": {} });
});

test("mergeSynced keeps earlier entries after a failure (ESO's mergeSecretState)", () => {
  assert.deepEqual(Object.keys(mergeSynced({ "SecretStore/aws": { ka: entry("a", "ka") } }, { "SecretStore/aws": { kb: entry("b", "kb") } })["SecretStore/aws"]!).sort(), ["ka", "kb"]);
});

test("syncedPatch nulls what was removed (a merge patch merges maps)", () => {
  const before: SyncedPushSecrets = { "SecretStore/aws": { ka: entry("a", "ka"), kb: entry("b", "kb") }, "ClusterSecretStore/other": { ka: entry("a", "ka") } };
  const patch = syncedPatch(before, { "SecretStore/aws": { ka: entry("a", "ka") } });
  assert.deepEqual(patch, { "ClusterSecretStore/other": null, "SecretStore/aws": { ka: entry("a", "ka"), kb: null } });
});

describe("dataToEntries", () => {
  const keys = ["db-user", "db-pass", "other"];
  test("keys matching the regexp, renamed by rewrite", async () => {
    const entries = await dataToEntries({ match: { regexp: "^db-" }, rewrite: [{ regexp: { source: "^db-(.*)$", target: "app/db/$1" } }], conversionStrategy: "None" }, keys);
    assert.deepEqual(entries.map((e) => `${e.match.secretKey} → ${e.match.remoteRef.remoteKey}`), ["db-pass → app/db/pass", "db-user → app/db/user"]);
  });
  test("no regexp: every key under its own name", async () => assert.deepEqual((await dataToEntries({ conversionStrategy: "None" }, keys)).map((e) => e.match.remoteRef.remoteKey), ["db-pass", "db-user", "other"]));
  test("rewrite.transform renames through the injected engine; refused without one", async () => {
    const upper = async (_template: string, ks: readonly string[]) => new Map(ks.map((k) => [k, `team/${k.toUpperCase()}`]));
    const block = { match: { regexp: "^db-" }, rewrite: [{ transform: { template: "team/{{ .value | upper }}" } }], conversionStrategy: "None" as const };
    assert.deepEqual((await dataToEntries(block, keys, upper)).map((e) => `${e.match.secretKey}->${e.match.remoteRef.remoteKey}`), ["db-pass->team/DB-PASS", "db-user->team/DB-USER"]);
    await assert.rejects(dataToEntries(block, keys), /rewrite\.transform is not supported/);
  });
});

describe("mergeSourcedPushes (selector.secret.selector: several source Secrets)", () => {
  const push = (source: string, e: PushSecretData) => ({ item: planPushes([e], [aws])[0]!, source, data: source });
  test("the same remote key from two Secrets: the last one (by name, ESO's list order) wins, written once", () => {
    const merged = mergeSourcedPushes([[push("a", entry("k", "remote"))], [push("b", entry("k", "remote"))]]);
    assert.deepEqual(merged.map((p) => `${p.item.statusKey}<-${p.source}`), ["remote<-b"]);
  });
  test("different remote keys (dataTo over different keys): the union", () => {
    const merged = mergeSourcedPushes([[push("a", entry("x", "rx"))], [push("b", entry("y", "ry"))]]);
    assert.deepEqual(merged.map((p) => `${p.item.statusKey}<-${p.source}`), ["rx<-a", "ry<-b"]);
  });
  test("properties of one JSON secret from two Secrets: both set", () => {
    const merged = mergeSourcedPushes([[push("a", entry("x", "doc", "x"))], [push("b", entry("y", "doc", "y"))]]);
    assert.deepEqual(merged.map((p) => `${p.item.statusKey}<-${p.source}`), ["doc/x<-a", "doc/y<-b"]);
  });
});
