// Proves the apiserver-side faults a real server does not produce on demand reach a client-node watch:
// a cut connection, a 410 Gone, and error statuses.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { TestEnvironment, faults, waitUntil, type FaultProxy } from "../../env/index.ts";

const env = TestEnvironment.load();
let proxy: FaultProxy;
let proxied: k8s.KubeConfig;
let ns: { name: string; delete: () => Promise<void> };

before(async () => {
  ({ proxy, kubeConfig: proxied } = await env.startKubeProxy());
  ns = await env.createNamespace("kube-proxy");
});
after(async () => {
  await proxy.close();
  await ns.delete();
});

describe("apiserver fault proxy", () => {
  test("a cut watch is observed by a client-node watch", async () => {
    const core = proxied.makeApiClient(k8s.CoreV1Api);
    const seen: string[] = [];
    let doneWith: unknown = "not called";
    const watch = new k8s.Watch(proxied);
    const controller = await watch.watch(
      `/api/v1/namespaces/${ns.name}/configmaps`,
      {},
      (type, obj: k8s.V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name}`),
      (err: unknown) => {
        doneWith = err ?? null;
      },
    );
    await waitUntil("the watch to be open", () => proxy.activeWatches === 1, { timeoutMs: 10_000 });
    await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: "before-cut" } } });
    await waitUntil("the ADDED event", () => seen.includes("ADDED before-cut"), { timeoutMs: 10_000 });

    assert.equal(proxy.cutWatches("abrupt"), 1);
    await waitUntil("the watch to report the cut", () => doneWith !== "not called", { timeoutMs: 10_000 });
    controller.abort();
  });

  test("a watch from an expired resourceVersion gets an ERROR event with 410 Gone", async () => {
    proxy.inject({ match: faults.watchOf(`/namespaces/${ns.name}/configmaps`), fault: faults.watchGone(), times: 1 });
    const events: Array<{ type: string; code: number | undefined }> = [];
    let done = false;
    await new k8s.Watch(proxied).watch(
      `/api/v1/namespaces/${ns.name}/configmaps`,
      { resourceVersion: "1" },
      (type, obj: { code?: number }) => events.push({ type, code: obj.code }),
      () => (done = true),
    );
    await waitUntil("the watch to end", () => done, { timeoutMs: 10_000 });
    assert.deepEqual(events, [{ type: "ERROR", code: 410 }]);
  });

  test("429 with Retry-After and 500 are returned to the client", async () => {
    const core = proxied.makeApiClient(k8s.CoreV1Api);
    proxy.inject({ match: (r) => r.method === "GET" && r.path.endsWith("/configmaps"), fault: faults.kubeStatus(429, "TooManyRequests", { "retry-after": "1" }), times: 1 });
    await assert.rejects(core.listNamespacedConfigMap({ namespace: ns.name }), (err: k8s.ApiException<unknown>) => {
      assert.equal(err.code, 429);
      assert.equal(err.headers["retry-after"], "1");
      return true;
    });
    proxy.inject({ match: (r) => r.method === "GET" && r.path.endsWith("/configmaps"), fault: faults.kubeStatus(500, "InternalError"), times: 1 });
    await assert.rejects(core.listNamespacedConfigMap({ namespace: ns.name }), { code: 500 });
    const ok = await core.listNamespacedConfigMap({ namespace: ns.name });
    assert.ok(Array.isArray(ok.items));
  });
});
