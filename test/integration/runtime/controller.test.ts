// Proves the controller with a real informer against kube-apiserver: a burst of updates to a few objects is
// a handful of reconciles that read the latest state (level-based), never one reconcile per event, and a
// key is never reconciled by two workers at once.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { TestEnvironment, waitUntil } from "../../env/index.ts";
import { Controller, Informer, requestKey, type KubeObject, type Request } from "../../../src/runtime/index.ts";

const env = TestEnvironment.load();
const kc = env.kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
let ns: { name: string; delete: () => Promise<void> };

before(async () => {
  ns = await env.createNamespace("runtime-controller");
});
after(async () => {
  await ns.delete();
});

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

describe("Controller with a real informer", () => {
  test("a burst of updates is deduplicated into one reconcile per key, of the latest state", async () => {
    const names = ["burst-a", "burst-b", "burst-c"];
    const updates = 15;
    for (const name of names) await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name }, data: { n: "0" } } });

    const informer = new Informer<ConfigMap>({ kubeConfig: kc, path: `/api/v1/namespaces/${ns.name}/configmaps` });
    const reconciled: Array<{ key: string; n: string | undefined }> = [];
    const running = new Set<string>();
    let overlapped = false;
    let gate: Promise<void> = Promise.resolve();
    const controller = new Controller({
      name: "burst",
      concurrency: 3,
      reconciler: {
        async reconcile(request: Request) {
          const key = requestKey(request);
          if (running.has(key)) overlapped = true;
          running.add(key);
          try {
            await gate;
            // Level-based: read the current state from the informer, not from an event.
            reconciled.push({ key, n: informer.get(request.namespace, request.name)?.data?.n });
            return {};
          } finally {
            running.delete(key);
          }
        },
      },
    });
    let events = 0;
    informer.addEventHandler({ add: () => events++, update: () => events++ });
    informer.addEventHandler(controller.handlers<ConfigMap>((o) => (o.metadata?.name?.startsWith("burst-") ? [{ namespace: o.metadata.namespace, name: o.metadata.name }] : [])));
    informer.start();
    try {
      await informer.waitForSync(AbortSignal.timeout(30_000));
      await waitUntil("the watch to open", () => informer.watching, { timeoutMs: 10_000 });

      // Phase 1, controller not started yet: the burst piles up as one queued key per object.
      const burst = async (from: number) => {
        for (let i = from; i < from + updates; i++) {
          await Promise.all(names.map((name) => core.replaceNamespacedConfigMap({ namespace: ns.name, name, body: { metadata: { name }, data: { n: String(i) } } })));
        }
      };
      await burst(1);
      const last = String(updates);
      await waitUntil("the informer to see the last update", () => names.every((n) => informer.get(ns.name, n)?.data?.n === last), { timeoutMs: 15_000 });
      assert.ok(events >= names.length * (updates + 1), `${events} informer events`);
      assert.equal(controller.queue.length, names.length, "one queued key per object, however many events");

      controller.start();
      await waitUntil("three reconciles", () => reconciled.length >= names.length, { timeoutMs: 10_000 });
      await new Promise((r) => setTimeout(r, 500)); // nothing more should come
      assert.deepEqual(
        reconciled.map((r) => `${r.key}=${r.n}`).sort(),
        names.map((n) => `${ns.name}/${n}=${last}`),
      );

      // Phase 2, controller running and its reconciles held: a burst during a reconcile adds exactly one more.
      reconciled.length = 0;
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      await core.replaceNamespacedConfigMap({ namespace: ns.name, name: "burst-a", body: { metadata: { name: "burst-a" }, data: { n: "100" } } });
      await waitUntil("burst-a to be in flight", () => controller.inFlight.includes(`${ns.name}/burst-a`), { timeoutMs: 10_000 });
      for (let i = 101; i <= 110; i++) {
        await core.replaceNamespacedConfigMap({ namespace: ns.name, name: "burst-a", body: { metadata: { name: "burst-a" }, data: { n: String(i) } } });
      }
      await waitUntil("the informer to see n=110", () => informer.get(ns.name, "burst-a")?.data?.n === "110", { timeoutMs: 10_000 });
      release();
      await waitUntil("two reconciles", () => reconciled.length >= 2, { timeoutMs: 10_000 });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(reconciled.length, 2, "the in-flight reconcile and one re-queue");
      assert.equal(reconciled[1]!.n, "110", "the re-queued reconcile sees the latest state");
      assert.equal(overlapped, false, "a key is never reconciled concurrently");
    } finally {
      await controller.stop({ timeoutMs: 5_000 });
      await informer.stop();
    }
  });
});
