// Acceptance on the real control plane: `kubectl create secret generic …` with the label puts the value in
// AWS (moto) and only a reference in etcd; a read-back ExternalSecret materialises the value for pods;
// `--dry-run=server` writes nothing to AWS; unlabelled Secrets never reach the webhook; no canary in logs.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { FINALIZER, READ_BACK_LABEL, RECORDED, SOURCE_LABEL, WRITE_THROUGH_LABEL } from "../../../src/write-through/names.ts";
import { decode, labelledSecretManifest, startWriteThrough, type WriteThroughHarness } from "./write-through-harness.ts";

const CANARY = `canary-${Date.now().toString(36)}-Wq9`;
const CANARY_B64 = Buffer.from(CANARY).toString("base64");
let h: WriteThroughHarness;

before(async () => {
  h = await startWriteThrough();
});
after(async () => {
  await h.stop();
});

describe("kubectl create secret generic, labelled", () => {
  let arn = "";
  let version = "";

  test("the value lands in AWS; the Secret read back holds no plaintext and carries the reference", async () => {
    const reviewsBefore = h.reviews.length;
    const manifest = await labelledSecretManifest(h, "db", { password: CANARY, user: "admin" }, { [WRITE_THROUGH_LABEL]: "aws", [READ_BACK_LABEL]: "db-plain" });
    const out = await h.kubectl(["create", "-f", "-"], manifest);
    assert.match(out, /secret\/db created/);
    assert.equal(h.reviews.length, reviewsBefore + 1, "the apiserver called the webhook once");
    assert.deepEqual(h.writes.map((w) => `${w.call}:${w.status}`), ["CreateSecret:success"], "one AWS call for a new secret");

    const stored = await h.core.readNamespacedSecret({ namespace: h.namespace, name: "db" });
    assert.deepEqual(stored.data, { password: "", user: "" });
    const annotations = stored.metadata?.annotations ?? {};
    arn = annotations[RECORDED.arn] ?? "";
    version = annotations[RECORDED.version] ?? "";
    assert.match(arn, new RegExp(`^arn:aws:secretsmanager:[a-z0-9-]+:\\d{12}:secret:ferry/${h.namespace}/db-\\w{6}$`));
    assert.match(version, /^[0-9a-f-]{36}$/);
    assert.equal(annotations[RECORDED.keys], "password,user");
    assert.deepEqual(stored.metadata?.finalizers, [FINALIZER]);
    assert.doesNotMatch(JSON.stringify(stored), new RegExp(`${CANARY}|${CANARY_B64}`), "no plaintext anywhere in the stored object");

    const remote = await h.describe(`ferry/${h.namespace}/db`);
    assert.ok(remote);
    assert.equal(remote?.ARN, arn);
    assert.deepEqual(remote?.VersionIdsToStages, { [version]: ["AWSCURRENT"] });
    const tags: Record<string, string> = Object.fromEntries((remote.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
    assert.deepEqual(tags, { "managed-by": "ferry", "ferry.dev/namespace": h.namespace, "ferry.dev/name": "db", "ferry.dev/cluster": h.manager.cluster, "ferry.dev/encoding": "text" });
    assert.deepEqual(JSON.parse(await h.value(arn)), { password: CANARY, user: "admin" });
  });

  test("a pod-facing Secret materialised by the read-back ExternalSecret holds the value", async () => {
    const plain = await h.sync.waitForSecret(h.namespace, "db-plain", (s) => decode(s, "password") === CANARY, 30_000);
    assert.equal(decode(plain, "user"), "admin");
    const es = await h.sync.externalSecret(h.namespace, "db-plain");
    assert.equal(es.metadata.annotations?.[RECORDED.version], version);
    assert.deepEqual((es.spec.dataFrom as Array<{ extract: Record<string, unknown> }>)[0]!.extract, {
      key: `ferry/${h.namespace}/db`,
      version: `uuid/${version}`,
      decodingStrategy: "None",
      conversionStrategy: "Default",
      metadataPolicy: "None",
      nullBytePolicy: "Ignore",
    });
    const es2 = (await h.sync.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: h.namespace, plural: "externalsecrets", name: "db-plain" })) as {
      metadata: { labels: Record<string, string>; ownerReferences: Array<{ kind: string; name: string }> };
    };
    assert.equal(es2.metadata.labels[SOURCE_LABEL], "db");
    assert.deepEqual(es2.metadata.ownerReferences.map((r) => `${r.kind}/${r.name}`), ["Secret/db"]);
  });

  test("--dry-run=server validates through the webhook and creates nothing in AWS", async () => {
    const reviewsBefore = h.reviews.length;
    const writesBefore = h.writes.length;
    const proxyBefore = h.sync.aws.counts();
    const manifest = await labelledSecretManifest(h, "dry", { password: CANARY }, { [WRITE_THROUGH_LABEL]: "aws" });
    const out = await h.kubectl(["create", "-f", "-", "--dry-run=server", "-o", "json"], manifest);
    const returned = JSON.parse(out) as { data: Record<string, string>; metadata: { annotations: Record<string, string> } };
    assert.deepEqual(returned.data, { password: "" }, "the dry-run answer shows the stripped Secret");
    assert.equal(returned.metadata.annotations[RECORDED.arn], undefined);
    assert.equal(h.reviews.length, reviewsBefore + 1);
    assert.equal(h.reviews.at(-1)?.dryRun, true);
    assert.equal(h.writes.length, writesBefore, "no AWS call from the webhook");
    assert.equal(await h.describe(`ferry/${h.namespace}/dry`), undefined);
    const proxyAfter = h.sync.aws.counts();
    for (const call of ["CreateSecret", "PutSecretValue"]) assert.equal(proxyAfter[call] ?? 0, proxyBefore[call] ?? 0, call);
    await assert.rejects(h.core.readNamespacedSecret({ namespace: h.namespace, name: "dry" }));
  });

  test("unlabelled Secrets are untouched and never sent to the webhook (counted)", async () => {
    const reviewsBefore = h.reviews.length;
    const writesBefore = h.writes.length;
    await h.kubectl(["create", "secret", "generic", "plain", `--from-literal=password=${CANARY}`]);
    await h.kubectl(["annotate", "secret", "plain", "touched=yes"]);
    await h.kubectl(["delete", "secret", "plain"]);
    assert.equal(h.reviews.length, reviewsBefore, "the apiserver never called the webhook");
    assert.equal(h.writes.length, writesBefore);
    // A labelled request right after proves the webhook was reachable all along.
    await h.kubectl(["create", "-f", "-", "--dry-run=server"], await labelledSecretManifest(h, "probe2", { a: "b" }, { [WRITE_THROUGH_LABEL]: "aws" }));
    assert.equal(h.reviews.length, reviewsBefore + 1);
  });

  test("kubectl get shows the reference and no value", async () => {
    const out = await h.kubectl(["get", "secret", "db", "-o", "yaml"]);
    assert.match(out, new RegExp(`${RECORDED.version}: ${version}`));
    assert.doesNotMatch(out, new RegExp(`${CANARY}|${CANARY_B64}`));
  });

  test("canary values never appear in the webhook's logs", () => {
    const text = h.logs.join("\n");
    assert.match(text, /write-through: written/);
    assert.match(text, /admission review answered/);
    assert.doesNotMatch(text, new RegExp(CANARY));
    assert.doesNotMatch(text, new RegExp(CANARY_B64));
  });
});
