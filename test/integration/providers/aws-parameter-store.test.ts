// The AWS provider's Parameter Store reads against moto, through the counting fault proxy.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { LabelParameterVersionCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { ApiServerKubeAccess } from "../../../src/providers/kube-access.ts";
import { NoSecretError, ThrottledError, type FindQuery, type RemoteSecretId } from "../../../src/providers/provider.ts";
import { faults } from "../../env/index.ts";
import { outcomeOf, recordingProvider, startAwsHarness, storeRef, text, type AwsHarness } from "./aws-harness.ts";

let h: AwsHarness;
let seed: SSMClient;
let kube: ApiServerKubeAccess;

before(async () => {
  h = await startAwsHarness();
  kube = new ApiServerKubeAccess(h.env.kubeConfig());
  seed = new SSMClient({});
  const put = (Name: string, Value: string, tags?: Record<string, string>, Overwrite = false) =>
    seed.send(
      new PutParameterCommand({
        Name,
        Value,
        Type: "SecureString",
        Overwrite,
        ...(tags ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
      }),
    );
  for (let i = 0; i < 25; i++) await put(`/bulk/p${String(i).padStart(2, "0")}`, `value-${i}`);
  await put("/app/db/password", "pw", { team: "a", env: "prod" });
  await put("/app/db/user", "admin", { team: "a" });
  await put("/app/api/token", "tok", { team: "b" });
  await put("/other/x", "x", { team: "a" });
  await put("/versioned", "one");
  await put("/versioned", "two", undefined, true);
  await put("/versioned", "three", undefined, true);
  await seed.send(new LabelParameterVersionCommand({ Name: "/versioned", ParameterVersion: 1, Labels: ["stable"] }));
});
after(async () => {
  seed.destroy();
  await h.close();
});

async function clientFor(spec: Parameters<typeof storeRef>[1] = {}, options: Parameters<typeof storeRef>[2] = {}) {
  const recorded = recordingProvider();
  const client = await recorded.provider.clientFor({ store: storeRef(h.region, { service: "ParameterStore", ...spec }, options), namespace: "default", kube });
  h.proxy.resetCounts();
  return { client, ...recorded };
}

describe("Parameter Store through moto", () => {
  test("25 parameters cost 3 GetParameters calls, decrypted", async () => {
    const { client, apiCalls } = await clientFor();
    const ids = Array.from({ length: 25 }, (_, i) => ({ key: `/bulk/p${String(i).padStart(2, "0")}` }));
    const results = await client.readSecrets([...ids, ...ids.slice(0, 5)]);
    assert.deepEqual(h.proxy.counts(), { GetParameters: 3 });
    ids.forEach((id, i) => assert.equal(text(outcomeOf(results, id)), `value-${i}`));
    assert.ok(apiCalls.every((e) => e.provider === "AWS/ParameterStore" && e.call === "GetParameters" && e.status === "success"));
  });

  test("versions and labels are selectors in GetParameters", async () => {
    const { client } = await clientFor();
    const ids: RemoteSecretId[] = [
      { key: "/versioned" },
      { key: "/versioned", version: "1" },
      { key: "/versioned", version: "2" },
      { key: "/versioned", version: "stable" },
      { key: "/versioned", version: "99" },
    ];
    const results = await client.readSecrets(ids);
    assert.equal(text(outcomeOf(results, ids[0]!)), "three");
    assert.equal(text(outcomeOf(results, ids[1]!)), "one");
    assert.equal(text(outcomeOf(results, ids[2]!)), "two");
    assert.equal(text(outcomeOf(results, ids[3]!)), "one");
    const missing = outcomeOf(results, ids[4]!);
    assert.ok(missing && !missing.ok && missing.error instanceof NoSecretError);
    const latest = outcomeOf(results, ids[0]!);
    assert.equal(latest?.ok && latest.payload.versionId, "3");
    // Numbered versions share a call; the label goes in a second one: moto, unlike AWS, returns no
    // `Selector`, so latest and a label of one name are never asked for together.
    assert.deepEqual(h.proxy.counts(), { GetParameters: 2 });
  });

  test("a missing parameter is NoSecretError and does not fail the others", async () => {
    const { client } = await clientFor();
    const results = await client.readSecrets([{ key: "/app/db/user" }, { key: "/no/such" }]);
    assert.equal(text(outcomeOf(results, { key: "/app/db/user" })), "admin");
    const missing = outcomeOf(results, { key: "/no/such" });
    assert.ok(missing && !missing.ok && missing.error instanceof NoSecretError);
    assert.deepEqual(h.proxy.counts(), { GetParameters: 1 });
  });

  test("the prefix is prepended", async () => {
    const { client } = await clientFor({ prefix: "/app/db/" });
    const results = await client.readSecrets([{ key: "password" }]);
    assert.equal(text(outcomeOf(results, { key: "password" })), "pw");
  });

  test("metadataPolicy Fetch returns tags via ListTagsForResource", async () => {
    const { client } = await clientFor();
    const id: RemoteSecretId = { key: "/app/db/password", metadataPolicy: "Fetch" };
    const results = await client.readSecrets([id]);
    assert.equal(text(outcomeOf(results, id)), '{"env":"prod","team":"a"}');
    assert.deepEqual(h.proxy.counts(), { ListTagsForResource: 1 });
  });

  test("find by path, regexp and tags, never one GetParameter per parameter", async () => {
    const cases: Array<{ name: string; query: FindQuery; expected?: string[]; size?: number; counts: Record<string, number> }> = [
      { name: "path", query: { path: "/app" }, expected: ["/app/api/token", "/app/db/password", "/app/db/user"], counts: { GetParametersByPath: 1 } },
      { name: "path + regexp", query: { path: "/app", nameRegexp: "/db/" }, expected: ["/app/db/password", "/app/db/user"], counts: { GetParametersByPath: 1 } },
      { name: "paged path", query: { path: "/bulk" }, size: 25, counts: { GetParametersByPath: 3 } },
      { name: "tags", query: { tags: { team: "a" } }, expected: ["/app/db/password", "/app/db/user", "/other/x"], counts: { DescribeParameters: 1, GetParameters: 1 } },
      { name: "tags + path", query: { tags: { team: "a" }, path: "/app" }, expected: ["/app/db/password", "/app/db/user"], counts: { DescribeParameters: 1, GetParameters: 1 } },
    ];
    for (const c of cases) {
      const { client } = await clientFor();
      const found = await client.findSecrets(c.query);
      if (c.size !== undefined) assert.equal(found.size, c.size, c.name);
      else assert.deepEqual([...found.keys()].sort(), c.expected, c.name);
      assert.deepEqual(h.proxy.counts(), c.counts, c.name);
    }
    const { client } = await clientFor();
    const found = await client.findSecrets({ path: "/app/db" });
    assert.equal(text({ ok: true, payload: found.get("/app/db/password")! }), "pw", "SecureString decrypted");
  });

  test("throttling beyond the retries is a ThrottledError", async () => {
    const { client } = await clientFor({}, { retrySettings: { maxRetries: 2, retryInterval: "10ms" } });
    const stop = h.proxy.inject({ match: faults.awsAction("GetParameters"), fault: faults.throttling() });
    await assert.rejects(client.readSecrets([{ key: "/app/db/user" }]), ThrottledError);
    assert.deepEqual(h.proxy.counts(), { GetParameters: 3 });
    stop();
  });
});
