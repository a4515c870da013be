import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock, settle } from "./clock.ts";
import { DEFAULT_WATCH_STALL_MS, Informer, objectKey } from "./informer.ts";
import { informerHealth, resourceOfPath } from "./informer-health.ts";
import type { ListWatcher } from "./list-watcher.ts";
import { FakeListWatcher as FakeApi, type FakeObject as Obj } from "./testing/fake-list-watcher.ts";

function recorder(informer: Informer<Obj>): string[] {
  const events: string[] = [];
  informer.addEventHandler({
    add: (o) => events.push(`add ${objectKey(o)}`),
    update: (o, n) => events.push(`update ${objectKey(n)} ${o.metadata?.resourceVersion}->${n.metadata?.resourceVersion}`),
    delete: (o) => events.push(`delete ${objectKey(o)}`),
  });
  return events;
}

function setup(api: FakeApi, extra: Partial<ConstructorParameters<typeof Informer<Obj>>[0]> = {}) {
  const clock = new FakeClock();
  const informer = new Informer<Obj>({
    path: "/api/v1/configmaps",
    listWatcher: api,
    clock,
    random: () => 0.5,
    pageSize: 2,
    backoff: { initialMs: 1_000, maxMs: 8_000, jitter: 0 },
    ...extra,
  });
  const events = recorder(informer);
  return { clock, informer, events };
}

describe("Informer", () => {
  test("paginated list fills the store, emits adds, syncs, then watches from the list's resourceVersion", async () => {
    const api = new FakeApi();
    api.put("a", "one");
    api.put("a", "two");
    api.put("b", "three");
    api.put("b", "four");
    api.put("c", "five");
    const { informer, events } = setup(api);
    assert.equal(informer.hasSynced, false);
    informer.start();
    await informer.waitForSync();
    assert.equal(api.lists.length, 3, "5 objects in pages of 2");
    assert.deepEqual(api.lists.map((l) => l.continue), [undefined, "page-2", "page-4"]);
    assert.deepEqual(events, ["add a/one", "add a/two", "add b/four", "add b/three", "add c/five"]);
    assert.equal(informer.size, 5);
    assert.deepEqual(informer.list("b").map((o) => o.metadata?.name).sort(), ["four", "three"]);
    assert.equal(informer.list().length, 5);
    assert.equal(informer.get("a", "one")?.kind, "ConfigMap", "kind filled from the list kind");
    assert.equal(informer.get("a", "one")?.apiVersion, "v1");
    assert.equal(informer.get("a", "missing"), undefined);
    await settle();
    assert.deepEqual(api.watches, [{ resourceVersion: "rv-0005", timeoutSeconds: 450 }]);
    await informer.stop();
  });

  test("an expired continue token restarts the paginated list from the start", async () => {
    const api = new FakeApi();
    for (const n of ["a", "b", "c"]) api.put("ns", n);
    api.expireContinueOnce = true;
    const { informer, events } = setup(api);
    informer.start();
    await informer.waitForSync();
    assert.deepEqual(api.lists.map((l) => l.continue), [undefined, "page-2", undefined, "page-2"]);
    assert.deepEqual(events, ["add ns/a", "add ns/b", "add ns/c"], "no duplicates from the abandoned first pass");
    await informer.stop();
  });

  test("watch events update the store; duplicates and bookmarks emit nothing", async () => {
    const api = new FakeApi();
    api.put("ns", "a");
    const { informer, events, clock } = setup(api);
    informer.start();
    await informer.waitForSync();
    await settle();
    events.length = 0;
    api.put("ns", "b");
    api.put("ns", "a", { k: "v" });
    const dup = structuredClone(api.objects.get("ns/a"));
    api.event("MODIFIED", dup); // same resourceVersion again
    clock.advance(5_000);
    api.bookmark();
    assert.equal(informer.lastEventAge, 0, "a bookmark counts as contact");
    assert.equal(informer.resourceVersion, api.rv(), "resumes from the bookmark");
    api.remove("ns", "b");
    api.event("DELETED", { metadata: { namespace: "ns", name: "never-seen", resourceVersion: "x" } });
    api.event("WEIRD", {});
    assert.deepEqual(events, ["add ns/b", "update ns/a rv-0001->rv-0003", "delete ns/b"]);
    assert.deepEqual(informer.get("ns", "a")?.data, { k: "v" });
    assert.equal(informer.get("ns", "b"), undefined);
    clock.advance(1_000);
    assert.equal(informer.lastEventAge, 1_000);
    await informer.stop();
  });

  test("a cut watch resumes from the last resourceVersion after backoff, emitting only the gap's changes", async () => {
    const api = new FakeApi();
    api.put("ns", "keep");
    api.put("ns", "gone-later");
    const { informer, events, clock } = setup(api);
    informer.start();
    await informer.waitForSync();
    await settle();
    events.length = 0;
    api.bookmark();
    const resumeFrom = api.rv();
    api.end(new Error("socket hang up"));
    // Changes while disconnected; the resumed watch (from resumeFrom) replays them, as the apiserver does.
    api.put("ns", "new", {}, true);
    api.remove("ns", "gone-later", true);
    await settle();
    assert.equal(api.watches.length, 1, "no reconnect before the backoff");
    await clock.advanceAsync(1_000);
    assert.equal(api.watches.length, 2);
    assert.equal(api.watches[1]!.resourceVersion, resumeFrom);
    assert.equal(api.lists.length, 1, "a cut is not a relist");
    api.event("ADDED", structuredClone(api.objects.get("ns/new")));
    api.event("DELETED", { metadata: { namespace: "ns", name: "gone-later", resourceVersion: api.rv() } });
    assert.deepEqual(events, ["add ns/new", "delete ns/gone-later"]);
    assert.ok(informer.get("ns", "keep"));
    await informer.stop();
  });

  for (const [how, goneBy] of [
    ["an ERROR event with code 410", (api: FakeApi) => api.event("ERROR", { kind: "Status", code: 410, reason: "Expired" })],
    ["HTTP 410", (api: FakeApi) => api.watchErrors.push(Object.assign(new Error("Gone"), { statusCode: 410 }))],
  ] as const) {
    test(`410 Gone by ${how}: relists and emits only the real difference (KES #190)`, async () => {
      const api = new FakeApi();
      for (const n of ["a", "b", "c", "d", "e"]) api.put("ns", n);
      const { informer, events, clock } = setup(api);
      informer.start();
      await informer.waitForSync();
      await settle();
      events.length = 0;
      // While the watch is down, one object is created, one deleted, one modified; the rest is untouched.
      api.put("ns", "f", {}, true);
      api.remove("ns", "b", true);
      api.put("ns", "c", { changed: "yes" }, true);
      goneBy(api);
      api.end(new Error("cut")); // a no-op after the ERROR event, which already ended the stream
      await clock.advanceAsync(1_000);
      assert.equal(api.lists.length, 6, "the initial list and one relist, 3 pages each");
      assert.deepEqual(events.sort(), ["add ns/f", "delete ns/b", "update ns/c rv-0003->rv-0008"]);
      assert.deepEqual(informer.list().map(objectKey).sort(), ["ns/a", "ns/c", "ns/d", "ns/e", "ns/f"]);
      assert.equal(informer.size, 5);
      assert.equal(api.watches.at(-1)!.resourceVersion, api.rv(), "watches again from the relist");
      await informer.stop();
    });
  }

  test("a server that answers every watch with 410 gets relists with escalating backoff, not a hot loop", async () => {
    const api = new FakeApi();
    api.put("ns", "a");
    for (let i = 0; i < 5; i++) api.watchErrors.push(Object.assign(new Error("Gone"), { statusCode: 410 }));
    const { informer, clock, events } = setup(api);
    informer.start();
    await informer.waitForSync();
    const listAt: number[] = [];
    const start = clock.now();
    for (let i = 0; i < 40; i++) {
      const before = api.lists.length;
      await clock.advanceAsync(500);
      if (api.lists.length > before) listAt.push(clock.now() - start);
    }
    // First 410: relist at once (seen at the first 500 ms step); then 1, 2, 4, 8 s apart.
    assert.deepEqual(listAt, [500, 1_000, 3_000, 7_000, 15_000]);
    assert.deepEqual(events, ["add ns/a"], "relists of an unchanged collection emit nothing");
    assert.ok(api.watching);
    await informer.stop();
  });

  test("LIST and watch failures are retried forever with capped backoff", async () => {
    const api = new FakeApi();
    api.put("ns", "a");
    for (let i = 0; i < 6; i++) api.listErrors.push(Object.assign(new Error("Service Unavailable"), { statusCode: 503 }));
    const { informer, clock } = setup(api);
    informer.start();
    await settle();
    const listAt: number[] = [];
    const start = clock.now();
    for (let i = 0; i < 100 && !informer.hasSynced; i++) {
      const before = api.lists.length;
      await clock.advanceAsync(500);
      if (api.lists.length > before) listAt.push(clock.now() - start);
    }
    assert.ok(informer.hasSynced);
    // Failures at t=0, then retries after 1, 2, 4, 8, 8, 8 s (cap 8 s); the 7th attempt succeeds.
    assert.deepEqual(listAt, [1_000, 3_000, 7_000, 15_000, 23_000, 31_000]);

    // A watch that fails at once backs off too, from where it stopped.
    await settle();
    api.watchErrors.push(new Error("connect ECONNREFUSED"), new Error("connect ECONNREFUSED"));
    api.end(new Error("cut"));
    await settle();
    const before = api.watches.length;
    await clock.advanceAsync(1_000);
    await clock.advanceAsync(2_000);
    await clock.advanceAsync(4_000);
    assert.equal(api.watches.length, before + 3, "two refused, the third opens");
    assert.ok(api.watching);
    await informer.stop();
  });

  test("a watch that closes cleanly after being healthy reconnects at once; instant clean closes back off", async () => {
    const api = new FakeApi();
    const { informer, clock } = setup(api);
    informer.start();
    await informer.waitForSync();
    await settle();
    await clock.advanceAsync(300_000);
    api.end(null); // the server's timeoutSeconds
    await settle();
    assert.equal(api.watches.length, 2);
    api.end(null); // closed instantly
    await settle();
    assert.equal(api.watches.length, 2);
    await clock.advanceAsync(1_000);
    assert.equal(api.watches.length, 3);
    await informer.stop();
  });

  for (const [how, wrap] of [
    ["an open stream that sends nothing and never ends", (api: FakeApi): ListWatcher => api],
    [
      "a watch request that never gets an answer",
      (api: FakeApi): ListWatcher => {
        let hung = false;
        return {
          list: (options, signal) => api.list(options, signal),
          watch: (options, onEvent, onDone) => {
            if (hung) return api.watch(options, onEvent, onDone);
            hung = true;
            api.watches.push(options);
            return new Promise(() => {});
          },
        };
      },
    ],
  ] as const) {
    test(`stall guard, ${how}: restarted from the last resourceVersion after 5 min of silence, nothing relisted or deleted`, async () => {
      const api = new FakeApi();
      for (const n of ["a", "b", "c"]) api.put("ns", n);
      const { informer, events, clock } = setup(api, { listWatcher: wrap(api) });
      informer.start();
      await informer.waitForSync();
      await settle();
      events.length = 0;
      const resumeFrom = informer.resourceVersion;
      const stallsBefore = informerHealth.stalls().get("configmaps") ?? 0;
      await clock.advanceAsync(DEFAULT_WATCH_STALL_MS - 1_000);
      assert.equal(api.watches.length, 1, "not restarted before the bound");
      await clock.advanceAsync(1_000);
      assert.equal(api.watches.length, 2, "restarted at the bound");
      assert.equal(api.watches[1]!.resourceVersion, resumeFrom, "from the last resourceVersion");
      assert.equal(api.lists.length, 2, "no relist: the two pages of the initial LIST only");
      assert.deepEqual(events, [], "a restart emits nothing, least of all deletes (KES #190)");
      assert.equal(informer.size, 3);
      assert.equal(informerHealth.stalls().get("configmaps"), stallsBefore + 1);
      // The new watch gets a full bound of its own.
      await clock.advanceAsync(DEFAULT_WATCH_STALL_MS - 1_000);
      assert.equal(api.watches.length, 2);
      await informer.stop();
    });
  }

  test("stall guard: bookmarks about once a minute keep a quiet watch open; the bound counts from the last one", async () => {
    const api = new FakeApi();
    api.put("ns", "a");
    const { informer, clock } = setup(api);
    informer.start();
    await informer.waitForSync();
    await settle();
    for (let minute = 0; minute < 15; minute++) {
      await clock.advanceAsync(60_000);
      api.bookmark();
    }
    assert.equal(api.watches.length, 1, "15 minutes with bookmarks: never restarted");
    await clock.advanceAsync(DEFAULT_WATCH_STALL_MS - 1);
    assert.equal(api.watches.length, 1);
    await clock.advanceAsync(1);
    assert.equal(api.watches.length, 2, "5 min after the last bookmark");
    assert.equal(api.watches[1]!.resourceVersion, api.rv(), "from the last bookmark's resourceVersion");
    await informer.stop();
  });

  test("lastEventAge is visible to the health metrics while running, per resource, and gone once stopped", async () => {
    const api = new FakeApi();
    api.put("ns", "a");
    const { informer, clock } = setup(api, { path: "/apis/external-secrets.io/v1/namespaces/team-a/externalsecrets" });
    informer.start();
    await informer.waitForSync();
    await settle();
    await clock.advanceAsync(42_000);
    assert.equal(informerHealth.lastEventAges().get("externalsecrets.external-secrets.io"), 42_000);
    await informer.stop();
    assert.equal(informerHealth.lastEventAges().has("externalsecrets.external-secrets.io"), false);
  });

  test("transform is applied before storing and before handlers", async () => {
    const api = new FakeApi();
    api.put("ns", "s", { password: "hunter2" });
    const seen: Obj[] = [];
    const { informer } = setup(api, { transform: ({ data: _drop, ...rest }) => rest });
    informer.addEventHandler({ add: (o) => seen.push(o), update: (_o, n) => seen.push(n) });
    informer.start();
    await informer.waitForSync();
    await settle();
    api.put("ns", "s", { password: "hunter3" });
    assert.equal(seen.length, 2);
    for (const o of [...seen, ...informer.list()]) assert.equal(o.data, undefined);
    await informer.stop();
  });

  test("a throwing handler does not stop other handlers or the informer", async () => {
    const api = new FakeApi();
    const { informer, events } = setup(api);
    informer.addEventHandler({
      add: () => {
        throw new Error("boom");
      },
    });
    informer.start();
    await informer.waitForSync();
    await settle();
    api.put("ns", "a");
    api.put("ns", "b");
    assert.deepEqual(events, ["add ns/a", "add ns/b"]);
    await informer.stop();
  });

  test("a handler registered late gets the existing objects replayed as adds, and can unregister", async () => {
    const api = new FakeApi();
    api.put("ns", "a");
    const { informer } = setup(api);
    informer.start();
    await informer.waitForSync();
    await settle();
    const late: string[] = [];
    const off = informer.addEventHandler({ add: (o) => late.push(objectKey(o)) });
    assert.deepEqual(late, ["ns/a"]);
    off();
    api.put("ns", "b");
    assert.deepEqual(late, ["ns/a"]);
    await informer.stop();
  });

  test("stop ends the watch and any backoff; waitForSync rejects when stopped before sync", async () => {
    const api = new FakeApi();
    api.listErrors.push(new Error("down"));
    const { informer } = setup(api);
    informer.start();
    const sync = informer.waitForSync();
    await settle();
    await informer.stop();
    await assert.rejects(sync, /stopped before it synced/);
    await assert.rejects(informer.waitForSync(), /stopped/);
    informer.start(); // no restart after stop
    assert.equal(api.lists.length, 1);

    const api2 = new FakeApi();
    const { informer: i2 } = setup(api2);
    i2.start();
    await i2.waitForSync();
    await settle();
    assert.ok(api2.watching);
    await i2.stop();
    assert.equal(api2.watching, false);
    assert.equal(i2.watching, false);
  });

  test("stop right after sync, before the watch opens, leaves no watch behind", async () => {
    const api = new FakeApi();
    const { informer } = setup(api);
    informer.start();
    await informer.waitForSync();
    await informer.stop();
    await settle();
    assert.equal(api.watching, false);
    assert.equal(api.watches.length, 0);
  });

  test("waitForSync honours an abort signal", async () => {
    const api = new FakeApi();
    api.listErrors.push(new Error("down"));
    const { informer } = setup(api);
    informer.start();
    const ac = new AbortController();
    const wait = informer.waitForSync(ac.signal);
    ac.abort(new Error("gave up"));
    await assert.rejects(wait, /gave up/);
    await informer.stop();
  });
});

describe("resourceOfPath", () => {
  for (const [path, resource] of [
    ["/api/v1/secrets", "secrets"],
    ["/api/v1/namespaces/team-a/configmaps", "configmaps"],
    ["/apis/external-secrets.io/v1/externalsecrets", "externalsecrets.external-secrets.io"],
    ["/apis/apps/v1/namespaces/team-a/deployments", "deployments.apps"],
    ["/apis/generators.external-secrets.io/v1alpha1/namespaces/x/passwords?limit=1", "passwords.generators.external-secrets.io"],
  ] as const) {
    test(`${path} → ${resource} (no namespace)`, () => assert.equal(resourceOfPath(path), resource));
  }
});
