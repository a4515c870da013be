import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Registry } from "prom-client";
import type { Informer } from "../runtime/informer.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import { createLogger } from "../runtime/logger.ts";
import { Writable } from "node:stream";
import { ChangeEventMetrics } from "./change-event-metrics.ts";
import { ChangeEvents } from "./change-events.ts";
import * as ev from "./testdata/events.ts";

/** Just enough of an informer: objects by namespace/name, handlers replayed on add. */
function cache(objects: KubeObject[]): Informer<KubeObject> {
  const fake = {
    get: (namespace: string | undefined, name: string) => objects.find((o) => (o.metadata?.namespace ?? undefined) === namespace && o.metadata?.name === name),
    list: () => objects,
    addEventHandler: (h: { add?: (o: KubeObject) => void }) => {
      for (const o of objects) h.add?.(o);
      return () => undefined;
    },
  };
  return fake as unknown as Informer<KubeObject>;
}

const es = (name: string, key: string): KubeObject =>
  ({ metadata: { namespace: "team-a", name }, spec: { refreshInterval: "1h", secretStoreRef: { name: "sm" }, data: [{ secretKey: "v", remoteRef: { key } }] } }) as KubeObject;

function setup() {
  const refreshed: string[] = [];
  const lines: string[] = [];
  const registry = new Registry();
  const logger = createLogger({ level: "debug", destination: new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }) });
  const changeEvents = new ChangeEvents({
    queues: [],
    sync: {
      externalSecrets: cache([es("db", "MyTestSecret"), es("other", "unrelated")]),
      secretStores: cache([{ metadata: { namespace: "team-a", name: "sm" }, spec: { provider: { aws: { service: "SecretsManager", region: "us-west-2" } } } } as KubeObject]),
      clusterSecretStores: cache([]),
      refreshChanged: (r) => refreshed.push(`${r.namespace}/${r.name}`),
    },
    credentials: () => {
      throw new Error("no AWS in this test");
    },
    timeouts: { connectMs: 1, requestMs: 1 },
    logger,
    metrics: new ChangeEventMetrics(registry),
  });
  return { changeEvents, refreshed, lines, registry };
}

const value = async (registry: Registry, name: string, labels: Record<string, string> = {}) =>
  (await registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;

describe("ChangeEvents.handle", () => {
  test("an event refreshes exactly its readers and is counted", async () => {
    const { changeEvents, refreshed, registry } = setup();
    assert.equal(changeEvents.handle("q", JSON.stringify(ev.putSecretValue)), "matched");
    assert.deepEqual(refreshed, ["team-a/db"]);
    assert.equal(await value(registry, "ferry_change_events_received_total", { queue: "q" }), 1);
    assert.equal(await value(registry, "ferry_change_events_matched_total", { service: "SecretsManager" }), 1);
    assert.equal(await value(registry, "ferry_change_events_enqueued_externalsecrets_total"), 1);
  });

  test("unread, ignored and malformed messages refresh nothing and are counted by reason; the body is never logged", async () => {
    const { changeEvents, refreshed, lines, registry } = setup();
    assert.equal(changeEvents.handle("q", JSON.stringify({ ...ev.putSecretValue, region: "eu-west-1" })), "unmatched");
    assert.equal(changeEvents.handle("q", JSON.stringify(ev.getSecretValue)), "ignored");
    assert.equal(changeEvents.handle("q", '{"CANARY-body-31c7'), "malformed");
    assert.deepEqual(refreshed, []);
    for (const reason of ["unread", "ignored", "malformed"]) assert.equal(await value(registry, "ferry_change_events_ignored_total", { reason }), 1, reason);
    assert.ok(lines.some((l) => l.includes("malformed change event dropped")));
    assert.ok(!lines.some((l) => l.includes("CANARY")));
  });
});
