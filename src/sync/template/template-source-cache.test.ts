import assert from "node:assert/strict";
import { test } from "node:test";
import { Informer } from "../../runtime/informer.ts";
import type { KubeObject, ListWatcher } from "../../runtime/list-watcher.ts";
import { silentLogger } from "../../runtime/logger.ts";
import { TemplateSourceCache, type SourceKind } from "./template-source-cache.ts";

/** One object's list/watch, as the apiserver answers a name field selector; `emit` sends a watch event. */
function fakeObject(initial: KubeObject | undefined) {
  let onEvent: ((type: string, obj: unknown) => void) | undefined;
  const lw: ListWatcher = {
    list: async () => ({ items: initial ? [initial] : [], resourceVersion: "1" }),
    watch: async (_o, handler) => {
      onEvent = handler;
      return { abort: () => undefined };
    },
  };
  return { lw, emit: (type: string, obj: KubeObject) => onEvent?.(type, obj) };
}

const cm = (name: string, rv: string, data: Record<string, string>): KubeObject => ({ metadata: { name, namespace: "ns", resourceVersion: rv }, data } as KubeObject);

function harness(options: { maxWatches?: number; objects?: Record<string, KubeObject | undefined> } = {}) {
  const started: string[] = [];
  const gets: string[] = [];
  const changed: string[][] = [];
  const fakes = new Map<string, ReturnType<typeof fakeObject>>();
  const cache = new TemplateSourceCache({
    logger: silentLogger,
    maxWatches: options.maxWatches,
    onChange: (users) => changed.push([...users].sort()),
    watch: (kind: SourceKind, namespace, name) => {
      const key = `${kind}/${namespace}/${name}`;
      started.push(key);
      const fake = fakeObject(options.objects?.[key]);
      fakes.set(key, fake);
      return new Informer<KubeObject>({ path: `/x/${key}`, listWatcher: fake.lw });
    },
    get: async (kind, namespace, name) => {
      gets.push(`${kind}/${namespace}/${name}`);
      return options.objects?.[`${kind}/${namespace}/${name}`];
    },
  });
  return { cache, started, gets, changed, fakes };
}

const refs = (configMaps: string[], secrets: string[] = []) => ({ configMaps, secrets });
const settle = () => new Promise((r) => setTimeout(r, 20));

test("each referenced object is watched once however many ExternalSecrets use it, and released with the last", async () => {
  const h = harness({ objects: { "ConfigMap/ns/tpl": cm("tpl", "5", { k: "v" }) } });
  h.cache.use("ns/a", "ns", refs(["tpl"]));
  h.cache.use("ns/b", "ns", refs(["tpl"]));
  assert.deepEqual(h.started, ["ConfigMap/ns/tpl"]);
  assert.equal(h.cache.watched, 1);
  h.cache.forget("ns/a");
  assert.equal(h.cache.watched, 1);
  h.cache.use("ns/b", "ns", refs([]));
  assert.equal(h.cache.watched, 0);
  await h.cache.stop();
});

test("reads come from the watch once synced; a change tells every user; the fingerprint follows resourceVersions", async () => {
  const h = harness({ objects: { "ConfigMap/ns/tpl": cm("tpl", "5", { k: "v1" }) } });
  h.cache.use("ns/a", "ns", refs(["tpl"]));
  h.cache.use("ns/b", "ns", refs(["tpl"]));
  await settle();
  const first = await h.cache.read("ns", refs(["tpl"]));
  assert.deepEqual(h.gets, [], "no GET once the watch has synced");
  assert.deepEqual(first.sources.configMaps.get("tpl"), { k: "v1" });
  assert.equal(h.cache.fingerprint("ns", refs(["tpl"])), first.fingerprint);
  h.changed.length = 0;
  h.fakes.get("ConfigMap/ns/tpl")!.emit("MODIFIED", cm("tpl", "6", { k: "v2" }));
  assert.deepEqual(h.changed, [["ns/a", "ns/b"]]);
  assert.notEqual(h.cache.fingerprint("ns", refs(["tpl"])), first.fingerprint);
  assert.deepEqual((await h.cache.read("ns", refs(["tpl"]))).sources.configMaps.get("tpl"), { k: "v2" });
  await h.cache.stop();
});

test("a missing object reads as absent; Secret data is decoded from base64", async () => {
  const secret = { metadata: { name: "s", namespace: "ns", resourceVersion: "2" }, data: { t: Buffer.from("{{ .x }}").toString("base64") } } as KubeObject;
  const h = harness({ objects: { "Secret/ns/s": secret } });
  const out = await h.cache.read("ns", refs(["gone"], ["s"]));
  assert.equal(out.sources.configMaps.has("gone"), false);
  assert.equal(Buffer.from(out.sources.secrets.get("s")!.t!).toString(), "{{ .x }}");
  assert.equal(out.fingerprint, "ConfigMap/ns/gone@-,Secret/ns/s@2");
  assert.deepEqual(h.gets, ["ConfigMap/ns/gone", "Secret/ns/s"], "not watched: one GET each");
});

test("bounded: past maxWatches objects are read with a GET and have no fingerprint (a change waits for the refresh)", async () => {
  const h = harness({ maxWatches: 1, objects: { "ConfigMap/ns/a": cm("a", "1", {}), "ConfigMap/ns/b": cm("b", "1", {}) } });
  h.cache.use("ns/x", "ns", refs(["a", "b"]));
  await settle();
  assert.equal(h.cache.watched, 1);
  assert.equal(h.cache.fingerprint("ns", refs(["a", "b"])), undefined);
  await h.cache.read("ns", refs(["a", "b"]));
  assert.deepEqual(h.gets, ["ConfigMap/ns/b"]);
  await h.cache.stop();
});
