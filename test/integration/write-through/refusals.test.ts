// What must be refused, on the real control plane: an AWS secret Ferry does not manage is never
// overwritten; AWS down or the webhook down denies the write with a clear message and leaves nothing
// half-written (no Secret in etcd, no AWS secret); oversize values are refused; a response lost after AWS
// wrote is retried into the same version.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { faults } from "../../env/index.ts";
import { RECORDED, WRITE_THROUGH_LABEL } from "../../../src/write-through/names.ts";
import { labelledSecretManifest, startWriteThrough, type WriteThroughHarness } from "./write-through-harness.ts";

const CANARY = `canary-${Date.now().toString(36)}-Ref`;
let h: WriteThroughHarness;

before(async () => {
  h = await startWriteThrough();
});
after(async () => {
  await h.stop();
});

const absent = async (name: string) => {
  try {
    await h.core.readNamespacedSecret({ namespace: h.namespace, name });
    return false;
  } catch (err) {
    return err instanceof k8s.ApiException && err.code === 404;
  }
};
const create = async (name: string, literals: Record<string, string>) =>
  h.kubectl(["create", "-f", "-"], await labelledSecretManifest(h, name, literals, { [WRITE_THROUGH_LABEL]: "aws" }));

describe("refusals", () => {
  test("an AWS secret Ferry does not manage is never overwritten", async () => {
    await h.sm.send(new CreateSecretCommand({ Name: `ferry/${h.namespace}/foreign`, SecretString: "owned-by-payments", Tags: [{ Key: "team", Value: "payments" }] }));
    await assert.rejects(create("foreign", { password: CANARY }), /denied the request: write-through: secret "ferry\/.*\/foreign" exists and is not managed by Ferry for this object .*refusing to write or delete it/);
    assert.equal(await h.value(`ferry/${h.namespace}/foreign`), "owned-by-payments");
    assert.equal(Object.keys((await h.describe(`ferry/${h.namespace}/foreign`))?.VersionIdsToStages ?? {}).length, 1);
    assert.ok(await absent("foreign"), "nothing in etcd");
  });

  test("one managed by Ferry for another Secret is not overwritten either", async () => {
    await h.sm.send(new CreateSecretCommand({
      Name: `ferry/${h.namespace}/other`,
      SecretString: "{}",
      Tags: [{ Key: "managed-by", Value: "ferry" }, { Key: "ferry.dev/namespace", Value: "elsewhere" }, { Key: "ferry.dev/name", Value: "other" }],
    }));
    await assert.rejects(create("other", { password: CANARY }), /not managed by Ferry for this object/);
    assert.equal(await h.value(`ferry/${h.namespace}/other`), "{}");
  });

  test("a value over Secrets Manager's 64 KiB is refused before AWS", async () => {
    const writes = h.writes.length;
    await assert.rejects(create("huge", { blob: "x".repeat(66_000) }), /over the 65536-byte \(64 KiB\) limit/);
    assert.equal(h.writes.length, writes);
    assert.ok(await absent("huge"));
  });
});

describe("AWS down", () => {
  test("the write is denied with a clear message; nothing in etcd, nothing in AWS", async () => {
    const clear = h.sync.aws.inject({ match: faults.anyAws, fault: { kind: "reset" } });
    try {
      await assert.rejects(
        create("during-outage", { password: CANARY }),
        /denied the request: write-through: AWS Secrets Manager (unavailable|did not answer in time), could not write secret "ferry\/.*\/during-outage" .*the Secret was not changed: retry when AWS is reachable/,
      );
    } finally {
      clear();
    }
    assert.ok(await absent("during-outage"));
    assert.equal(await h.describe(`ferry/${h.namespace}/during-outage`), undefined);
    // The user's retry, once AWS is back, goes through.
    await create("during-outage", { password: CANARY });
    assert.equal(Object.keys((await h.describe(`ferry/${h.namespace}/during-outage`))?.VersionIdsToStages ?? {}).length, 1);
  });

  test("a CreateSecret whose response is lost is retried by the SDK into the same version, not a second one", async () => {
    const clear = h.sync.aws.inject({ match: faults.awsAction("CreateSecret"), fault: { kind: "cut-after", ms: 0 }, times: 1 });
    try {
      await create("lost-response", { password: CANARY });
    } finally {
      clear();
    }
    assert.ok(h.sync.aws.log.some((e) => e.awsAction === "CreateSecret" && e.fault === "cut-after"), "the response was cut");
    const stored = await h.core.readNamespacedSecret({ namespace: h.namespace, name: "lost-response" });
    const remote = await h.describe(`ferry/${h.namespace}/lost-response`);
    assert.deepEqual(Object.keys(remote?.VersionIdsToStages ?? {}), [stored.metadata?.annotations?.[RECORDED.version]]);
  });
});

describe("webhook down", () => {
  test("failurePolicy Fail: the write is denied by the apiserver; nothing in etcd, nothing in AWS", async () => {
    await h.manager.server.stop();
    const reviews = h.reviews.length;
    await assert.rejects(create("webhook-down", { password: CANARY }), /failed calling webhook "write-through.ferry.dev"/);
    assert.equal(h.reviews.length, reviews);
    assert.ok(await absent("webhook-down"));
    assert.equal(await h.describe(`ferry/${h.namespace}/webhook-down`), undefined);
    // Unlabelled Secrets are not affected by the outage.
    await h.kubectl(["create", "secret", "generic", "unaffected", "--from-literal=a=b"]);
  });
});

test("no canary in the webhook's logs, denials included", () => {
  const text = h.logs.join("\n");
  assert.match(text, /AWS call failed/);
  assert.doesNotMatch(text, new RegExp(`${CANARY}|${Buffer.from(CANARY).toString("base64").slice(0, 16)}`));
});
