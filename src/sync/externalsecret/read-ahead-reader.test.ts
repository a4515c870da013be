import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseExternalSecret } from "../../apis/parse.ts";
import type { ReadOutcome, RemoteSecretId, SecretsClient } from "../../providers/provider.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";
import type { ResolvedStore } from "./reconciler.ts";
import { readersOver } from "./testing/readers.ts";
import { MAX_QUEUE_KEYS_PER_READ } from "./read-ahead-reader.ts";

const NS = "app";
const STORE: ResolvedStore = { kind: "SecretStore", name: "aws", namespace: NS, uid: "store-uid", generation: 1, capabilities: "ReadOnly" };

/** An ExternalSecret reading remote key `key`, refreshInterval 1h, never synced (so due: read-ahead may pick it). */
const externalSecret = (name: string, key: string): KubeObject =>
  ({
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { namespace: NS, name, uid: `uid-${name}`, generation: 1 },
    spec: { refreshInterval: "1h", secretStoreRef: { name: "aws" }, target: { name }, data: [{ secretKey: "v", remoteRef: { key } }] },
  }) as KubeObject;

/** A provider client whose calls stay open until the test answers them, with the remote values of that moment. */
class GatedClient implements SecretsClient {
  readonly remote = new Map<string, string>();
  readonly calls: Array<{ ids: string[]; answer: () => void }> = [];

  readSecrets(ids: readonly RemoteSecretId[]): Promise<Map<string, ReadOutcome>> {
    // Values are taken when the call starts, as a provider reads them.
    const outcomes = new Map<string, ReadOutcome>(ids.map((id) => [JSON.stringify([id.key, id.version ?? "", id.metadataPolicy ?? "None"]), { ok: true, payload: { value: Buffer.from(this.remote.get(id.key) ?? ""), binary: false } }]));
    return new Promise((resolve) => this.calls.push({ ids: ids.map((id) => id.key), answer: () => resolve(outcomes) }));
  }

  async findSecrets(): Promise<never> {
    throw new Error("not used");
  }

  async validate(): Promise<never> {
    throw new Error("not used");
  }
}

const until = async (condition: () => boolean, what = "condition") => {
  // The coalescer sends its batch on a timer: wait turns of the event loop, not a duration.
  for (let i = 0; i < 1_000 && !condition(); i++) await new Promise<void>((r) => setTimeout(r, 0));
  assert.ok(condition(), `${what} not reached`);
};

function world() {
  const objects = new Map([externalSecret("a", "secret-a"), externalSecret("b", "secret-b")].map((o) => [`${NS}/${o.metadata!.name}`, o]));
  const enqueued: string[] = [];
  // The work queue has b queued (due), so a's read picks b as a companion.
  const queued = new Set([`${NS}/b`]);
  const client = new GatedClient();
  client.remote.set("secret-a", "a-1").set("secret-b", "b-1");
  const readers = readersOver([...objects.values()], {
    queue: () => ({
      *pending() {
        yield* queued;
      },
      retryState: () => undefined,
    }),
    enqueue: (r) => enqueued.push(`${r.namespace}/${r.name}`),
  });
  const es = (name: string) => parseExternalSecret(objects.get(`${NS}/${name}`));
  const valueOf = (outcomes: Map<string, ReadOutcome>) => [...outcomes.values()].map((o) => (o.ok ? Buffer.from(o.payload.value).toString() : "error")).join();
  return { readers, client, enqueued, es, valueOf };
}

describe("ReadAheadReaders and change events", () => {
  test("a batch in flight that read ahead for an ExternalSecret leaves it nothing once a change event reports its secret changed", async () => {
    const { readers, client, enqueued, es, valueOf } = world();
    // a's read goes out with b's id read ahead (b is due), and stays in flight.
    const aRead = readers.readerFor(client, STORE, { namespace: NS, name: "a" }).read([{ key: "secret-a" }]);
    await until(() => client.calls.length === 1, "first call");
    assert.deepEqual(client.calls[0]!.ids.sort(), ["secret-a", "secret-b"]);
    const bParsed = es("b");
    assert.ok(bParsed.ok);
    assert.equal(readers.hasPrefetched(bParsed.value), true, "b waits for the batch");

    // b's secret changes in AWS and its event arrives while the batch, which read the old value, is in flight.
    client.remote.set("secret-b", "b-2");
    readers.forgetPrefetched(`${NS}/b`);
    assert.equal(readers.hasPrefetched(bParsed.value), false, "b no longer waits for a batch that started before the change");
    client.calls[0]!.answer();
    assert.equal(valueOf(await aRead), "a-1");
    assert.ok(!enqueued.includes(`${NS}/b`), "the batch does not hand b its values");
    assert.equal(readers.hasPrefetched(bParsed.value), false);

    // b's own reconcile reads again, after the change: the new value.
    const bRead = readers.readerFor(client, STORE, { namespace: NS, name: "b" }).read([{ key: "secret-b" }]);
    await until(() => client.calls.length === 2, "second call");
    client.calls[1]!.answer();
    assert.equal(valueOf(await bRead), "b-2");
  });

  test("without a change event, the companion takes the values read ahead for it (no second read)", async () => {
    const { readers, client, enqueued, es, valueOf } = world();
    const aRead = readers.readerFor(client, STORE, { namespace: NS, name: "a" }).read([{ key: "secret-a" }]);
    await until(() => client.calls.length === 1, "first call");
    client.calls[0]!.answer();
    await aRead;
    assert.deepEqual(enqueued, [`${NS}/b`]);
    const bParsed = es("b");
    assert.ok(bParsed.ok && readers.hasPrefetched(bParsed.value));
    assert.equal(valueOf(await readers.readerFor(client, STORE, { namespace: NS, name: "b" }).read([{ key: "secret-b" }])), "b-1");
    assert.equal(client.calls.length, 1);
  });
});

describe("ReadAheadReaders, ClusterExternalSecret siblings and change events", () => {
  const sibling = (namespace: string): KubeObject =>
    ({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { namespace, name: "shared", uid: `uid-${namespace}`, generation: 1, ownerReferences: [{ apiVersion: "external-secrets.io/v1", kind: "ClusterExternalSecret", name: "ces", uid: "ces-uid", controller: true }] },
      spec: { refreshInterval: "1h", secretStoreRef: { kind: "ClusterSecretStore", name: "aws" }, target: { name: "shared" }, data: [{ secretKey: "v", remoteRef: { key: "secret-shared" } }] },
    }) as KubeObject;

  test("a sibling's read that started before a change event is not shared with an ExternalSecret the event named", async () => {
    const objects = new Map(["team-1", "team-2", "team-3"].map((ns) => [`${ns}/shared`, sibling(ns)]));
    let now = 1_700_000_000_000;
    const client = new GatedClient();
    client.remote.set("secret-shared", "v1");
    const readers = readersOver([...objects.values()], { readAhead: false, now: () => now });
    const store: ResolvedStore = { ...STORE, kind: "ClusterSecretStore", namespace: undefined };
    const read = (namespace: string) => readers.readerFor(client, store, { namespace, name: "shared" }).read([{ key: "secret-shared" }]);
    const text = (outcomes: Map<string, ReadOutcome>) => [...outcomes.values()].map((o) => (o.ok ? Buffer.from(o.payload.value).toString() : "error")).join();

    const first = read("team-1");
    await until(() => client.calls.length === 1, "first call");
    client.calls[0]!.answer();
    assert.equal(text(await first), "v1");
    assert.equal(text(await read("team-2")), "v1", "a sibling shares the read (no change reported)");
    assert.equal(client.calls.length, 1);

    now += 1_000;
    client.remote.set("secret-shared", "v2");
    readers.forgetPrefetched("team-2/shared");
    readers.forgetPrefetched("team-3/shared");
    now += 1; // a read in the same millisecond as the event may have started before it: only later ones are shared
    const second = read("team-2");
    await until(() => client.calls.length === 2, "second call");
    client.calls[1]!.answer();
    assert.equal(text(await second), "v2", "the ExternalSecret named by the event reads again");
    assert.equal(text(await read("team-3")), "v2", "and its sibling shares that newer read");
    assert.equal(client.calls.length, 2);
  });
});

describe("ReadAheadReaders on a long queue", () => {
  test("a read looks at no more than MAX_QUEUE_KEYS_PER_READ queued keys when none of them can join its batch", async () => {
    // a's only store mate b is not queued; the queue holds 10,000 keys of ExternalSecrets on other stores (or
    // read ahead already): before the bound every read walked all of them (ADR 21).
    const objects = [externalSecret("a", "secret-a"), externalSecret("b", "secret-b")];
    let yielded = 0;
    const client = new GatedClient();
    const readers = readersOver(objects, {
      queue: () => ({
        *pending() {
          for (let i = 0; i < 10_000; i++) {
            yielded++;
            yield `elsewhere/es-${i}`;
          }
        },
        retryState: () => undefined,
      }),
    });
    const read = readers.readerFor(client, STORE, { namespace: NS, name: "a" }).read([{ key: "secret-a" }]);
    await until(() => client.calls.length === 1, "the call");
    client.calls[0]!.answer();
    await read;
    assert.deepEqual(client.calls[0]!.ids, ["secret-a"]);
    assert.ok(yielded <= MAX_QUEUE_KEYS_PER_READ + 1, `looked at ${yielded} queued keys`);
  });
});
