// The AWS provider's Secrets Manager reads against moto, through the counting fault proxy: every count
// below is the number of HTTP requests that reached the emulator.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
} from "@aws-sdk/client-secrets-manager";
import { AccessDeniedError, NoSecretError, ThrottledError, type RemoteSecretId } from "../../../src/providers/provider.ts";
import { ApiServerKubeAccess } from "../../../src/providers/kube-access.ts";
import { faults } from "../../env/index.ts";
import { outcomeOf, recordingProvider, startAwsHarness, storeRef, text, type AwsHarness } from "./aws-harness.ts";

let h: AwsHarness;
let seed: SecretsManagerClient;
let kube: ApiServerKubeAccess;
const arns = new Map<string, string>();

before(async () => {
  h = await startAwsHarness();
  kube = new ApiServerKubeAccess(h.env.kubeConfig());
  // Seeded through the proxy (its moto account), then counts are reset.
  seed = new SecretsManagerClient({});
  const create = async (name: string, value: { string?: string; binary?: Uint8Array; tags?: Record<string, string> }) => {
    const out = await seed.send(
      new CreateSecretCommand({
        Name: name,
        ...(value.binary ? { SecretBinary: value.binary } : { SecretString: value.string ?? `value:${name}` }),
        ...(value.tags ? { Tags: Object.entries(value.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
      }),
    );
    arns.set(name, out.ARN!);
  };
  await Promise.all(Array.from({ length: 45 }, (_, i) => create(`bulk/s${String(i).padStart(2, "0")}`, {})));
  await create("app/db", { string: '{"password":"pw"}', tags: { team: "a", env: "prod" } });
  await create("app/api", { string: "api-token", tags: { team: "b", env: "prod" } });
  await create("app/cert.der", { binary: new Uint8Array([0x30, 0x82, 0x00, 0xff]), tags: { team: "a" } });
  await create("other/db", { string: "other", tags: { team: "a", env: "dev" } });
  await create("team-x/key", { string: "x-key" });
  await create("rotating", { string: "v1" });
  await seed.send(new PutSecretValueCommand({ SecretId: "rotating", SecretString: "v2" }));
  await seed.send(new PutSecretValueCommand({ SecretId: "rotating", SecretString: "blue", VersionStages: ["BLUE"] }));
  await create("doomed", { string: "soon gone" });
  await seed.send(new DeleteSecretCommand({ SecretId: "doomed", RecoveryWindowInDays: 7 }));
  await seed.send(new TagResourceCommand({ SecretId: "team-x/key", Tags: [{ Key: "owner", Value: "x" }] }));
});
after(async () => {
  seed.destroy();
  await h.close();
});

async function clientFor(spec: Parameters<typeof storeRef>[1] = {}, options: Parameters<typeof storeRef>[2] = {}) {
  const recorded = recordingProvider();
  const client = await recorded.provider.clientFor({ store: storeRef(h.region, spec, options), namespace: "default", kube });
  h.proxy.resetCounts();
  return { client, ...recorded };
}

describe("Secrets Manager through moto", () => {
  test("45 secrets cost 3 BatchGetSecretValue calls and nothing else", async () => {
    const { client, apiCalls } = await clientFor();
    const ids = Array.from({ length: 45 }, (_, i) => ({ key: `bulk/s${String(i).padStart(2, "0")}` }));

    const results = await client.readSecrets(ids);

    assert.deepEqual(h.proxy.counts(), { BatchGetSecretValue: 3 });
    for (const id of ids) assert.equal(text(outcomeOf(results, id)), `value:${id.key}`);
    assert.deepEqual(apiCalls, Array.from({ length: 3 }, () => ({ provider: "AWS/SecretsManager", call: "BatchGetSecretValue", status: "success" })));
  });

  test("duplicate references are fetched once", async () => {
    const { client } = await clientFor();
    const ids: RemoteSecretId[] = [{ key: "app/db" }, { key: "app/db" }, { key: "app/db", version: "AWSCURRENT" }, { key: "app/api" }, { key: "app/api" }];
    const results = await client.readSecrets(ids);
    assert.deepEqual(h.proxy.counts(), { BatchGetSecretValue: 1 });
    assert.equal(text(outcomeOf(results, ids[2]!)), '{"password":"pw"}');
    assert.equal(text(outcomeOf(results, ids[4]!)), "api-token");
  });

  test("missing and deleted secrets are NoSecretError; the others in the batch still sync", async () => {
    const { client } = await clientFor();
    const results = await client.readSecrets([{ key: "app/api" }, { key: "does/not/exist" }, { key: "doomed" }]);
    assert.equal(text(outcomeOf(results, { key: "app/api" })), "api-token");
    for (const key of ["does/not/exist", "doomed"]) {
      const outcome = outcomeOf(results, { key });
      assert.ok(outcome && !outcome.ok && outcome.error instanceof NoSecretError, key);
    }
    assert.deepEqual(h.proxy.counts(), { BatchGetSecretValue: 1 });
  });

  test("full and partial ARNs are matched back to their references", async () => {
    const { client } = await clientFor();
    const arn = arns.get("app/api")!;
    const ids = [{ key: arn }, { key: arn.slice(0, -7) }];
    const results = await client.readSecrets(ids);
    for (const id of ids) assert.equal(text(outcomeOf(results, id)), "api-token", id.key);
    assert.deepEqual(h.proxy.counts(), { BatchGetSecretValue: 1 });
  });

  test("stage labels and version ids are read with GetSecretValue; AWSCURRENT stays batched", async () => {
    const { client } = await clientFor();
    const current = await seed.send(new PutSecretValueCommand({ SecretId: "rotating", SecretString: "v3" }));
    h.proxy.resetCounts();
    const ids: RemoteSecretId[] = [
      { key: "rotating" },
      { key: "rotating", version: "AWSPREVIOUS" },
      { key: "rotating", version: "BLUE" },
      { key: "rotating", version: `uuid/${current.VersionId}` },
      { key: "rotating", version: "NO-SUCH-STAGE" },
    ];
    const results = await client.readSecrets(ids);
    assert.equal(text(outcomeOf(results, ids[0]!)), "v3");
    assert.equal(text(outcomeOf(results, ids[1]!)), "v2");
    assert.equal(text(outcomeOf(results, ids[2]!)), "blue");
    assert.equal(text(outcomeOf(results, ids[3]!)), "v3");
    const missing = outcomeOf(results, ids[4]!);
    assert.ok(missing && !missing.ok && missing.error instanceof NoSecretError);
    assert.deepEqual(h.proxy.counts(), { BatchGetSecretValue: 1, GetSecretValue: 4 });
  });

  test("binary secrets return their bytes", async () => {
    const { client } = await clientFor();
    const results = await client.readSecrets([{ key: "app/cert.der" }]);
    const outcome = outcomeOf(results, { key: "app/cert.der" });
    assert.ok(outcome?.ok);
    assert.equal(outcome.payload.binary, true);
    assert.deepEqual([...outcome.payload.value], [0x30, 0x82, 0x00, 0xff]);
  });

  test("the store prefix is prepended", async () => {
    const { client } = await clientFor({ prefix: "team-x/" });
    const results = await client.readSecrets([{ key: "key" }]);
    assert.equal(text(outcomeOf(results, { key: "key" })), "x-key");
  });

  test("metadataPolicy Fetch returns the tags via DescribeSecret", async () => {
    const { client } = await clientFor();
    const id: RemoteSecretId = { key: "app/db", metadataPolicy: "Fetch" };
    const results = await client.readSecrets([id]);
    assert.equal(text(outcomeOf(results, id)), '{"env":"prod","team":"a"}');
    assert.deepEqual(h.proxy.counts(), { DescribeSecret: 1 });
  });

  test("find by path, regexp and tags", async () => {
    const cases: Array<{ name: string; query: Parameters<Awaited<ReturnType<typeof clientFor>>["client"]["findSecrets"]>[0]; expected: string[]; counts: Record<string, number> }> = [
      { name: "path", query: { path: "app/" }, expected: ["app/api", "app/cert.der", "app/db"], counts: { BatchGetSecretValue: 1 } },
      { name: "path + regexp", query: { path: "app/", nameRegexp: "^app/(db|api)$" }, expected: ["app/api", "app/db"], counts: { BatchGetSecretValue: 1 } },
      { name: "regexp alone", query: { nameRegexp: "^(app|other)/db$" }, expected: ["app/db", "other/db"], counts: { ListSecrets: 1, BatchGetSecretValue: 1 } },
      { name: "tags", query: { tags: { team: "a" } }, expected: ["app/cert.der", "app/db", "other/db"], counts: { BatchGetSecretValue: 1 } },
      { name: "bulk path, paged 20 at a time", query: { path: "bulk/" }, expected: [], counts: { BatchGetSecretValue: 3 } },
    ];
    for (const c of cases) {
      const { client } = await clientFor();
      const found = await client.findSecrets(c.query);
      if (c.name.startsWith("bulk")) assert.equal(found.size, 45);
      else assert.deepEqual([...found.keys()].sort(), c.expected, c.name);
      assert.deepEqual(h.proxy.counts(), c.counts, c.name);
    }
  });

  test("throttling beyond the retries is a ThrottledError; the next refresh recovers", async () => {
    const { client, apiCalls } = await clientFor({}, { retrySettings: { maxRetries: 1, retryInterval: "50ms" } });
    const stop = h.proxy.inject({ match: faults.awsAction("BatchGetSecretValue"), fault: faults.throttling() });
    await assert.rejects(client.readSecrets([{ key: "app/api" }]), (err: Error) => {
      assert.ok(err instanceof ThrottledError);
      assert.match(err.message, /BatchGetSecretValue: ThrottlingException: Rate exceeded/);
      return true;
    });
    assert.deepEqual(h.proxy.counts(), { BatchGetSecretValue: 2 }, "maxRetries 1: two attempts");
    assert.deepEqual(apiCalls.at(-1), { provider: "AWS/SecretsManager", call: "BatchGetSecretValue", status: "error" });
    stop();

    h.proxy.resetCounts();
    const results = await client.readSecrets([{ key: "app/api" }]);
    assert.equal(text(outcomeOf(results, { key: "app/api" })), "api-token");
    assert.deepEqual(h.proxy.counts(), { BatchGetSecretValue: 1 });
  });

  test("a 503 that is not JSON (a proxy's HTML page, an empty body) says so, not `SyntaxError: Unexpected token`", async () => {
    const { client } = await clientFor({}, { retrySettings: { maxRetries: 1, retryInterval: "10ms" } });
    const bodies: Array<{ body: string; headers: Record<string, string>; says: RegExp }> = [
      { body: "<html><body><h1>503 Service Temporarily Unavailable</h1>canary-body-0001</body></html>", headers: { "content-type": "text/html" }, says: /an HTML page/ },
      { body: "", headers: {}, says: /an empty body/ },
      { body: "upstream connect error canary-body-0001", headers: { "content-type": "text/plain" }, says: /with a (39-byte )?text\/plain body/ },
    ];
    for (const { body, headers, says } of bodies) {
      const stop = h.proxy.inject({ match: faults.awsAction("BatchGetSecretValue"), fault: { kind: "respond", status: 503, headers, body } });
      h.proxy.resetCounts();
      try {
        await assert.rejects(client.readSecrets([{ key: "app/api" }]), (err: Error) => {
          assert.match(err.message, /^BatchGetSecretValue: HTTP503: Secrets Manager BatchGetSecretValue answered HTTP 503 \(Service Unavailable\) with /);
          assert.match(err.message, says);
          assert.doesNotMatch(err.message, /SyntaxError|Unexpected token|Deserialization|canary-body|UnknownError/);
          return true;
        });
        assert.deepEqual(h.proxy.counts(), { BatchGetSecretValue: 2 }, "a 5xx is retried (maxRetries 1) before it is reported");
      } finally {
        stop();
      }
    }
  });

  test("transient throttling is absorbed by the SDK's standard retries", async () => {
    const { client } = await clientFor();
    h.proxy.inject({ match: faults.awsAction("BatchGetSecretValue"), fault: faults.throttling(429), times: 2 });
    const results = await client.readSecrets([{ key: "app/api" }]);
    assert.equal(text(outcomeOf(results, { key: "app/api" })), "api-token");
    assert.deepEqual(h.proxy.counts(), { BatchGetSecretValue: 3 });
  });

  test("BatchGetSecretValue denied: per-secret GetSecretValue, remembered, one warning", async () => {
    const { client, warnings } = await clientFor();
    const stop = h.proxy.inject({
      match: faults.awsAction("BatchGetSecretValue"),
      fault: faults.awsError(400, "AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: secretsmanager:BatchGetSecretValue"),
    });
    const ids = [{ key: "app/db" }, { key: "app/api" }, { key: "nope" }];
    for (let round = 0; round < 2; round++) {
      const results = await client.readSecrets(ids);
      assert.equal(text(outcomeOf(results, { key: "app/api" })), "api-token");
      const nope = outcomeOf(results, { key: "nope" });
      assert.ok(nope && !nope.ok && nope.error instanceof NoSecretError);
    }
    stop();
    assert.deepEqual(h.proxy.counts(), { BatchGetSecretValue: 1, GetSecretValue: 6 });
    assert.equal(warnings.length, 1);
  });

  test("a denied secret fails alone, and no credential or request id reaches the error", async () => {
    const { client, logged } = await clientFor();
    const canary = "CANARYsecretAccessKey0123456789abcdefABCD";
    h.proxy.inject({
      match: (r) => r.awsAction === "GetSecretValue",
      fault: faults.awsError(
        400,
        "AccessDeniedException",
        `not authorized; Credential=ASIACANARY0000000001/20260101/us-east-1/secretsmanager/aws4_request Signature=${canary} RequestId: 1234-abcd`,
      ),
      times: 1,
    });
    const results = await client.readSecrets([{ key: "app/api" }, { key: "rotating", version: "AWSPREVIOUS" }]);
    assert.equal(text(outcomeOf(results, { key: "app/api" })), "api-token");
    const denied = outcomeOf(results, { key: "rotating", version: "AWSPREVIOUS" });
    assert.ok(denied && !denied.ok && denied.error instanceof AccessDeniedError);
    for (const leak of ["ASIACANARY0000000001", "1234-abcd", canary]) assert.ok(!denied.error.message.includes(leak), denied.error.message);
    assert.ok(!logged.join("\n").includes(canary));
  });
});
