// Proves the informer against a real kube-apiserver: paginated LIST + WATCH, a cut watch resumed from its
// resourceVersion without phantom deletes (KES #190/#133), 410 Gone answered by relist-and-diff emitting only
// the real difference, label and field selectors, and a transform that keeps Secret data out of memory.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { TestEnvironment, faults, waitUntil, type FaultProxy } from "../../env/index.ts";
import { Informer, kubeListWatcher, objectKey, type KubeObject, type ListWatcher } from "../../../src/runtime/index.ts";

const env = TestEnvironment.load();
const kc = env.kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
let ns: { name: string; delete: () => Promise<void> };
let proxy: FaultProxy;
let proxied: k8s.KubeConfig;
const informers: Informer[] = [];

before(async () => {
  ns = await env.createNamespace("runtime-informer");
  ({ proxy, kubeConfig: proxied } = await env.startKubeProxy());
});
after(async () => {
  await Promise.all(informers.map((i) => i.stop()));
  await proxy.close();
  await ns.delete();
});

/** Records events for our own objects (the namespace also gets kube-root-ca.crt from the controller-manager). */
function record(informer: Informer, prefix: string): string[] {
  const events: string[] = [];
  const mine = (o: KubeObject) => o.metadata?.name?.startsWith(prefix) ?? false;
  informer.addEventHandler({
    add: (o) => void (mine(o) && events.push(`add ${o.metadata?.name}`)),
    update: (_o, n) => void (mine(n) && events.push(`update ${n.metadata?.name}`)),
    delete: (o) => void (mine(o) && events.push(`delete ${o.metadata?.name}`)),
  });
  return events;
}

/** A ListWatcher that counts LIST calls, so a test can tell a resumed watch from a relist. */
function counting(inner: ListWatcher): ListWatcher & { lists: number } {
  const lw = {
    lists: 0,
    list: (options: Parameters<ListWatcher["list"]>[0], signal: AbortSignal) => {
      if (!options.continue) lw.lists++;
      return inner.list(options, signal);
    },
    watch: inner.watch.bind(inner),
  };
  return lw;
}

function start<T extends KubeObject>(informer: Informer<T>): Informer<T> {
  informers.push(informer as unknown as Informer);
  informer.start();
  return informer;
}

const fastBackoff = { initialMs: 100, maxMs: 1_000 };
const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>) =>
  core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name, ...(labels ? { labels } : {}) }, data } });
const setData = (name: string, data: Record<string, string>) =>
  core.patchNamespacedConfigMap({ namespace: ns.name, name, body: { data } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));

describe("Informer against kube-apiserver", () => {
  test("lists in pages, then watches adds, updates and deletes", async () => {
    for (const n of ["list-a", "list-b", "list-c", "list-d", "list-e"]) await cm(n, { v: "1" });
    const lw = counting(kubeListWatcher(kc, { path: `/api/v1/namespaces/${ns.name}/configmaps` }));
    const informer = start(new Informer({ path: "configmaps", listWatcher: lw, pageSize: 2, backoff: fastBackoff }));
    const events = record(informer, "list-");
    await informer.waitForSync(AbortSignal.timeout(30_000));
    assert.deepEqual(events.sort(), ["add list-a", "add list-b", "add list-c", "add list-d", "add list-e"]);
    assert.equal(informer.get(ns.name, "list-a")?.kind, "ConfigMap");
    assert.equal(typeof informer.resourceVersion, "string");
    assert.equal(lw.lists, 1);

    events.length = 0;
    await waitUntil("the watch to open", () => informer.watching, { timeoutMs: 10_000 });
    await cm("list-f");
    await setData("list-a", { v: "2" });
    await core.deleteNamespacedConfigMap({ namespace: ns.name, name: "list-b" });
    await waitUntil("three events", () => events.length >= 3, { timeoutMs: 10_000 });
    assert.deepEqual(events, ["add list-f", "update list-a", "delete list-b"]);
    assert.deepEqual((informer.get(ns.name, "list-a") as { data?: unknown }).data, { v: "2" });
    assert.equal(informer.get(ns.name, "list-b"), undefined);
    assert.ok(informer.lastEventAge < 10_000);
    await informer.stop();
  });

  test("a cut watch resumes from its resourceVersion: no phantom deletes, the gap's changes delivered, no relist", async () => {
    for (const n of ["cut-keep", "cut-change", "cut-remove"]) await cm(n, { v: "1" });
    const path = `/api/v1/namespaces/${ns.name}/configmaps`;
    const lw = counting(kubeListWatcher(proxied, { path }));
    const informer = start(new Informer({ path, listWatcher: lw, backoff: fastBackoff }));
    const events = record(informer, "cut-");
    await informer.waitForSync(AbortSignal.timeout(30_000));
    await waitUntil("the watch to open", () => informer.watching && proxy.activeWatches > 0, { timeoutMs: 10_000 });
    events.length = 0;

    // Hold the watch down (503) while the world changes, so the changes are certainly made during the gap.
    const holdDown = proxy.inject({ match: faults.watchOf(path), fault: faults.kubeStatus(503, "ServiceUnavailable") });
    assert.ok(proxy.cutWatches("abrupt") >= 1);
    await waitUntil("the informer to notice the cut", () => !informer.watching, { timeoutMs: 10_000 });
    await cm("cut-new");
    await setData("cut-change", { v: "2" });
    await core.deleteNamespacedConfigMap({ namespace: ns.name, name: "cut-remove" });
    await waitUntil("a held-down reconnect attempt", () => proxy.log.some((e) => e.status === 503 && e.path === path), { timeoutMs: 10_000 });
    holdDown();

    await waitUntil("the gap's three changes", () => events.length >= 3, { timeoutMs: 15_000 });
    assert.deepEqual(events.sort(), ["add cut-new", "delete cut-remove", "update cut-change"]);
    assert.equal(lw.lists, 1, "resumed from the resourceVersion, not relisted");
    assert.ok(informer.get(ns.name, "cut-keep"));
    assert.deepEqual(
      informer.list(ns.name).map(objectKey).filter((k) => k.includes("/cut-")).sort(),
      [`${ns.name}/cut-change`, `${ns.name}/cut-keep`, `${ns.name}/cut-new`],
    );
    await informer.stop();
  });

  test("410 Gone: relists and emits only the real difference (KES #190: never delete-all-then-add-all)", async () => {
    const names = ["gone-1", "gone-2", "gone-3", "gone-4", "gone-5", "gone-doomed"];
    for (const n of names) await cm(n, { v: "1" });
    const path = `/api/v1/namespaces/${ns.name}/configmaps`;
    const lw = counting(kubeListWatcher(proxied, { path }));
    const informer = start(new Informer({ path, listWatcher: lw, pageSize: 2, backoff: fastBackoff }));
    const events = record(informer, "gone-");
    await informer.waitForSync(AbortSignal.timeout(30_000));
    await waitUntil("the watch to open", () => informer.watching && proxy.activeWatches > 0, { timeoutMs: 10_000 });
    events.length = 0;

    const holdDown = proxy.inject({ match: faults.watchOf(path), fault: faults.kubeStatus(503, "ServiceUnavailable") });
    proxy.cutWatches("abrupt");
    await waitUntil("the informer to notice the cut", () => !informer.watching, { timeoutMs: 10_000 });
    await cm("gone-created");
    await core.deleteNamespacedConfigMap({ namespace: ns.name, name: "gone-doomed" });
    // The next watch is told its resourceVersion is too old, as after etcd compaction.
    proxy.inject({ match: faults.watchOf(path), fault: faults.watchGone(), times: 1 });
    holdDown();

    await waitUntil("the relist", () => lw.lists === 2 && informer.watching, { timeoutMs: 15_000 });
    assert.deepEqual(events.sort(), ["add gone-created", "delete gone-doomed"]);
    assert.equal(proxy.log.filter((e) => e.path === path && e.status === 200 && e.fault === "respond").length, 1, "the 410 was served");
    assert.deepEqual(
      informer.list(ns.name).map((o) => o.metadata?.name).filter((n) => n?.startsWith("gone-")).sort(),
      ["gone-1", "gone-2", "gone-3", "gone-4", "gone-5", "gone-created"],
    );
    // And the informer keeps watching after the relist.
    await setData("gone-1", { v: "2" });
    await waitUntil("an update after the relist", () => events.includes("update gone-1"), { timeoutMs: 10_000 });
    await informer.stop();
  });

  test("a label-selected informer sees only labelled objects, including as labels come and go", async () => {
    const selector = "ferry.dev/watched=yes";
    const informer = start(new Informer({ kubeConfig: kc, path: `/api/v1/namespaces/${ns.name}/configmaps`, labelSelector: selector, backoff: fastBackoff }));
    await cm("sel-in", {}, { "ferry.dev/watched": "yes" });
    await cm("sel-out", {}, { "ferry.dev/watched": "no" });
    await cm("sel-bare");
    const events = record(informer, "sel-");
    await informer.waitForSync(AbortSignal.timeout(30_000));
    assert.deepEqual(informer.list().map((o) => o.metadata?.name), ["sel-in"]);
    await waitUntil("the watch to open", () => informer.watching, { timeoutMs: 10_000 });

    const label = (name: string, value: string | null) =>
      core.patchNamespacedConfigMap(
        { namespace: ns.name, name, body: { metadata: { labels: { "ferry.dev/watched": value } } } },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
      );
    await label("sel-bare", "yes"); // starts matching: the apiserver sends ADDED
    await label("sel-in", null); // stops matching: DELETED
    await setData("sel-out", { ignored: "yes" });
    await cm("sel-late", {}, { "ferry.dev/watched": "yes" });
    await waitUntil("four events", () => events.length >= 4, { timeoutMs: 10_000 });
    assert.deepEqual(events, ["add sel-in", "add sel-bare", "delete sel-in", "add sel-late"]);
    assert.deepEqual(informer.list().map((o) => o.metadata?.name).sort(), ["sel-bare", "sel-late"]);
    await informer.stop();
  });

  test("a cluster-wide Secret informer with a field selector and a transform keeps no secret data", async () => {
    interface Secret extends KubeObject {
      data?: Record<string, string>;
      type?: string;
    }
    const informer = start(
      new Informer<Secret>({
        kubeConfig: kc,
        path: "/api/v1/secrets",
        fieldSelector: `metadata.namespace=${ns.name}`,
        // Keep what a controller needs to find its Secrets, drop the payload and the managedFields bulk.
        transform: ({ data: _data, ...rest }) => ({ ...rest, metadata: { ...rest.metadata, managedFields: undefined } }),
        backoff: fastBackoff,
      }),
    );
    const seen: Secret[] = [];
    informer.addEventHandler({ add: (s) => seen.push(s), update: (_o, n) => seen.push(n) });
    await core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: "sec-1" }, stringData: { password: "CANARY-before-sync" } } });
    await informer.waitForSync(AbortSignal.timeout(30_000));
    await waitUntil("the watch to open", () => informer.watching, { timeoutMs: 10_000 });
    await core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: "sec-2" }, stringData: { password: "CANARY-after-sync" } } });
    await core.patchNamespacedSecret(
      { namespace: ns.name, name: "sec-1", body: { stringData: { password: "CANARY-changed" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    await waitUntil("sec-2 and the update", () => seen.filter((s) => s.metadata?.name?.startsWith("sec-")).length >= 3, { timeoutMs: 10_000 });
    assert.ok(informer.list().every((s) => s.metadata?.namespace === ns.name), "the field selector holds");
    assert.deepEqual(informer.list().map((s) => s.metadata?.name).filter((n) => n?.startsWith("sec-")).sort(), ["sec-1", "sec-2"]);
    assert.equal(informer.get(ns.name, "sec-1")?.type, "Opaque");
    for (const s of [...informer.list(), ...seen]) assert.equal(s.data, undefined, "no data kept or handed out");
    await informer.stop();
  });
});
