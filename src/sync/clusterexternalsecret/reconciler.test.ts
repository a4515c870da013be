import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ClusterExternalSecret } from "../../apis/cluster-external-secret.ts";
import { makeClusterExternalSecret } from "../../apis/testing/builders.ts";
import { silentLogger } from "../../runtime/logger.ts";
import { desiredExternalSecret, type ExternalSecretObject } from "./desired-external-secret.ts";
import { WriteError } from "./external-secret-writer.ts";
import { ClusterExternalSecretReconciler, ESO_CES_FINALIZER, FanOutConflictError } from "./reconciler.ts";
import type { NamespaceView } from "./namespaces-to-provision.ts";

const SHARED = { "ferry.dev/shared": "true" };

/** A cluster in memory: namespaces, ExternalSecrets by "ns/name", and every write the reconciler made. */
function world(ces: ClusterExternalSecret, namespaces: NamespaceView[], externalSecrets: ExternalSecretObject[] = []) {
  const w = {
    ces,
    namespaces,
    es: new Map(externalSecrets.map((es) => [`${es.metadata?.namespace}/${es.metadata?.name}`, es])),
    writes: [] as string[],
    status: undefined as Record<string, unknown> | undefined,
    fail: new Map<string, WriteError>(),
  };
  const key = (es: ExternalSecretObject) => `${es.metadata?.namespace}/${es.metadata?.name}`;
  const reconciler = new ClusterExternalSecretReconciler({
    getClusterExternalSecret: () => ({ ces: w.ces, rawExternalSecretSpec: w.ces.spec.externalSecretSpec, resourceVersion: "7" }),
    namespaces: () => w.namespaces,
    getExternalSecret: (namespace, name) => w.es.get(`${namespace}/${name}`),
    controlledBy: (name) => [...w.es.values()].filter((es) => es.metadata?.ownerReferences?.some((r) => r.controller && r.kind === "ClusterExternalSecret" && r.name === name)),
    writes: {
      createExternalSecret: async (es) => {
        const err = w.fail.get(key(es));
        if (err) throw err;
        w.writes.push(`create ${key(es)}`);
        w.es.set(key(es), { ...es, metadata: { ...es.metadata, uid: `uid-${key(es)}`, resourceVersion: "1" } });
      },
      updateExternalSecret: async (es) => {
        w.writes.push(`update ${key(es)}`);
        w.es.set(key(es), es);
      },
      deleteExternalSecret: async (namespace, name) => {
        w.writes.push(`delete ${namespace}/${name}`);
        w.es.delete(`${namespace}/${name}`);
      },
      patchStatus: async (_name, status) => {
        w.writes.push("status");
        w.status = status;
        w.ces = { ...w.ces, status: Object.fromEntries(Object.entries(status).filter(([, v]) => v !== null)) };
      },
      setFinalizers: async (_name, rv, finalizers) => void w.writes.push(`finalizers@${rv} ${JSON.stringify(finalizers)}`),
    },
    logger: silentLogger,
  });
  return { w, reconciler };
}

const ns = (name: string, labels: Record<string, string> = SHARED): NamespaceView => ({ name, labels, terminating: false });

describe("ClusterExternalSecretReconciler", () => {
  test("creates one ExternalSecret per selected namespace, then does nothing while nothing changes", async () => {
    const { w, reconciler } = world(makeClusterExternalSecret(), [ns("b"), ns("a"), ns("other", {})]);
    const result = await reconciler.reconcile({ name: "shared" });
    assert.deepEqual(w.writes, ["create a/shared", "create b/shared", "status"]);
    assert.deepEqual(w.status, { externalSecretName: "shared", failedNamespaces: null, provisionedNamespaces: ["a", "b"], conditions: [{ type: "Ready", status: "True" }] });
    assert.deepEqual(result, { requeueAfterMs: 3_600_000 }, "ESO's default refresh of 1h");
    w.writes.length = 0;
    await reconciler.reconcile({ name: "shared" });
    assert.deepEqual(w.writes, [], "a refresh of an unchanged ClusterExternalSecret writes nothing");
  });

  test("a namespace that stops matching loses its ExternalSecret; an old name is replaced", async () => {
    const { w, reconciler } = world(makeClusterExternalSecret(), [ns("a"), ns("b")]);
    await reconciler.reconcile({ name: "shared" });
    w.namespaces = [ns("a"), ns("b", {})];
    w.ces = makeClusterExternalSecret((c) => void (c.spec.externalSecretName = "renamed"));
    w.writes.length = 0;
    await reconciler.reconcile({ name: "shared" });
    assert.deepEqual(w.writes, ["delete a/shared", "delete b/shared", "create a/renamed", "status"]);
    assert.deepEqual(w.status?.provisionedNamespaces, ["a"]);
  });

  test("an ExternalSecret of that name it does not control is a failed namespace and is never written", async () => {
    const theirs: ExternalSecretObject = { metadata: { namespace: "b", name: "shared", uid: "u" }, spec: { mine: true } };
    const { w, reconciler } = world(makeClusterExternalSecret(), [ns("a"), ns("b")], [theirs]);
    await reconciler.reconcile({ name: "shared" });
    assert.deepEqual(w.writes, ["create a/shared", "status"]);
    assert.deepEqual(w.status?.failedNamespaces, [{ namespace: "b", reason: "external secret already exists in namespace" }]);
    assert.deepEqual(w.status?.conditions, [{ type: "Ready", status: "False", message: "one or more namespaces failed" }]);
    assert.equal(w.es.get("b/shared"), theirs);
  });

  test("an edited ExternalSecret is put back, other owner references kept", async () => {
    const ces = makeClusterExternalSecret((c) => void (c.spec.externalSecretMetadata = { labels: { team: "platform" } }));
    const desired = desiredExternalSecret(ces, ces.spec.externalSecretSpec, "a");
    const edited: ExternalSecretObject = {
      ...desired,
      metadata: { ...desired.metadata, uid: "u", resourceVersion: "5", labels: { team: "other", extra: "x" }, ownerReferences: [...desired.metadata.ownerReferences!, { apiVersion: "v1", kind: "ConfigMap", name: "c", uid: "c" }] },
      spec: { ...(desired.spec as object), refreshInterval: "5m" },
    };
    const { w, reconciler } = world(ces, [ns("a")], [edited]);
    await reconciler.reconcile({ name: "shared" });
    assert.deepEqual(w.writes, ["update a/shared", "status"]);
    const now = w.es.get("a/shared")!;
    assert.deepEqual(now.metadata?.labels, { team: "platform" });
    assert.equal(now.metadata?.resourceVersion, "5", "the PUT carries the resourceVersion it was computed from");
    assert.equal((now.spec as { refreshInterval: string }).refreshInterval, ces.spec.externalSecretSpec.refreshInterval, "the spec is restored");
    assert.deepEqual(now.metadata?.ownerReferences?.map((r) => r.kind), ["ConfigMap", "ClusterExternalSecret"]);
  });

  test("a write that fails is a failed namespace with the apiserver's words; a 409 is retried", async () => {
    const { w, reconciler } = world(makeClusterExternalSecret(), [ns("a"), ns("b")]);
    w.fail.set("b/shared", new WriteError(403, 'externalsecrets.external-secrets.io is forbidden: User "x" cannot create'));
    await reconciler.reconcile({ name: "shared" });
    assert.deepEqual(w.status?.failedNamespaces, [{ namespace: "b", reason: 'could not create or update ExternalSecret: externalsecrets.external-secrets.io is forbidden: User "x" cannot create' }]);
    w.fail.set("b/shared", new WriteError(409, "already exists"));
    w.writes.length = 0;
    await assert.rejects(reconciler.reconcile({ name: "shared" }), FanOutConflictError);
    assert.deepEqual(w.writes, [], "a stale cache is not reported as a failure: no status write, a retry");
  });

  test("the force-sync annotation is passed on; refreshTime sets the requeue", async () => {
    const ces = makeClusterExternalSecret((c) => {
      c.metadata.annotations = { "external-secrets.io/force-sync": "123" };
      c.spec.refreshTime = "10m";
    });
    const { w, reconciler } = world(ces, [ns("a")]);
    assert.deepEqual(await reconciler.reconcile({ name: "shared" }), { requeueAfterMs: 600_000 });
    assert.deepEqual(w.es.get("a/shared")?.metadata?.annotations, { "external-secrets.io/force-sync": "123" });
  });

  test("a ClusterExternalSecret being deleted: ESO's cleanup finalizer is removed, nothing else is written", async () => {
    const ces = makeClusterExternalSecret((c) => {
      c.metadata.deletionTimestamp = "2026-12-03T10:00:00Z";
      c.metadata.finalizers = [ESO_CES_FINALIZER, "other/finalizer"];
    });
    const { w, reconciler } = world(ces, [ns("a")]);
    await reconciler.reconcile({ name: "shared" });
    assert.deepEqual(w.writes, ['finalizers@7 ["other/finalizer"]']);
  });
});
