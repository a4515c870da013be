import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { awsError } from "../providers/aws/fake-aws-error.ts";
import { FakeSecretsManagerWrites } from "../providers/aws/secretsmanager/fake-write-api.ts";
import { SecretsManagerWriter } from "../providers/aws/secretsmanager/write.ts";
import type { EventRecorder } from "../runtime/event-recorder.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import { silentLogger } from "../runtime/logger.ts";
import type { WriteThroughKube } from "./kube-calls.ts";
import { DELETION_POLICY_ANNOTATION, FINALIZER, READ_BACK_LABEL, RECORDED, SOURCE_LABEL } from "./names.ts";
import { SecretReconciler, type SecretReconcilerOptions } from "./secret-controller.ts";
import type { StoreLookup } from "./store-lookup.ts";
import { NAMESPACE, secret } from "./testing/fixtures.ts";

const owner = { "managed-by": "ferry", "ferry.dev/namespace": NAMESPACE, "ferry.dev/name": "db", "ferry.dev/cluster": "cluster-a" };
const store: StoreLookup = {
  ok: true,
  store: {
    ref: { kind: "SecretStore", name: "aws", namespace: NAMESPACE, uid: "s", generation: 1, spec: { provider: { aws: { service: "SecretsManager", region: "us-east-1" } } } },
    prefix: "",
    recoveryWindowInDays: 7,
    forceDeleteWithoutRecovery: false,
  },
};

/** A written-through Secret as the informer holds it: recorded, finalized, maybe terminating. */
function written(fake: FakeSecretsManagerWrites, options: { terminating?: boolean; annotations?: Record<string, string>; labels?: Record<string, string> } = {}): KubeObject {
  const remote = fake.seed("ferry/team-a/db", "{}", owner);
  const s = secret({
    data: {},
    finalizers: [FINALIZER, "other"],
    ...(options.labels ? { labels: options.labels } : {}),
    annotations: {
      [RECORDED.remoteKey]: "ferry/team-a/db",
      [RECORDED.arn]: remote.arn,
      [RECORDED.version]: remote.versions[0]!.id,
      [RECORDED.keys]: "",
      [RECORDED.contentHash]: "h",
      [RECORDED.encoding]: "text",
      ...options.annotations,
    },
    ...(options.terminating ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
  });
  return { ...s, metadata: { ...s.metadata, uid: "secret-uid", resourceVersion: "42" } };
}

function setup(object: KubeObject | undefined, overrides: Partial<SecretReconcilerOptions> = {}) {
  const calls: string[] = [];
  const events: string[] = [];
  const applied: Array<Record<string, unknown>> = [];
  let existingEs: KubeObject | undefined;
  const fake = new FakeSecretsManagerWrites();
  const kube: WriteThroughKube = {
    secretExists: async () => true,
    getSecret: async () => undefined,
    setFinalizers: async (ns, name, finalizers, rv) => void calls.push(`setFinalizers ${ns}/${name} [${finalizers.join(",")}] @${rv}`),
    getExternalSecret: async () => existingEs,
    applyExternalSecret: async (m) => void applied.push(m),
  };
  const recorder: EventRecorder = { event: (_t, type, reason, message) => void events.push(`${type} ${reason}: ${message}`) };
  const options: SecretReconcilerOptions = {
    getSecret: () => object,
    namespaceTerminating: () => false,
    lookupStore: () => store,
    writerFor: async () => new SecretsManagerWriter({ api: fake }),
    kube,
    events: recorder,
    logger: silentLogger,
    defaultDeletionPolicy: "Delete",
    defaultRecoveryWindowDays: undefined,
    cluster: "cluster-a",
    ...overrides,
  };
  return { fake, calls, events, applied, setExisting: (es: KubeObject) => (existingEs = es), reconciler: new SecretReconciler(options), options };
}

describe("deletion policy", () => {
  test("Delete schedules the AWS deletion with the store's recovery window, then releases only our finalizer", async () => {
    const t = setup(undefined);
    const object = written(t.fake, { terminating: true });
    t.options.getSecret = () => object;
    await t.reconciler.reconcile({ namespace: NAMESPACE, name: "db" });
    const remote = t.fake.secrets.get("ferry/team-a/db")!;
    assert.ok(remote.deletedDate && remote.deletedDate.getTime() > Date.now() + 6.9 * 86_400_000 && remote.deletedDate.getTime() < Date.now() + 7.1 * 86_400_000);
    assert.deepEqual(t.fake.calls, { DescribeSecret: 1, DeleteSecret: 1 });
    assert.deepEqual(t.calls, ["setFinalizers team-a/db [other] @42"]);
    assert.match(t.events.join("\n"), /Normal AWSSecretDeleted: AWS secret .* scheduled for deletion \(recoverable until/);
  });

  test("Retain keeps the AWS secret", async () => {
    const t = setup(undefined);
    const object = written(t.fake, { terminating: true, annotations: { [DELETION_POLICY_ANNOTATION]: "Retain" } });
    t.options.getSecret = () => object;
    await t.reconciler.reconcile({ namespace: NAMESPACE, name: "db" });
    assert.equal(t.fake.calls.DeleteSecret, undefined);
    assert.equal(t.fake.secrets.get("ferry/team-a/db")?.deletedDate, undefined);
    assert.equal(t.calls.length, 1);
    assert.match(t.events.join("\n"), /AWSSecretRetained/);
  });

  test("what cannot be deleted is kept and the Secret released: not ours, store gone, namespace terminating", async () => {
    const cases: Array<{ name: string; prepare: (t: ReturnType<typeof setup>) => void; reason: RegExp }> = [
      { name: "not ours", prepare: (t) => (t.fake.secrets.get("ferry/team-a/db")!.tags = { "managed-by": "someone" }), reason: /not managed by Ferry/ },
      { name: "store gone", prepare: (t) => (t.options.lookupStore = () => ({ ok: false, reason: "NotFound", message: "SecretStore team-a/aws not found" })), reason: /not found/ },
      {
        name: "namespace terminating",
        prepare: (t) => {
          t.fake.fail("DeleteSecret", awsError("AccessDeniedException", "denied"));
          t.options.namespaceTerminating = () => true;
        },
        reason: /namespace is being deleted/,
      },
    ];
    for (const c of cases) {
      const t = setup(undefined);
      const object = written(t.fake, { terminating: true });
      t.options.getSecret = () => object;
      c.prepare(t);
      await t.reconciler.reconcile({ namespace: NAMESPACE, name: "db" });
      assert.equal(t.fake.secrets.get("ferry/team-a/db")?.deletedDate, undefined, c.name);
      assert.equal(t.calls.length, 1, `${c.name}: finalizer released`);
      assert.match(t.events.join("\n"), new RegExp(`Warning AWSSecretKept: .*${c.reason.source}`), c.name);
    }
  });

  test("an AWS failure keeps the finalizer and retries (the reconcile throws)", async () => {
    const t = setup(undefined);
    const object = written(t.fake, { terminating: true });
    t.options.getSecret = () => object;
    t.fake.fail("DeleteSecret", awsError("ServiceUnavailable", "try later", 503), 1);
    await assert.rejects(t.reconciler.reconcile({ namespace: NAMESPACE, name: "db" }));
    assert.equal(t.calls.length, 0);
    await t.reconciler.reconcile({ namespace: NAMESPACE, name: "db" });
    assert.ok(t.fake.secrets.get("ferry/team-a/db")?.deletedDate);
    assert.equal(t.calls.length, 1);
  });

  test("a Secret without our finalizer, or not terminating, is left alone", async () => {
    const t = setup(undefined);
    const object = written(t.fake, { terminating: true });
    object.metadata!.finalizers = ["other"];
    t.options.getSecret = () => object;
    await t.reconciler.reconcile({ namespace: NAMESPACE, name: "db" });
    assert.equal(t.fake.totalCalls, 0);
    assert.equal(t.calls.length, 0);
  });
});

describe("read-back", () => {
  test("applies an ExternalSecret pinned to the recorded version, owned by the Secret; skips when current", async () => {
    const t = setup(undefined);
    const object = written(t.fake, { labels: { [READ_BACK_LABEL]: "db-plain" } });
    t.options.getSecret = () => object;
    await t.reconciler.reconcile({ namespace: NAMESPACE, name: "db" });
    assert.equal(t.applied.length, 1);
    const es = t.applied[0] as { metadata: { name: string; labels: Record<string, string>; ownerReferences: Array<{ uid: string }> }; spec: Record<string, unknown> };
    const version = object.metadata!.annotations![RECORDED.version]!;
    assert.equal(es.metadata.name, "db-plain");
    assert.equal(es.metadata.labels[SOURCE_LABEL], "db");
    assert.equal(es.metadata.ownerReferences[0]!.uid, "secret-uid");
    assert.deepEqual(es.spec, {
      refreshPolicy: "OnChange",
      secretStoreRef: { kind: "SecretStore", name: "aws" },
      target: { name: "db-plain", creationPolicy: "Owner" },
      dataFrom: [{ extract: { key: "ferry/team-a/db", version: `uuid/${version}`, decodingStrategy: "None" } }],
    });
    t.setExisting(es);
    await t.reconciler.reconcile({ namespace: NAMESPACE, name: "db" });
    assert.equal(t.applied.length, 1, "up to date: not applied again");
    assert.equal(t.fake.totalCalls, 0, "no AWS call for the read-back itself");
  });

  test("never takes over someone else's ExternalSecret", async () => {
    const t = setup(undefined);
    const object = written(t.fake, { labels: { [READ_BACK_LABEL]: "db-plain" } });
    t.options.getSecret = () => object;
    t.setExisting({ metadata: { name: "db-plain", labels: {} } });
    await t.reconciler.reconcile({ namespace: NAMESPACE, name: "db" });
    assert.equal(t.applied.length, 0);
    assert.match(t.events.join("\n"), /ReadBackConflict/);
  });
});
