import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock, settle } from "./clock.ts";
import { objectKey } from "./informer.ts";
import type { KubeObject } from "./list-watcher.ts";
import { NamespacedWatchPool } from "./namespaced-watch-pool.ts";
import { FakeListWatcher, type FakeObject } from "./testing/fake-list-watcher.ts";

/** What the pool keeps of an object in these tests: identity and the number of data keys. */
interface Kept extends KubeObject {
  keys: number;
}

const keep = (o: KubeObject): Kept => {
  const { namespace, name, resourceVersion } = o.metadata ?? {};
  return { metadata: { ...(namespace ? { namespace } : {}), ...(name ? { name } : {}), ...(resourceVersion ? { resourceVersion } : {}) }, keys: Object.keys((o as FakeObject).data ?? {}).length };
};

/** A pool over one fake apiserver per namespace; records every handler call and every informer it creates. */
function setup() {
  const clock = new FakeClock();
  const apis = new Map<string, FakeListWatcher>();
  const created: string[] = [];
  const events: string[] = [];
  const pool = new NamespacedWatchPool<Kept>({
    name: "test objects",
    pathOf: (ns) => `/api/v1/namespaces/${ns}/configmaps`,
    transform: keep,
    handlers: {
      listed: (o) => events.push(`listed ${objectKey(o)} keys=${o.keys}`),
      add: (o) => events.push(`add ${objectKey(o)} keys=${o.keys}`),
      update: (before, after) => events.push(`update ${objectKey(after)} keys=${before.keys}->${after.keys}`),
      delete: (o) => events.push(`delete ${objectKey(o)}`),
      synced: (ns) => events.push(`synced ${ns}`),
    },
    listWatcherOf: (ns) => {
      created.push(ns);
      let api = apis.get(ns);
      if (!api) apis.set(ns, (api = new FakeListWatcher()));
      return api;
    },
    informer: { clock, random: () => 0.5, backoff: { initialMs: 1_000, maxMs: 8_000, jitter: 0 } },
  });
  const api = (ns: string) => {
    let a = apis.get(ns);
    if (!a) apis.set(ns, (a = new FakeListWatcher()));
    return a;
  };
  return { pool, api, created, events, clock };
}

type Op = ["retain" | "release", string, string];

describe("NamespacedWatchPool", () => {
  // Each case: retain/release calls after start; then which namespaces are watched (an open watch on the fake
  // apiserver) and how many informers were created per namespace (a re-retain after the last release relists).
  const cases: Array<{ name: string; ops: Op[]; watched: string[]; created: string[] }> = [
    { name: "the first user starts a namespace's watch", ops: [["retain", "a", "u1"]], watched: ["a"], created: ["a"] },
    { name: "a second user shares it", ops: [["retain", "a", "u1"], ["retain", "a", "u2"]], watched: ["a"], created: ["a"] },
    { name: "one watch per namespace", ops: [["retain", "a", "u1"], ["retain", "b", "u1"]], watched: ["a", "b"], created: ["a", "b"] },
    { name: "the last user's release stops it", ops: [["retain", "a", "u1"], ["retain", "a", "u2"], ["release", "a", "u1"], ["release", "a", "u2"]], watched: [], created: ["a"] },
    { name: "a release that leaves a user keeps it", ops: [["retain", "a", "u1"], ["retain", "a", "u2"], ["release", "a", "u1"]], watched: ["a"], created: ["a"] },
    { name: "retaining twice counts once", ops: [["retain", "a", "u1"], ["retain", "a", "u1"], ["release", "a", "u1"]], watched: [], created: ["a"] },
    { name: "releasing an unknown user or namespace is a no-op", ops: [["release", "b", "u1"], ["retain", "a", "u1"], ["release", "a", "u9"]], watched: ["a"], created: ["a"] },
    { name: "a namespace retained again after its last release starts a new watch", ops: [["retain", "a", "u1"], ["release", "a", "u1"], ["retain", "a", "u2"]], watched: ["a"], created: ["a", "a"] },
  ];
  for (const c of cases) {
    test(`reference counting: ${c.name}`, async () => {
      const h = setup();
      h.pool.start();
      for (const [op, ns, user] of c.ops) {
        h.pool[op](ns, user);
        await settle();
      }
      await settle();
      const watched = ["a", "b"].filter((ns) => h.api(ns).watching);
      assert.deepEqual(watched, c.watched);
      assert.deepEqual(h.created, c.created);
      assert.equal(h.pool.size.namespaces, c.watched.length);
      await h.pool.stop();
    });
  }

  test("nothing is listed before start; start lists the namespaces retained so far, later ones as retained; stop ends all", async () => {
    const h = setup();
    h.api("a").put("a", "x");
    h.api("b").put("b", "y", { k: "v" });
    h.pool.retain("a", "u1");
    await settle();
    assert.equal(h.api("a").lists.length, 0, "not listed before start");
    assert.equal(h.pool.synced("a"), false);
    h.pool.start();
    await settle();
    assert.equal(h.api("a").lists.length, 1);
    assert.equal(h.pool.synced("a"), true);
    h.pool.retain("b", "u1");
    await settle();
    assert.equal(h.api("b").lists.length, 1, "retained after start: listed at once");
    assert.deepEqual(h.pool.size, { namespaces: 2, objects: 2 });
    await h.pool.stop();
    assert.equal(h.api("a").watching || h.api("b").watching, false);
    assert.deepEqual(h.pool.size, { namespaces: 0, objects: 0 });
    assert.equal(h.pool.synced("a"), false);
  });

  test("objects are transformed on the way into the cache and to handlers; a namespace's list is its own", async () => {
    const h = setup();
    h.api("a").put("a", "x", { one: "1", two: "2" });
    h.api("b").put("b", "y");
    h.pool.start();
    h.pool.retain("a", "u1");
    h.pool.retain("b", "u1");
    await settle();
    assert.deepEqual(h.pool.list("a"), [{ metadata: { namespace: "a", name: "x", resourceVersion: "rv-0001" }, keys: 2 }]);
    assert.deepEqual(h.pool.list("b").map(objectKey), ["b/y"]);
    assert.deepEqual(h.pool.list("c"), [], "an unwatched namespace has nothing");
    assert.deepEqual(h.events.sort(), ["listed a/x keys=2", "listed b/y keys=0", "synced a", "synced b"]);
    await h.pool.stop();
  });

  test("the first LIST's objects are `listed`, not `add`; changes after it are add, update and delete", async () => {
    const h = setup();
    const api = h.api("ns");
    api.put("ns", "old", { k: "v" });
    h.pool.start();
    h.pool.retain("ns", "u1");
    await settle();
    api.put("ns", "new");
    api.put("ns", "old", { k: "v", k2: "v2" });
    api.remove("ns", "new");
    assert.deepEqual(h.events, ["listed ns/old keys=1", "synced ns", "add ns/new keys=0", "update ns/old keys=1->2", "delete ns/new"]);
    await h.pool.stop();
  });

  test("a namespace retained again after its last release lists again: its objects are `listed` again, not added", async () => {
    const h = setup();
    h.api("ns").put("ns", "x");
    h.pool.start();
    h.pool.retain("ns", "u1");
    await settle();
    h.pool.release("ns", "u1");
    await settle();
    h.pool.retain("ns", "u2");
    await settle();
    assert.deepEqual(h.events, ["listed ns/x keys=0", "synced ns", "listed ns/x keys=0", "synced ns"]);
    await h.pool.stop();
  });

  test("a failing first LIST is retried with backoff and its objects are still `listed`", async () => {
    const h = setup();
    const api = h.api("ns");
    api.put("ns", "x");
    api.listErrors.push(Object.assign(new Error("Service Unavailable"), { statusCode: 503 }));
    h.pool.start();
    h.pool.retain("ns", "u1");
    await settle();
    assert.equal(h.pool.synced("ns"), false);
    assert.deepEqual(h.events, []);
    await h.clock.advanceAsync(1_000);
    assert.equal(api.lists.length, 2);
    assert.equal(h.pool.synced("ns"), true);
    assert.deepEqual(h.events, ["listed ns/x keys=0", "synced ns"]);
    await h.pool.stop();
  });

  test("a relist after 410 Gone hands out only the real differences, a new object as `add` (KES #190)", async () => {
    const h = setup();
    const api = h.api("ns");
    for (const n of ["a", "b", "c"]) api.put("ns", n);
    h.pool.start();
    h.pool.retain("ns", "u1");
    await settle();
    h.events.length = 0;
    api.put("ns", "d", {}, true);
    api.remove("ns", "a", true);
    api.put("ns", "c", { k: "v" }, true);
    api.event("ERROR", { kind: "Status", code: 410, reason: "Expired" });
    await h.clock.advanceAsync(1_000);
    assert.equal(api.lists.length, 2, "the first list and one relist");
    assert.deepEqual(h.events.sort(), ["add ns/d keys=0", "delete ns/a", "update ns/c keys=0->1"]);
    assert.deepEqual(h.pool.list("ns").map(objectKey).sort(), ["ns/b", "ns/c", "ns/d"]);
    await h.pool.stop();
  });

  test("waitForSync: true once the namespace listed; false when unwatched, released before its list, or aborted", async () => {
    const h = setup();
    h.api("ns").put("ns", "x");
    h.api("slow").listErrors.push(new Error("down"));
    assert.equal(await h.pool.waitForSync("ns"), false, "not retained");
    h.pool.retain("ns", "u1");
    const waiting = h.pool.waitForSync("ns");
    h.pool.start();
    assert.equal(await waiting, true, "waits for start, then the list");
    assert.equal(await h.pool.waitForSync("ns"), true, "already listed");

    h.pool.retain("slow", "u1");
    const released = h.pool.waitForSync("slow");
    h.pool.release("slow", "u1");
    assert.equal(await released, false);
    h.api("slow").listErrors.push(new Error("down"));
    h.pool.retain("slow", "u2");
    const aborter = new AbortController();
    const aborted = h.pool.waitForSync("slow", aborter.signal);
    aborter.abort();
    assert.equal(await aborted, false);
    assert.ok(!h.events.includes("synced slow"));
    await h.pool.stop();
  });

  test("needs a kubeConfig or a listWatcherOf", () => {
    assert.throws(() => new NamespacedWatchPool({ name: "x", pathOf: () => "/x", transform: (o) => o, handlers: {} }), /kubeConfig or a listWatcherOf/);
  });
});
