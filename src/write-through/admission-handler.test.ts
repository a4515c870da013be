import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { awsError } from "../providers/aws/fake-aws-error.ts";
import { FakeSecretsManagerWrites } from "../providers/aws/secretsmanager/fake-write-api.ts";
import { SecretsManagerWriter } from "../providers/aws/secretsmanager/write.ts";
import { createLogger } from "../runtime/logger.ts";
import type { AdmissionDecision, AdmissionRequest } from "../runtime/webhook/admission-review.ts";
import { writeThroughHandler } from "./admission-handler.ts";
import { ContentHasher } from "./content-hash.ts";
import { FINALIZER, LAST_APPLIED_ANNOTATION, MANAGED_BY_VALUE, RECORDED, SYSTEM_NAMESPACES } from "./names.ts";
import { DEFAULT_NAME_TEMPLATE } from "./remote-name.ts";
import type { SecretObject } from "./secret-object.ts";
import type { StoreLookup } from "./store-lookup.ts";
import { applyPatch, b64, NAMESPACE, review, secret, text } from "./testing/fixtures.ts";

const CANARY = "canary-7Hq2xV";
const REMOTE = "prod/ferry/team-a/db";

const okStore: StoreLookup = {
  ok: true,
  store: {
    ref: { kind: "SecretStore", name: "aws", namespace: NAMESPACE, uid: "store-uid", generation: 1, spec: { provider: { aws: { service: "SecretsManager", region: "us-east-1", prefix: "prod/" } } } },
    prefix: "prod/",
    recoveryWindowInDays: undefined,
    forceDeleteWithoutRecovery: false,
  },
};

function setup(cluster = "cluster-a", fake = new FakeSecretsManagerWrites()) {
  const writer = new SecretsManagerWriter({ api: fake, prefix: "prod/" });
  const logs: string[] = [];
  const logger = createLogger({ level: "debug", destination: new Writable({ write(c: Buffer, _e, done) { logs.push(c.toString()); done(); } }) });
  const existing = new Set<string>();
  let lookup: StoreLookup = okStore;
  let writerRequests = 0;
  /** What the live GET returns by name; by default the request's own old object (an honest apiserver). */
  const live = new Map<string, SecretObject | undefined>();
  let lastOld: SecretObject | undefined;
  let liveReads = 0;
  const handler = writeThroughHandler(
    { nameTemplate: DEFAULT_NAME_TEMPLATE, cluster, hasher: new ContentHasher(Buffer.alloc(32, 7)), systemNamespaces: new Set(SYSTEM_NAMESPACES) },
    {
      lookupStore: () => lookup,
      writerFor: async () => {
        writerRequests++;
        return writer;
      },
      secretExists: async (_ns, name) => existing.has(name),
      getSecret: async (_ns, name) => {
        liveReads++;
        return live.has(name) ? live.get(name) : lastOld;
      },
    },
  );
  const admit = (request: AdmissionRequest): Promise<AdmissionDecision> => {
    lastOld = request.oldObject as SecretObject | undefined;
    return handler(request, { signal: new AbortController().signal, deadline: Date.now() + 10_000, logger });
  };
  /** Admits, and returns what etcd would store (the object with the patch applied). */
  const stored = async (request: AdmissionRequest): Promise<{ decision: AdmissionDecision; object: SecretObject }> => {
    const decision = await admit(request);
    assert.equal(decision.allowed, true, decision.allowed ? "" : decision.message);
    return { decision, object: applyPatch(request.object as SecretObject, decision.allowed ? decision.patch : undefined) };
  };
  return {
    fake,
    admit,
    stored,
    logs,
    existing,
    setLookup: (l: StoreLookup) => (lookup = l),
    live,
    get liveReads() {
      return liveReads;
    },
    get writerRequests() {
      return writerRequests;
    },
  };
}

const ann = (s: SecretObject, key: string) => s.metadata?.annotations?.[key];

describe("CREATE", () => {
  test("writes the data as one JSON document, tagged, and stores only the reference", async () => {
    const t = setup();
    const { decision, object } = await t.stored(review("CREATE", secret({ data: { password: CANARY, user: "admin" } })));
    assert.deepEqual(t.fake.calls, { CreateSecret: 1 });
    const written = t.fake.secrets.get(REMOTE)!;
    assert.equal(written.versions[0]!.string, JSON.stringify({ password: CANARY, user: "admin" }));
    assert.deepEqual(written.tags, { "managed-by": MANAGED_BY_VALUE, "ferry.dev/namespace": NAMESPACE, "ferry.dev/name": "db", "ferry.dev/cluster": "cluster-a", "ferry.dev/encoding": "text" });

    assert.deepEqual(object.data, { password: "", user: "" }, "keys kept, values gone");
    assert.equal(ann(object, RECORDED.arn), written.arn);
    assert.equal(ann(object, RECORDED.version), written.versions[0]!.id);
    assert.equal(ann(object, RECORDED.keys), "password,user");
    assert.equal(ann(object, RECORDED.remoteKey), "ferry/team-a/db");
    assert.equal(ann(object, RECORDED.encoding), "text");
    assert.match(ann(object, RECORDED.contentHash) ?? "", /^[0-9a-f]{64}$/);
    assert.deepEqual(object.metadata?.finalizers, [FINALIZER]);
    assert.ok(decision.allowed && decision.auditAnnotations?.["aws-version-id"] === written.versions[0]!.id);
    assert.doesNotMatch(JSON.stringify(object), new RegExp(`${CANARY}|${Buffer.from(CANARY).toString("base64")}`));
  });

  test("binary values are written base64, and the encoding recorded", async () => {
    const t = setup();
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x41]);
    const { object } = await t.stored(review("CREATE", secret({ data: { key: bytes, note: "text" } })));
    const doc = JSON.parse(t.fake.current(REMOTE)!.string!) as Record<string, string>;
    assert.deepEqual(Buffer.from(doc.key!, "base64"), Buffer.from(bytes));
    assert.equal(Buffer.from(doc.note!, "base64").toString(), "text");
    assert.equal(ann(object, RECORDED.encoding), "base64");
    assert.equal(t.fake.secrets.get(REMOTE)!.tags["ferry.dev/encoding"], "base64");
  });

  test("stringData and kubectl's last-applied copy are emptied too", async () => {
    const t = setup();
    const lastApplied = JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, stringData: { token: CANARY }, data: { other: Buffer.from(CANARY).toString("base64") } });
    const { object } = await t.stored(review("CREATE", secret({ stringData: { token: CANARY }, annotations: { [LAST_APPLIED_ANNOTATION]: lastApplied, keep: "me" } })));
    assert.equal(object.stringData, undefined);
    assert.deepEqual(object.data, { token: "" });
    assert.deepEqual(JSON.parse(ann(object, LAST_APPLIED_ANNOTATION)!), { apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, stringData: { token: "" }, data: { other: "" } });
    assert.equal(ann(object, "keep"), "me");
    assert.equal((JSON.parse(t.fake.current(REMOTE)!.string!) as Record<string, string>).token, CANARY);
  });

  test("dry run: validated and patched, nothing written to AWS", async () => {
    const t = setup();
    const { decision, object } = await t.stored(review("CREATE", secret({ data: { password: CANARY } }), undefined, { dryRun: true }));
    assert.equal(t.fake.totalCalls, 0);
    assert.equal(t.writerRequests, 0, "not even credentials");
    assert.deepEqual(object.data, { password: "" });
    assert.equal(ann(object, RECORDED.arn), undefined);
    assert.ok(decision.allowed && decision.warnings?.some((w) => /dry run/.test(w)));
  });

  test("refusals happen before any AWS call", async () => {
    const big = "x".repeat(70_000);
    const cases: Array<{ name: string; request: AdmissionRequest; code: number; message: RegExp; lookup?: StoreLookup }> = [
      { name: "oversize", request: review("CREATE", secret({ data: { big } })), code: 413, message: /70\d{3} bytes .* over the 65536-byte \(64 KiB\) limit/ },
      { name: "generateName", request: review("CREATE", { ...secret({ data: { a: "b" } }), metadata: { generateName: "db-", namespace: NAMESPACE, labels: { "ferry.dev/write-through": "aws" } } }), code: 400, message: /metadata.name/ },
      { name: "docker config", request: review("CREATE", secret({ type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": "{}" } })), code: 400, message: /cannot be written through/ },
      { name: "system namespace", request: { ...review("CREATE", secret({ data: { a: "b" } })), namespace: "kube-system" }, code: 403, message: /system namespace/ },
      { name: "bad key", request: review("CREATE", secret({ data: { "bad key": "b" } })), code: 400, message: /invalid data keys/ },
      { name: "sync-managed", request: review("CREATE", secret({ data: { a: "b" }, labels: { "reconcile.external-secrets.io/managed": "true" } })), code: 400, message: /would loop/ },
      { name: "store kind", request: review("CREATE", secret({ data: { a: "b" }, annotations: { "ferry.dev/write-through-store-kind": "Vault" } })), code: 400, message: /SecretStore or ClusterSecretStore/ },
      { name: "read-back onto itself", request: review("CREATE", secret({ data: { a: "b" }, labels: { "ferry.dev/write-through-read-back": "db" } })), code: 400, message: /another Secret/ },
      { name: "store not allowed", request: review("CREATE", secret({ data: { a: "b" } })), lookup: { ok: false, reason: "Forbidden", message: "ClusterSecretStore shared does not allow namespace team-a (spec.conditions)" }, code: 403, message: /does not allow namespace/ },
      { name: "store missing", request: review("CREATE", secret({ data: { a: "b" } })), lookup: { ok: false, reason: "NotFound", message: "SecretStore team-a/aws not found" }, code: 400, message: /not found/ },
    ];
    for (const c of cases) {
      const t = setup();
      if (c.lookup) t.setLookup(c.lookup);
      const decision = await t.admit(c.request);
      assert.equal(decision.allowed, false, c.name);
      if (!decision.allowed) {
        assert.equal(decision.code, c.code, c.name);
        assert.match(decision.message, c.message, c.name);
      }
      assert.equal(t.fake.totalCalls, 0, `${c.name}: no AWS call`);
    }
  });

  test("a CREATE of a name that exists is refused before AWS (the apiserver would refuse it after)", async () => {
    const t = setup();
    t.existing.add("db");
    const decision = await t.admit(review("CREATE", secret({ data: { a: "b" } })));
    assert.ok(!decision.allowed && decision.code === 409 && /already exists/.test(decision.message));
    assert.equal(t.fake.totalCalls, 0);
  });

  test("never overwrites an AWS secret Ferry does not manage", async () => {
    const t = setup();
    t.fake.seed(REMOTE, "theirs", { owner: "payments-team" });
    const decision = await t.admit(review("CREATE", secret({ data: { password: CANARY } })));
    assert.ok(!decision.allowed);
    assert.equal(decision.code, 403);
    assert.match(decision.message, /not managed by Ferry for this object .* refusing/);
    assert.equal(t.fake.current(REMOTE)!.string, "theirs");
    assert.equal(t.fake.calls.PutSecretValue, undefined);
  });

  test("AWS unreachable or throttled: denied with a clear message, nothing stored", async () => {
    const cases = [
      { name: "down", error: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4566"), { name: "Error" }), message: /AWS Secrets Manager unavailable, could not write secret "prod\/ferry\/team-a\/db" .*ECONNREFUSED.*the Secret was not changed/ },
      { name: "throttled", error: awsError("ThrottlingException", "Rate exceeded"), message: /AWS Secrets Manager throttled/ },
      { name: "denied", error: awsError("AccessDeniedException", "not authorized to perform secretsmanager:CreateSecret"), message: /AWS refused to write secret/ },
    ];
    for (const c of cases) {
      const t = setup();
      t.fake.fail("CreateSecret", c.error);
      const decision = await t.admit(review("CREATE", secret({ data: { password: CANARY } })));
      assert.ok(!decision.allowed, c.name);
      assert.match(decision.message, c.message, c.name);
      assert.doesNotMatch(decision.message, new RegExp(CANARY));
      assert.equal(t.fake.secrets.size, 0, c.name);
    }
  });

  test("a retried admission (AWS written, response lost) adds no version", async () => {
    const t = setup();
    const request = review("CREATE", secret({ data: { password: CANARY } }));
    const first = await t.stored(request);
    const again = await t.stored(review("CREATE", secret({ data: { password: CANARY } })));
    assert.equal(t.fake.secrets.get(REMOTE)!.versions.length, 1);
    assert.equal(ann(again.object, RECORDED.version), ann(first.object, RECORDED.version));
  });

  test("unlabelled Secrets sent by a misconfigured selector are allowed untouched", async () => {
    const t = setup();
    const decision = await t.admit(review("CREATE", secret({ store: null, data: { password: CANARY } })));
    assert.deepEqual(decision, { allowed: true });
    assert.equal(t.fake.totalCalls, 0);
  });
});

describe("UPDATE", () => {
  async function created() {
    const t = setup();
    const { object } = await t.stored(review("CREATE", secret({ data: { password: "p1", user: "admin" } })));
    return { t, object };
  }
  const withData = (base: SecretObject, data: Record<string, string>): SecretObject => ({
    ...structuredClone(base),
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
  });

  test("new values: a new version (DescribeSecret + PutSecretValue), the record follows", async () => {
    const { t, object } = await created();
    const { object: after } = await t.stored(review("UPDATE", withData(object, { password: CANARY, user: "admin" }), object));
    assert.deepEqual(t.fake.calls, { CreateSecret: 1, DescribeSecret: 1, PutSecretValue: 1 });
    assert.equal(t.fake.secrets.get(REMOTE)!.versions.length, 2);
    assert.equal(ann(after, RECORDED.version), t.fake.current(REMOTE)!.id);
    assert.notEqual(ann(after, RECORDED.version), ann(object, RECORDED.version));
    assert.deepEqual(after.data, { password: "", user: "" });
  });

  test("a re-apply of the same values (GitOps) and metadata edits make no AWS call", async () => {
    const { t, object } = await created();
    const cases: Array<[string, SecretObject]> = [
      ["same values re-sent", withData(object, { password: "p1", user: "admin" })],
      ["stripped form sent back with a new label", { ...structuredClone(object), metadata: { ...object.metadata, labels: { ...object.metadata?.labels, team: "x" } } }],
      ["recorded annotations tampered with", { ...structuredClone(object), metadata: { ...object.metadata, annotations: { ...object.metadata?.annotations, [RECORDED.arn]: "arn:aws:secretsmanager:us-east-1:1:secret:other", [RECORDED.version]: "x" } } }],
    ];
    for (const [name, sent] of cases) {
      const { object: after } = await t.stored(review("UPDATE", sent, object));
      assert.equal(t.fake.totalCalls, 1, `${name}: only the original CreateSecret`);
      assert.equal(ann(after, RECORDED.version), ann(object, RECORDED.version), name);
      assert.equal(ann(after, RECORDED.arn), ann(object, RECORDED.arn), name);
      assert.deepEqual(after.data, { password: "", user: "" }, name);
    }
  });

  test("keys sent empty keep their AWS values; removed keys go", async () => {
    const { t, object } = await created();
    // `kubectl edit` of the stripped Secret: one value typed in, the other left empty, one key added.
    const { object: after } = await t.stored(review("UPDATE", withData(object, { password: "", user: "root", extra: "e" }), object));
    assert.deepEqual(JSON.parse(t.fake.current(REMOTE)!.string!), { extra: "e", password: "p1", user: "root" });
    assert.equal(t.fake.calls.GetSecretValue, 1);
    assert.equal(ann(after, RECORDED.keys), "extra,password,user");
    const { object: fewer } = await t.stored(review("UPDATE", withData(after, { password: "" }), after));
    assert.deepEqual(JSON.parse(t.fake.current(REMOTE)!.string!), { password: "p1" });
    assert.deepEqual(fewer.data, { password: "" });
  });

  test("A → B → A makes three versions (a known token would leave B current)", async () => {
    const { t, object } = await created();
    const { object: b } = await t.stored(review("UPDATE", withData(object, { password: "p2", user: "admin" }), object));
    const { object: a } = await t.stored(review("UPDATE", withData(b, { password: "p1", user: "admin" }), b));
    assert.equal(t.fake.secrets.get(REMOTE)!.versions.length, 3);
    assert.equal((JSON.parse(t.fake.current(REMOTE)!.string!) as Record<string, string>).password, "p1");
    assert.equal(ann(a, RECORDED.version), t.fake.current(REMOTE)!.id);
  });

  test("a retried UPDATE (same old object, same values) adds no version", async () => {
    const { t, object } = await created();
    await t.stored(review("UPDATE", withData(object, { password: "p2", user: "admin" }), object));
    await t.stored(review("UPDATE", withData(object, { password: "p2", user: "admin" }), object));
    assert.equal(t.fake.secrets.get(REMOTE)!.versions.length, 2);
  });

  test("refused updates: label removed, store changed, immutable, type changed, values while terminating", async () => {
    const { t, object } = await created();
    const meta = object.metadata!;
    const cases: Array<[string, SecretObject, SecretObject, RegExp]> = [
      ["label removed", { ...withData(object, {}), metadata: { ...meta, labels: {} } }, object, /cannot be removed/],
      ["store changed", { ...withData(object, {}), metadata: { ...meta, labels: { "ferry.dev/write-through": "other" } } }, object, /cannot change/],
      ["immutable", withData(object, { password: "new", user: "admin" }), { ...object, immutable: true }, /immutable/],
      ["type changed", { ...withData(object, { password: "", user: "" }), type: "kubernetes.io/basic-auth" }, object, /type cannot change/],
      ["terminating", { ...withData(object, { password: "new", user: "" }), metadata: { ...meta, deletionTimestamp: "2026-01-01T00:00:00Z" } }, object, /being deleted/],
    ];
    for (const [name, next, prev, message] of cases) {
      const decision = await t.admit(review("UPDATE", next, prev));
      assert.ok(!decision.allowed, name);
      assert.match(decision.message, message, name);
    }
    assert.equal(t.fake.totalCalls, 1);
  });

  test("a terminating Secret's finalizer removal passes untouched", async () => {
    const { t, object } = await created();
    const terminating = { ...structuredClone(object), metadata: { ...object.metadata, deletionTimestamp: "2026-01-01T00:00:00Z" } };
    const decision = await t.admit(review("UPDATE", { ...terminating, metadata: { ...terminating.metadata, finalizers: [] } }, terminating));
    assert.deepEqual(decision, { allowed: true });
  });

  test("labelling an existing plaintext Secret adopts it, with a warning about etcd history", async () => {
    const t = setup();
    const plain = secret({ store: null, data: { password: CANARY } });
    const labelled = secret({ data: { password: CANARY } });
    const { decision, object } = await t.stored(review("UPDATE", labelled, plain));
    assert.deepEqual(t.fake.calls, { CreateSecret: 1 });
    assert.deepEqual(object.data, { password: "" });
    assert.ok(decision.allowed && decision.warnings?.some((w) => /etcd's history/.test(w)));
  });

  test("dry-run updates write nothing", async () => {
    const { t, object } = await created();
    for (const data of [{ password: "p9", user: "admin" }, { password: "", user: "root" }]) {
      await t.stored(review("UPDATE", withData(object, data), object, { dryRun: true }));
    }
    assert.equal(t.fake.totalCalls, 1);
  });
});

describe("logs", () => {
  test("values never reach the logs, in plain text or base64", async () => {
    const t = setup();
    const { object } = await t.stored(review("CREATE", secret({ data: { password: CANARY } })));
    await t.stored(review("UPDATE", { ...object, data: { password: Buffer.from(`${CANARY}-2`).toString("base64") } }, object));
    t.fake.fail("PutSecretValue", new Error(`boom`));
    await t.admit(review("UPDATE", { ...object, data: { password: Buffer.from(`${CANARY}-3`).toString("base64") } }, object));
    const logs = t.logs.join("");
    assert.match(logs, /write-through: written/);
    assert.match(logs, /AWS call failed/);
    assert.doesNotMatch(logs, new RegExp(CANARY));
    assert.doesNotMatch(logs, new RegExp(Buffer.from(CANARY).toString("base64").slice(0, 12)));
    assert.equal(text(object.data?.password), "");
  });
});

describe("forged and replayed requests (issue 9)", () => {
  const OTHER = "prod/ferry/team-b/db";
  /** The annotations a write for team-b's "db" would record, copied onto a Secret in team-a. */
  const forgedRecord = {
    [RECORDED.remoteKey]: "ferry/team-b/db",
    [RECORDED.arn]: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${OTHER}-AbCdEf`,
    [RECORDED.version]: "00000000-0000-0000-0000-000000000001",
    [RECORDED.keys]: "password",
    [RECORDED.contentHash]: "0".repeat(64),
    [RECORDED.encoding]: "text",
  };

  test("adoption forgery: an unlabelled Secret with a forged record, then labelled, is refused before AWS", async () => {
    const t = setup();
    const planted = secret({ store: null, annotations: forgedRecord, data: { password: CANARY } });
    const labelled = secret({ annotations: forgedRecord, data: { password: CANARY } });
    const decision = await t.admit(review("UPDATE", labelled, planted));
    assert.ok(!decision.allowed);
    assert.equal(decision.code, 403);
    assert.match(decision.message, /carries write-through annotations .* but was never written through; remove them before labelling it/);
    assert.equal(t.fake.totalCalls, 0, "nothing created or overwritten");
    assert.equal(t.writerRequests, 0, "not even credentials");
  });

  test("a labelled Secret whose recorded name is not the template's is refused; so is an ARN for another name", async () => {
    const { t, object } = await (async () => {
      const t = setup();
      return { t, ...(await t.stored(review("CREATE", secret({ data: { password: "p1" } })))) };
    })();
    const retargeted = (annotations: Record<string, string>): SecretObject => ({ ...structuredClone(object), metadata: { ...object.metadata, annotations: { ...object.metadata?.annotations, ...annotations } } });
    const cases: Array<[string, SecretObject, RegExp]> = [
      ["remote key of another namespace", retargeted(forgedRecord), /recorded AWS name "ferry\/team-b\/db" is not what the name template yields for this Secret \("ferry\/team-a\/db"\)/],
      ["own remote key, another secret's ARN", retargeted({ [RECORDED.arn]: forgedRecord[RECORDED.arn] }), /recorded ARN does not name secret "prod\/ferry\/team-a\/db"/],
    ];
    for (const [name, old, message] of cases) {
      const decision = await t.admit(review("UPDATE", { ...structuredClone(old), data: { password: b64(CANARY) } }, old));
      assert.ok(!decision.allowed, name);
      assert.match(decision.message, message, name);
    }
    assert.equal(t.fake.totalCalls, 1, "only the original CreateSecret");
  });

  test("the old object of an UPDATE must be the live one (uid and resourceVersion), else no AWS call", async () => {
    const t = setup();
    const { object } = await t.stored(review("CREATE", secret({ data: { password: "p1" } })));
    const update = { ...structuredClone(object), data: { password: b64(CANARY) } };
    const cases: Array<[string, SecretObject | undefined, RegExp]> = [
      ["replayed: the Secret moved on", { ...structuredClone(object), metadata: { ...object.metadata, resourceVersion: "7" } }, /changed meanwhile \(resourceVersion 7, the request says 1\)/],
      ["a namesake: deleted and recreated", { ...structuredClone(object), metadata: { ...object.metadata, uid: "uid-new" } }, /was replaced/],
      ["made up: no such Secret", undefined, /no longer exists/],
    ];
    for (const [name, live, message] of cases) {
      t.live.set("db", live);
      const decision = await t.admit(review("UPDATE", update, object));
      assert.ok(!decision.allowed, name);
      assert.equal(decision.code, 409, name);
      assert.match(decision.message, message, name);
    }
    // Live object matches by uid and resourceVersion, but the request lies about its annotations: the
    // live ones count (the forged ARN is never used).
    t.live.set("db", object);
    const lying = { ...structuredClone(object), metadata: { ...object.metadata, annotations: { ...object.metadata?.annotations, [RECORDED.arn]: forgedRecord[RECORDED.arn] } } };
    await t.stored(review("UPDATE", update, lying));
    assert.deepEqual(t.fake.calls, { CreateSecret: 1, DescribeSecret: 1, PutSecretValue: 1 });
    assert.equal(t.fake.secrets.has(OTHER), false);
    assert.equal(t.liveReads, 4);
  });
});

test("two clusters sharing an AWS account: the second cannot overwrite the first's secret", async () => {
  const a = setup("cluster-a");
  await a.stored(review("CREATE", secret({ data: { password: "from-a" } })));
  // Same account (one fake), same namespace and name, another cluster.
  const b = setup("cluster-b", a.fake);
  const decision = await b.admit(review("CREATE", secret({ data: { password: CANARY } })));
  assert.ok(!decision.allowed);
  assert.equal(decision.code, 403);
  assert.match(decision.message, /not managed by Ferry for this object \(tag "ferry.dev\/cluster" missing or different\)/);
  assert.deepEqual(JSON.parse(a.fake.current(REMOTE)!.string!), { password: "from-a" });
});
