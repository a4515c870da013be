import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { StoreCache, type Disposables } from "./store-cache.ts";

function tracked() {
  const destroyed: string[] = [];
  const disposables = (name: string): Disposables => [{ destroy: () => destroyed.push(name) }];
  return { destroyed, disposables };
}

describe("StoreCache", () => {
  test("a hit returns the cached value; the key separates referent namespaces", () => {
    const cache = new StoreCache<string>(10);
    const store = { uid: "u", generation: 1 };
    cache.set(StoreCache.key(store, undefined), store, "shared", []);
    cache.set(StoreCache.key(store, "ns-a"), store, "for-a", []);
    assert.equal(cache.get(StoreCache.key(store, undefined)), "shared");
    assert.equal(cache.get(StoreCache.key(store, "ns-a")), "for-a");
    assert.equal(cache.get(StoreCache.key(store, "ns-b")), undefined);
  });

  test("a new generation drops (and disposes) the store's older entries only", () => {
    const { destroyed, disposables } = tracked();
    const cache = new StoreCache<string>(10);
    cache.set(StoreCache.key({ uid: "u", generation: 1 }, undefined), { uid: "u", generation: 1 }, "old", disposables("old"));
    cache.set(StoreCache.key({ uid: "other", generation: 1 }, undefined), { uid: "other", generation: 1 }, "other", disposables("other"));
    cache.set(StoreCache.key({ uid: "u", generation: 2 }, undefined), { uid: "u", generation: 2 }, "new", disposables("new"));
    assert.deepEqual(destroyed, ["old"]);
    assert.equal(cache.size, 2);
  });

  test("least recently used is evicted first, and disposed", () => {
    const { destroyed, disposables } = tracked();
    const cache = new StoreCache<string>(2);
    const s = (uid: string) => ({ uid, generation: 1 });
    cache.set(StoreCache.key(s("a"), undefined), s("a"), "a", disposables("a"));
    cache.set(StoreCache.key(s("b"), undefined), s("b"), "b", disposables("b"));
    cache.get(StoreCache.key(s("a"), undefined)); // a is now the most recent
    cache.set(StoreCache.key(s("c"), undefined), s("c"), "c", disposables("c"));
    assert.deepEqual(destroyed, ["b"]);
  });

  test("forgetStore and close dispose what they drop", () => {
    const { destroyed, disposables } = tracked();
    const cache = new StoreCache<string>(10);
    cache.set(StoreCache.key({ uid: "a", generation: 1 }, undefined), { uid: "a", generation: 1 }, "a", disposables("a"));
    cache.set(StoreCache.key({ uid: "b", generation: 1 }, undefined), { uid: "b", generation: 1 }, "b", disposables("b"));
    cache.forgetStore("a");
    assert.deepEqual(destroyed, ["a"]);
    cache.close();
    assert.deepEqual(destroyed, ["a", "b"]);
    assert.equal(cache.size, 0);
  });
});
