import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { InformerHandlers } from "./informer.ts";
import { controllerOwnerOf, InformerIndex } from "./informer-index.ts";
import type { KubeObject } from "./list-watcher.ts";

/** An event source that records the handlers, to drive them by hand. */
class Events {
  handlers: InformerHandlers<KubeObject>[] = [];
  addEventHandler(h: InformerHandlers<KubeObject>) {
    this.handlers.push(h);
    return () => {};
  }
  add(o: KubeObject) {
    for (const h of this.handlers) h.add?.(o);
  }
  update(a: KubeObject, b: KubeObject) {
    for (const h of this.handlers) h.update?.(a, b);
  }
  delete(o: KubeObject) {
    for (const h of this.handlers) h.delete?.(o);
  }
}

const owned = (namespace: string, name: string, owner?: string, controller = true): KubeObject =>
  ({ metadata: { namespace, name, ownerReferences: owner ? [{ apiVersion: "external-secrets.io/v1", kind: "ClusterExternalSecret", name: owner, uid: "u", controller }] : [] } });
const names = (objs: KubeObject[]) => objs.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`).sort();

describe("InformerIndex (by controller owner)", () => {
  test("objects are found by their controller, across namespaces, without scanning", () => {
    const events = new Events();
    const index = new InformerIndex(events, controllerOwnerOf);
    events.add(owned("a", "es", "shared"));
    events.add(owned("b", "es", "shared"));
    events.add(owned("c", "es", "other"));
    events.add(owned("d", "es"));
    events.add(owned("e", "es", "shared", false));
    assert.deepEqual(names(index.byIndex("ClusterExternalSecret/shared")), ["a/es", "b/es"]);
    assert.deepEqual(names(index.byIndex("ClusterExternalSecret/other")), ["c/es"]);
    assert.deepEqual(index.byIndex("ClusterExternalSecret/none"), []);
  });

  test("an update that changes the owner moves the object; a delete removes it; empty values are dropped", () => {
    const events = new Events();
    const index = new InformerIndex(events, controllerOwnerOf);
    const before = owned("a", "es", "one");
    events.add(before);
    const after = owned("a", "es", "two");
    events.update(before, after);
    assert.deepEqual(index.byIndex("ClusterExternalSecret/one"), []);
    assert.deepEqual(index.byIndex("ClusterExternalSecret/two"), [after]);
    events.delete(after);
    assert.deepEqual(index.byIndex("ClusterExternalSecret/two"), []);
    assert.equal(index.size, 0, "no empty buckets left behind");
  });
});
