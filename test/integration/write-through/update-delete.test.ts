// Updates and deletion on the real control plane: a changed value is a new AWS version (and reaches the
// read-back Secret), a re-apply of the same manifest is none, retried admissions add none, kubectl's
// last-applied copy keeps no value; deleting the Secret schedules the AWS deletion (or keeps it, per policy).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { waitUntil } from "../../env/index.ts";
import { DELETION_POLICY_ANNOTATION, LAST_APPLIED_ANNOTATION, READ_BACK_LABEL, RECORDED, WRITE_THROUGH_LABEL } from "../../../src/write-through/names.ts";
import { decode, startWriteThrough, type WriteThroughHarness } from "./write-through-harness.ts";

const CANARY = `canary-${Date.now().toString(36)}-Upd`;
let h: WriteThroughHarness;

before(async () => {
  h = await startWriteThrough();
});
after(async () => {
  await h.stop();
});

function manifest(name: string, stringData: Record<string, string>, extra: { annotations?: Record<string, string>; labels?: Record<string, string> } = {}): string {
  return stringify({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, labels: { [WRITE_THROUGH_LABEL]: "aws", ...extra.labels }, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    stringData,
  });
}

const versions = async (name: string) => Object.keys((await h.describe(`ferry/${h.namespace}/${name}`))?.VersionIdsToStages ?? {}).length;
const recordedVersion = async (name: string) => (await h.core.readNamespacedSecret({ namespace: h.namespace, name })).metadata?.annotations?.[RECORDED.version];

describe("kubectl apply (GitOps re-applies)", () => {
  test("the first apply writes; re-applying the same manifest writes no new version", async () => {
    await h.kubectl(["apply", "-f", "-"], manifest("app", { token: `${CANARY}-1` }, { labels: { [READ_BACK_LABEL]: "app-plain" } }));
    assert.equal(await versions("app"), 1);
    const first = await recordedVersion("app");
    const writes = h.writes.length;
    for (let i = 0; i < 2; i++) {
      const out = await h.kubectl(["apply", "-f", "-"], manifest("app", { token: `${CANARY}-1` }, { labels: { [READ_BACK_LABEL]: "app-plain" } }));
      assert.match(out, /secret\/app (configured|unchanged)/);
    }
    assert.equal(h.writes.length, writes, "no AWS call for an unchanged re-apply");
    assert.equal(await versions("app"), 1);
    assert.equal(await recordedVersion("app"), first);
    await h.sync.waitForSecret(h.namespace, "app-plain", (s) => decode(s, "token") === `${CANARY}-1`);
  });

  test("kubectl's last-applied-configuration keeps the keys, not the values", async () => {
    const stored = await h.core.readNamespacedSecret({ namespace: h.namespace, name: "app" });
    const lastApplied = JSON.parse(stored.metadata!.annotations![LAST_APPLIED_ANNOTATION]!) as { stringData: Record<string, string> };
    assert.deepEqual(lastApplied.stringData, { token: "" });
    assert.doesNotMatch(JSON.stringify(stored), new RegExp(CANARY));
  });

  test("a changed value is a new AWS version (DescribeSecret + PutSecretValue) and reaches the read-back Secret", async () => {
    const before = await recordedVersion("app");
    const writes = h.writes.length;
    await h.kubectl(["apply", "-f", "-"], manifest("app", { token: `${CANARY}-2` }, { labels: { [READ_BACK_LABEL]: "app-plain" } }));
    assert.deepEqual(h.writes.slice(writes).map((w) => w.call), ["DescribeSecret", "PutSecretValue"]);
    assert.equal(await versions("app"), 2);
    const after = await recordedVersion("app");
    assert.notEqual(after, before);
    const remote = await h.describe(`ferry/${h.namespace}/app`);
    assert.deepEqual(remote?.VersionIdsToStages?.[after!], ["AWSCURRENT"]);
    assert.deepEqual(JSON.parse(await h.value(`ferry/${h.namespace}/app`)), { token: `${CANARY}-2` });
    await h.sync.waitForSecret(h.namespace, "app-plain", (s) => decode(s, "token") === `${CANARY}-2`, 30_000);
  });

  test("kubectl edit style: a key sent empty keeps its AWS value, a typed one changes", async () => {
    await h.kubectl(["apply", "-f", "-"], manifest("pair", { user: "admin", password: `${CANARY}-p` }));
    const stored = await h.core.readNamespacedSecret({ namespace: h.namespace, name: "pair" });
    // What `kubectl edit` sends after typing a new user: the stripped Secret with one value filled in.
    stored.data = { user: Buffer.from("root").toString("base64"), password: "" };
    await h.core.replaceNamespacedSecret({ namespace: h.namespace, name: "pair", body: stored });
    assert.deepEqual(JSON.parse(await h.value(`ferry/${h.namespace}/pair`)), { password: `${CANARY}-p`, user: "root" });
  });
});

describe("deletion", () => {
  test("deleting the Secret schedules the AWS secret's deletion (recovery window), and the Secret goes", async () => {
    await h.kubectl(["apply", "-f", "-"], manifest("gone", { v: "1" }));
    await h.kubectl(["delete", "secret", "gone", "--wait=true", "--timeout=30s"]);
    const remote = await h.describe(`ferry/${h.namespace}/gone`);
    assert.ok(remote?.DeletedDate, "scheduled for deletion");
    const days = (remote.DeletedDate.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days < 7.1, `the 7-day recovery window, got ${days}`);
    const events = await h.core.listNamespacedEvent({ namespace: h.namespace });
    assert.ok(events.items.some((e) => e.reason === "AWSSecretDeleted" && e.involvedObject.name === "gone"));
  });

  test("with deletion policy Retain the AWS secret is kept", async () => {
    await h.kubectl(["apply", "-f", "-"], manifest("kept", { v: "1" }, { annotations: { [DELETION_POLICY_ANNOTATION]: "Retain" } }));
    await h.kubectl(["delete", "secret", "kept", "--wait=true", "--timeout=30s"]);
    const remote = await h.describe(`ferry/${h.namespace}/kept`);
    assert.ok(remote && !remote.DeletedDate);
  });

  test("recreating a deleted Secret restores its AWS secret and writes the new value", async () => {
    await h.kubectl(["apply", "-f", "-"], manifest("gone", { v: "2" }));
    const remote = await h.describe(`ferry/${h.namespace}/gone`);
    assert.equal(remote?.DeletedDate, undefined);
    assert.deepEqual(JSON.parse(await h.value(`ferry/${h.namespace}/gone`)), { v: "2" });
  });

  test("deleting the source removes the read-back ExternalSecret and its Secret (garbage collection)", async () => {
    await h.kubectl(["delete", "secret", "app", "--wait=true", "--timeout=30s"]);
    await waitUntil("the read-back Secret to be collected", async () => {
      try {
        await h.core.readNamespacedSecret({ namespace: h.namespace, name: "app-plain" });
        return false;
      } catch {
        return true;
      }
    }, { timeoutMs: 60_000 });
  });
});

test("no canary in the webhook's logs", () => {
  assert.doesNotMatch(h.logs.join("\n"), new RegExp(`${CANARY}|${Buffer.from(CANARY).toString("base64").slice(0, 16)}`));
});
