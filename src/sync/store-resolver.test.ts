import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Informer } from "../runtime/informer.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import { StoreResolver } from "./store-resolver.ts";

/** An informer cache holding whatever object the test puts there. */
function cacheOf(objects: Map<string, KubeObject>): Informer<KubeObject> {
  return { get: (namespace: string | undefined, name: string) => objects.get(`${namespace ?? ""}/${name}`) } as unknown as Informer<KubeObject>;
}

const store = (region: string): KubeObject =>
  ({
    metadata: { name: "aws", namespace: "app", uid: "store-uid", generation: 1 },
    spec: { provider: { aws: { service: "SecretsManager", region } } },
  }) as KubeObject;

describe("StoreResolver", () => {
  test("a store is parsed once per cached object, and again when the informer replaces it", () => {
    const objects = new Map([["app/aws", store("us-east-1")]]);
    const resolver = new StoreResolver({ secretStores: cacheOf(objects), clusterSecretStores: cacheOf(new Map()), capabilities: "ReadOnly" });
    const first = resolver.lookup("SecretStore", "app", "aws");
    const second = resolver.lookup("SecretStore", "app", "aws");
    assert.ok("store" in first && "store" in second);
    assert.equal(second.store, first.store, "the same cached object is not parsed again");

    objects.set("app/aws", store("eu-west-1"));
    const changed = resolver.lookup("SecretStore", "app", "aws");
    assert.ok("store" in changed);
    assert.notEqual(changed.store, first.store);
    assert.equal(changed.store.spec.provider.aws?.region, "eu-west-1");
  });

  test("an invalid store stays invalid from the cache of parses, with its reason", () => {
    const bad = { metadata: { name: "aws", namespace: "app" }, spec: { provider: { aws: { service: "Nope", region: "us-east-1" } } } } as KubeObject;
    const resolver = new StoreResolver({ secretStores: cacheOf(new Map([["app/aws", bad]])), clusterSecretStores: cacheOf(new Map()), capabilities: "ReadOnly" });
    for (let i = 0; i < 2; i++) {
      const found = resolver.lookup("SecretStore", "app", "aws");
      assert.ok("error" in found && found.reason === "Invalid", JSON.stringify(found));
    }
  });
});
