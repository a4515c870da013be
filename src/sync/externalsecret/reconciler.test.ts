import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { V1Secret } from "@kubernetes/client-node";
import { KubeApiError } from "../../runtime/kube/api-error.ts";
import { formatIssues, mustParse, parseExternalSecret } from "../../apis/parse.ts";
import type { ExternalSecret } from "../../apis/external-secret.ts";
import { NoSecretError, ThrottledError, remoteSecretIdKey, type ReadOutcome, type RemoteSecretId } from "../../providers/provider.ts";
import type { EventRecorder } from "../../runtime/event-recorder.ts";
import { isTerminalError } from "../../runtime/controller.ts";
import { ExternalSecretReconciler, type ExternalSecretReconcilerDeps, type ExternalSecretStatusUpdate } from "./reconciler.ts";
import { RemoteChanges, type RemoteChangeTiming } from "./remote-changes.ts";
import type { ValueTransforms } from "../remote-data.ts";

const CANARY = "canary-5be1d0";
const NOW = Date.parse("2026-11-22T12:00:00Z");
const enc = (s: string) => new TextEncoder().encode(s);

interface RawExternalSecret {
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
}

function makeExternalSecret(mutate: (o: RawExternalSecret) => void = () => {}): ExternalSecret {
  const raw = {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "db", namespace: "app", uid: "es-uid", generation: 1 },
    spec: { secretStoreRef: { name: "aws", kind: "SecretStore" }, refreshInterval: "1h", data: [{ secretKey: "password", remoteRef: { key: "db-creds", property: "password" } }] },
  };
  mutate(raw);
  return mustParse(parseExternalSecret(raw));
}

const transforms: ValueTransforms = {
  selectProperty: (p, prop) => {
    const o = JSON.parse(new TextDecoder().decode(p.value)) as Record<string, string>;
    return prop in o ? { found: true, value: enc(o[prop]!) } : { found: false };
  },
  extractMap: () => new Map(),
  decode: (v) => v,
  convertKeys: (m) => m,
  rewrite: (m) => m,
};

/** A world of counting fakes around one ExternalSecret. */
function world(es: ExternalSecret, remote: Record<string, string> = { "db-creds": JSON.stringify({ password: CANARY }) }, extra: Partial<ExternalSecretReconcilerDeps> = {}) {
  const w = {
    es,
    remote,
    providerError: undefined as Error | undefined,
    secret: undefined as V1Secret | undefined,
    reads: 0,
    writes: [] as string[],
    statuses: [] as ExternalSecretStatusUpdate[],
    events: [] as string[],
    now: NOW,
  };
  const events: EventRecorder = { event: (_t, type, reason, message) => w.events.push(`${type} ${reason}: ${message}`) };
  const deps: ExternalSecretReconcilerDeps = {
    getExternalSecret: () => w.es,
    resolveStore: () => ({ kind: "SecretStore", name: "aws", namespace: "app", uid: "store", generation: 1, capabilities: "ReadWrite" }),
    readerFor: async () => ({
      read: async (ids: readonly RemoteSecretId[]) => {
        w.reads++;
        if (w.providerError) throw w.providerError;
        return new Map(ids.map((id): [string, ReadOutcome] => [remoteSecretIdKey(id), id.key in w.remote ? { ok: true, payload: { value: enc(w.remote[id.key]!), binary: false } } : { ok: false, error: new NoSecretError(id.key) }]));
      },
      find: async () => new Map(),
    }),
    transforms,
    secrets: {
      get: async () => (w.secret ? structuredClone(w.secret) : undefined),
      create: async (s) => { w.writes.push("create"); w.secret = { ...s, metadata: { ...s.metadata, uid: "secret-uid", resourceVersion: "1" } }; },
      update: async (s) => { w.writes.push("update"); w.secret = { ...s, metadata: { ...s.metadata, resourceVersion: "2" } }; },
      delete: async () => { w.writes.push("delete"); w.secret = undefined; },
    },
    writeStatus: async (_target, status) => {
      w.statuses.push(status);
      w.es = { ...w.es, status: { ...w.es.status, ...status } };
    },
    events,
    now: () => w.now,
    random: () => 0,
  };
  const all: ExternalSecretReconcilerDeps = { ...deps, ...extra };
  return { w, deps: all, reconciler: new ExternalSecretReconciler(all) };
}

const run = (r: ExternalSecretReconciler) => r.reconcile({ namespace: "app", name: "db" });
const ready = (s: ExternalSecretStatusUpdate | undefined) => s?.conditions.find((c) => c.type === "Ready");

describe("ExternalSecretReconciler", () => {
  test("first sync creates the Secret, marks Ready/SecretSynced and requeues after refreshInterval", async () => {
    const { w, reconciler } = world(makeExternalSecret());
    const out = await run(reconciler);
    assert.deepEqual(w.writes, ["create"]);
    assert.equal(Buffer.from(w.secret!.data!.password!, "base64").toString(), CANARY);
    assert.deepEqual(ready(w.statuses.at(-1)), { type: "Ready", status: "True", reason: "SecretSynced", message: "secret synced", lastTransitionTime: "2026-11-22T12:00:00Z" });
    assert.equal(w.statuses.at(-1)?.binding?.name, "db");
    assert.equal(out.requeueAfterMs, 3_600_000);
    assert.deepEqual(w.events, ["Normal Created: created Secret db"]);
  });

  test("an up-to-date ExternalSecret costs no provider read and no write", async () => {
    const { w, reconciler } = world(makeExternalSecret());
    await run(reconciler);
    w.now += 10 * 60_000;
    const out = await run(reconciler);
    assert.equal(w.reads, 1);
    assert.deepEqual(w.writes, ["create"]);
    assert.equal(out.requeueAfterMs, 50 * 60_000);
  });

  test("a reconcile before the informer has seen the status write does not read the provider again", async () => {
    const { w, reconciler } = world(makeExternalSecret());
    const stale = w.es;
    await run(reconciler);
    w.es = stale; // the cache still shows the ExternalSecret as never synced
    w.now += 1000;
    await run(reconciler);
    assert.equal(w.reads, 1);
  });

  test("a due refresh with unchanged data reads once and writes only status", async () => {
    const { w, reconciler } = world(makeExternalSecret());
    await run(reconciler);
    w.now += 3_600_000;
    await run(reconciler);
    assert.equal(w.reads, 2);
    assert.deepEqual(w.writes, ["create"], "the Secret is not rewritten");
    assert.equal(w.statuses.at(-1)?.refreshTime, "2026-11-22T13:00:00Z");
  });

  test("a changed remote value updates the Secret", async () => {
    const { w, reconciler } = world(makeExternalSecret());
    await run(reconciler);
    w.remote["db-creds"] = JSON.stringify({ password: "rotated" });
    w.now += 3_600_000;
    await run(reconciler);
    assert.deepEqual(w.writes, ["create", "update"]);
    assert.equal(Buffer.from(w.secret!.data!.password!, "base64").toString(), "rotated");
  });

  test("a hand-edited Secret is detected by its data-hash and restored", async () => {
    const { w, reconciler } = world(makeExternalSecret());
    await run(reconciler);
    w.secret!.data!.password = Buffer.from("tampered").toString("base64");
    w.now += 60_000;
    await run(reconciler);
    assert.deepEqual(w.writes, ["create", "update"]);
    assert.equal(Buffer.from(w.secret!.data!.password, "base64").toString(), CANARY);
  });

  test("a provider failure leaves the Secret intact, reports SecretSyncedError and an Event, and rethrows", async () => {
    const { w, reconciler } = world(makeExternalSecret());
    await run(reconciler);
    const before = structuredClone(w.secret);
    w.providerError = new ThrottledError("GetSecretValue: ThrottlingException: Rate exceeded");
    w.now += 3_600_000;
    await assert.rejects(run(reconciler), ThrottledError);
    assert.deepEqual(w.secret, before);
    assert.deepEqual(w.writes, ["create"]);
    const cond = ready(w.statuses.at(-1));
    assert.equal(cond?.status, "False");
    assert.equal(cond?.reason, "SecretSyncedError");
    assert.equal(cond?.message, "could not get secret data from provider: GetSecretValue: ThrottlingException: Rate exceeded");
    assert.equal(w.statuses.at(-1)?.refreshTime, undefined, "refreshTime is not advanced on failure");
    assert.match(w.events.at(-1)!, /^Warning UpdateFailed: could not get secret data/);
  });

  test("a missing key under Retain keeps the Secret and names the key", async () => {
    const { w, reconciler } = world(makeExternalSecret());
    await run(reconciler);
    delete w.remote["db-creds"];
    w.now += 3_600_000;
    await assert.rejects(run(reconciler));
    assert.ok(w.secret, "kept");
    assert.match(ready(w.statuses.at(-1))!.message!, /db-creds: secret does not exist/);
  });

  test("all data gone under deletionPolicy Delete deletes the owned Secret", async () => {
    const { w, reconciler } = world(makeExternalSecret((o) => (o.spec.target = { deletionPolicy: "Delete" })));
    await run(reconciler);
    delete w.remote["db-creds"];
    w.now += 3_600_000;
    await run(reconciler);
    assert.deepEqual(w.writes, ["create", "delete"]);
    assert.equal(ready(w.statuses.at(-1))?.reason, "SecretDeleted");
  });

  // ESO's own test "should not merge with secret if it doesn't exist" (externalsecret_controller_test.go,
  // mergeWithSecretErr): Ready=True / SecretMissing with msgMissing, so Argo CD keeps the app healthy.
  test("creationPolicy Merge without a target Secret: Ready=True / SecretMissing, as ESO, and waits for the interval", async () => {
    const { w, reconciler } = world(makeExternalSecret((o) => (o.spec.target = { creationPolicy: "Merge" })));
    const out = await run(reconciler);
    assert.deepEqual(w.writes, [], "Merge never creates the Secret");
    assert.deepEqual(ready(w.statuses.at(-1)), {
      type: "Ready",
      status: "True",
      reason: "SecretMissing",
      message: "secret will not be created due to CreationPolicy=Merge",
      lastTransitionTime: "2026-11-22T12:00:00Z",
    });
    assert.equal(w.statuses.at(-1)?.refreshTime, "2026-11-22T12:00:00Z", "ESO's markAsDone records the refresh");
    assert.equal(w.statuses.at(-1)?.binding, undefined, "no Secret to bind");
    assert.equal(out.requeueAfterMs, 3_600_000);
    w.now += 10 * 60_000;
    await run(reconciler);
    assert.equal(w.reads, 1, "no provider read again before the interval");
  });

  test("force-sync annotation refreshes before the interval", async () => {
    const { w, reconciler } = world(makeExternalSecret());
    await run(reconciler);
    w.es = { ...w.es, metadata: { ...w.es.metadata, annotations: { "external-secrets.io/force-sync": "1" } } };
    w.now += 60_000;
    await run(reconciler);
    assert.equal(w.reads, 2);
  });

  test("the next refresh is planned into a refresh group inside its window (ADR 14)", async () => {
    const { w, reconciler, deps } = world(makeExternalSecret());
    const windows: unknown[] = [];
    deps.planRefresh = async (_es, window) => {
      windows.push(window);
      return window.earliest + 1_000;
    };
    const out = await run(reconciler);
    assert.deepEqual(windows, [{ earliest: NOW + 3_600_000 - 300_000, due: NOW + 3_600_000, latest: NOW + 3_600_000 + 300_000, intervalMs: 3_600_000 }]);
    assert.equal(out.requeueAfterMs, 3_600_000 - 300_000 + 1_000);
    w.now += 10 * 60_000;
    const upToDate = await run(reconciler);
    assert.equal(upToDate.requeueAfterMs, 3_600_000 - 300_000 + 1_000 - 10 * 60_000, "an up-to-date reconcile plans from its last refresh");
    assert.equal(w.reads, 1);
  });

  test("no group (the client cannot be resolved): the refresh is jittered on its own", async () => {
    const { reconciler, deps } = world(makeExternalSecret());
    deps.planRefresh = async () => {
      throw new Error("store not found");
    };
    assert.equal((await run(reconciler)).requeueAfterMs, 3_600_000);
  });

  test("a member of a due refresh group refreshes with it, before its own interval", async () => {
    const { w, reconciler, deps } = world(makeExternalSecret());
    await run(reconciler);
    w.now += 3_600_000 - 10 * 60_000;
    assert.equal((await run(reconciler), w.reads), 1, "not due on its own");
    deps.groupDue = () => true;
    await run(reconciler);
    assert.equal(w.reads, 2);
  });

  test("refreshInterval 0 syncs once and does not requeue", async () => {
    const { reconciler } = world(makeExternalSecret((o) => (o.spec.refreshInterval = "0")));
    assert.deepEqual(await run(reconciler), {});
  });

  test("an invalid spec is reported in status and an Event, and is not retried", async () => {
    const { w, reconciler } = world(makeExternalSecret());
    (w as { es: unknown }).es = { invalid: "spec.data[0].secretKey: duplicate secretKey found", uid: "u" };
    await assert.rejects(run(reconciler), (err: Error) => err.name === "InvalidSpecError");
    assert.equal(ready(w.statuses[0])?.message, "invalid ExternalSecret: spec.data[0].secretKey: duplicate secretKey found");
    assert.match(w.events[0]!, /^Warning UpdateFailed: invalid ExternalSecret/);
    assert.equal(w.reads, 0);
  });

  test("engineVersion v1 (a v1beta1 object stored under an older CRD): a clear condition, no read, no write", async () => {
    const { w, reconciler } = world(makeExternalSecret());
    const stored = parseExternalSecret({
      apiVersion: "external-secrets.io/v1beta1",
      kind: "ExternalSecret",
      metadata: { name: "db", namespace: "app", uid: "es-uid" },
      spec: { secretStoreRef: { name: "aws" }, data: [{ secretKey: "k", remoteRef: { key: "db-creds" } }], target: { template: { engineVersion: "v1", data: { k: "{{ .k }}" } } } },
    });
    assert.ok(!stored.ok);
    (w as { es: unknown }).es = { invalid: formatIssues(stored.errors), uid: "es-uid" };
    await assert.rejects(run(reconciler), (err: Error) => err.name === "InvalidSpecError");
    assert.equal(ready(w.statuses[0])?.status, "False");
    assert.equal(ready(w.statuses[0])?.message, 'invalid ExternalSecret: spec.target.template.engineVersion: Unsupported value: "v1": supported values: "v2"');
    assert.equal(w.reads, 0);
    assert.deepEqual(w.writes, []);
  });

  test("a target Secret owned by another ExternalSecret is retried with backoff, not given up on (as ESO)", async () => {
    const { w, reconciler } = world(makeExternalSecret());
    w.secret = {
      metadata: {
        name: String(w.es.spec.target?.name ?? w.es.metadata.name),
        namespace: String(w.es.metadata.namespace),
        uid: "taken",
        resourceVersion: "1",
        ownerReferences: [{ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "other", uid: "other-uid", controller: true }],
      },
      data: {},
    };
    await assert.rejects(run(reconciler), (err: Error) => {
      assert.equal(isTerminalError(err), false, "terminal errors are never requeued");
      assert.match(err.message, /owned by another ExternalSecret other/);
      return true;
    });
    assert.match(ready(w.statuses.at(-1))?.message ?? "", /^target Secret .* is owned by another ExternalSecret other$/);
    // The other owner lets go: the next retry syncs without any spec change.
    w.secret = undefined;
    await run(reconciler);
    assert.equal(ready(w.statuses.at(-1))?.reason, "SecretSynced");
  });

  test("a new ExternalSecret's target, absent from the managed-Secret cache, is created without a GET first (issue #16)", async () => {
    const { w, deps } = world(makeExternalSecret());
    const calls: string[] = [];
    const reconciler = new ExternalSecretReconciler({ ...deps, secrets: { ...deps.secrets, get: async (_ns, _name, _signal, options) => (calls.push(options?.cacheOnly ? "cached get" : "GET"), undefined), create: async (s, m) => (calls.push("create"), deps.secrets.create(s, m)) } });
    await run(reconciler);
    assert.deepEqual(calls, ["cached get", "create"]);
    assert.deepEqual(w.events, ["Normal Created: created Secret db"]);
    assert.equal(ready(w.statuses.at(-1))?.reason, "SecretSynced");
  });

  test("a target that exists outside the cache (AlreadyExists on create) is read and decided on from the live Secret", async () => {
    const { w, deps } = world(makeExternalSecret());
    const calls: string[] = [];
    const live: V1Secret = {
      metadata: { name: "db", namespace: "app", uid: "taken", resourceVersion: "7", ownerReferences: [{ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "other", uid: "other-uid", controller: true }] },
      data: {},
    };
    const alreadyExists = new KubeApiError(409, "AlreadyExists", 'POST /api/v1/namespaces/app/secrets: HTTP 409: secrets "db" already exists', 'secrets "db" already exists');
    const reconciler = new ExternalSecretReconciler({
      ...deps,
      secrets: {
        ...deps.secrets,
        get: async (_ns, _name, _signal, options) => (calls.push(options?.cacheOnly ? "cached get" : "GET"), options?.cacheOnly ? undefined : structuredClone(live)),
        create: async () => {
          calls.push("create");
          throw alreadyExists;
        },
      },
    });
    await assert.rejects(run(reconciler), /owned by another ExternalSecret other/);
    assert.deepEqual(calls, ["cached get", "create", "GET"]);
    assert.deepEqual(w.events.filter((e) => e.startsWith("Normal")), [], "nothing was created");
  });

  test("creationPolicy Merge and None still read a target missing from the cache from the API", async () => {
    for (const creationPolicy of ["Merge", "None"]) {
      const { deps } = world(makeExternalSecret((o) => (o.spec.target = { creationPolicy })));
      const calls: string[] = [];
      await new ExternalSecretReconciler({ ...deps, secrets: { ...deps.secrets, get: async (_ns, _name, _signal, options) => (calls.push(options?.cacheOnly ? "cached get" : "GET"), undefined) } }).reconcile({ namespace: "app", name: "db" });
      assert.deepEqual(calls, ["GET"], creationPolicy);
    }
  });

  test("all data gone under Delete with the target absent from the cache: read from the API before deciding", async () => {
    const { w, deps } = world(makeExternalSecret((o) => (o.spec.target = { deletionPolicy: "Delete" })));
    const calls: string[] = [];
    const reconciler = new ExternalSecretReconciler({ ...deps, secrets: { ...deps.secrets, get: async (_ns, _name, _signal, options) => (calls.push(options?.cacheOnly ? "cached get" : "GET"), options?.cacheOnly ? undefined : structuredClone(w.secret)) } });
    await run(reconciler);
    delete w.remote["db-creds"];
    w.now += 3_600_000;
    calls.length = 0;
    await run(reconciler);
    assert.deepEqual(calls, ["cached get", "GET"]);
    assert.deepEqual(w.writes, ["create", "delete"]);
  });

  test("no secret value ever reaches status or Events", async () => {
    const { w, reconciler } = world(makeExternalSecret());
    await run(reconciler);
    w.providerError = new Error("boom");
    w.now += 3_600_000;
    await assert.rejects(run(reconciler));
    const text = JSON.stringify([w.statuses, w.events]);
    assert.ok(!text.includes(CANARY));
  });
});

describe("ExternalSecretReconciler and change events", () => {
  test("a remote change reads at once though the refresh is not due, and is settled with its latency", async () => {
    const changes = new RemoteChanges({ monotonic: () => 0, now: () => 5_000 });
    const timings: RemoteChangeTiming[] = [];
    const { w, reconciler } = world(makeExternalSecret(), undefined, { remoteChanges: changes, onRemoteChangeSynced: (t) => timings.push(t) });
    await run(reconciler);
    w.remote["db-creds"] = JSON.stringify({ password: "rotated" });
    w.now += 60_000;
    changes.mark("app/db", 4_200);
    await run(reconciler);
    assert.equal(w.reads, 2);
    assert.deepEqual(w.writes, ["create", "update"]);
    assert.equal(changes.size, 0);
    // Every stage of the reconcile that settled the change is noted (the read, the Secret write).
    assert.deepEqual(timings, [{ startedMs: 0, readMs: 0, writtenMs: 0, totalMs: 0, fromQueueMs: 800 }]);
    await run(reconciler);
    assert.equal(w.reads, 2, "settled: the next reconcile does not read again");
  });

  test("a failed read keeps the change pending, so the retry still reads", async () => {
    const changes = new RemoteChanges();
    const { w, reconciler } = world(makeExternalSecret(), undefined, { remoteChanges: changes });
    await run(reconciler);
    changes.mark("app/db");
    w.providerError = new ThrottledError("slow down");
    await assert.rejects(run(reconciler));
    assert.equal(changes.size, 1);
    w.providerError = undefined;
    await run(reconciler);
    assert.equal(w.reads, 3);
    assert.equal(changes.size, 0);
  });

  test("an OnChange ExternalSecret ignores remote changes", async () => {
    const changes = new RemoteChanges();
    const { w, reconciler } = world(makeExternalSecret((o) => (o.spec.refreshPolicy = "OnChange")), undefined, { remoteChanges: changes });
    await run(reconciler);
    changes.mark("app/db");
    await run(reconciler);
    assert.equal(w.reads, 1);
    assert.equal(changes.size, 0, "the change is dropped, not kept forever");
  });

  test("refreshIntervalFor stretches the interval used for due and requeue", async () => {
    const { w, reconciler } = world(makeExternalSecret(), undefined, { refreshIntervalFor: (_key, ms) => ms * 6 });
    const first = await run(reconciler);
    assert.equal(first.requeueAfterMs, 6 * 3_600_000);
    w.now += 3_600_000;
    await run(reconciler);
    assert.equal(w.reads, 1, "not due at the spec's interval");
  });
});
