import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { remoteSecretIdKey, type ReadOutcome, type RemoteSecretId, type SecretsClient } from "../../providers/provider.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";
import type { ReadAheadReaders } from "./read-ahead-reader.ts";
import type { ResolvedStore } from "./reconciler.ts";
import { readersOver as readersOf } from "./testing/readers.ts";

/** A provider client that counts its calls; each call answers after `latencyMs`. */
class CountingClient implements SecretsClient {
  calls: string[][] = [];
  readonly #latencyMs: number;
  constructor(latencyMs: number) {
    this.#latencyMs = latencyMs;
  }
  async readSecrets(ids: readonly RemoteSecretId[]): Promise<Map<string, ReadOutcome>> {
    this.calls.push(ids.map((id) => id.key));
    await sleep(this.#latencyMs);
    return new Map(ids.map((id) => [remoteSecretIdKey(id), { ok: true, payload: { value: new TextEncoder().encode(`value of ${id.key}`), binary: false } } satisfies ReadOutcome]));
  }
  findSecrets(): never {
    throw new Error("not used");
  }
  validate(): never {
    throw new Error("not used");
  }
}

const spec = { refreshInterval: "20s", secretStoreRef: { name: "shared", kind: "ClusterSecretStore" }, target: {}, data: [{ secretKey: "password", remoteRef: { key: "fanout/db" } }] };

/** An ExternalSecret a ClusterExternalSecret fanned out to `namespace` (same owner, same content). */
function sibling(namespace: string): KubeObject {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { namespace, name: "shared", generation: 1, ownerReferences: [{ apiVersion: "external-secrets.io/v1", kind: "ClusterExternalSecret", name: "shared", uid: "ces-1", controller: true }] },
    spec,
  } as KubeObject;
}

/** Another ExternalSecret on the same store, due soon: a read-ahead candidate. */
const other: KubeObject = {
  apiVersion: "external-secrets.io/v1",
  kind: "ExternalSecret",
  metadata: { namespace: "other", name: "es", generation: 1 },
  spec: { ...spec, data: [{ secretKey: "token", remoteRef: { key: "other/token" } }] },
} as KubeObject;

const store: ResolvedStore = { kind: "ClusterSecretStore", name: "shared" } as unknown as ResolvedStore;
const ids: RemoteSecretId[] = [{ key: "fanout/db" }];

/**
 * Readers over siblings fanned out to `namespaces`, with another ExternalSecret due soon on the same store
 * (a read-ahead candidate) whose target Secret takes `candidateMs` to come from the cache.
 */
function readersOver(namespaces: string[], options: { now: () => number; candidateMs?: number }): ReadAheadReaders {
  return readersOf([...namespaces.map(sibling), other], {
    queue: () => ({ *pending() { yield "other/es"; }, retryState: () => undefined }),
    cachedSecret: () => sleep(options.candidateMs ?? 0).then(() => undefined),
    coalescing: { windowMs: 5, maxBatch: 20 },
    now: options.now,
  });
}

const read = (readers: ReadAheadReaders, client: SecretsClient, namespace: string) => readers.readerFor(client, store, { namespace, name: "shared" }).read(ids);

function valueOf(outcomes: Map<string, ReadOutcome>): string {
  const outcome = outcomes.get(remoteSecretIdKey(ids[0]!));
  assert.ok(outcome?.ok);
  return new TextDecoder().decode(outcome.payload.value);
}

describe("ReadAheadReaders: ExternalSecrets fanned out by one ClusterExternalSecret share one read", () => {
  test("siblings reconciling beside one that is still gathering companions wait for its read: one provider call", async () => {
    const namespaces = Array.from({ length: 8 }, (_, i) => `team-${i}`);
    // The first reader looks at the candidate for 50 ms, longer than the coalescing window.
    const readers = readersOver(namespaces, { now: () => Date.now(), candidateMs: 50 });
    const client = new CountingClient(20);
    const first = read(readers, client, namespaces[0]!);
    await sleep(10);
    const results = await Promise.all([first, ...namespaces.slice(1).map((ns) => read(readers, client, ns))]);
    assert.equal(client.calls.length, 1, `provider calls: ${JSON.stringify(client.calls)}`);
    for (const r of results) assert.equal(valueOf(r), "value of fanout/db");
  });

  test("a sibling reconciling 12 s after the first (a slow fan-out, refreshInterval 20s) shares its read and plans from it", async () => {
    let now = 1_000_000;
    const readers = readersOver(["a", "b"], { now: () => now });
    const client = new CountingClient(0);
    await read(readers, client, "a");
    assert.equal(readers.valuesReadAt("a/shared"), 1_000_000);
    now += 12_000;
    await read(readers, client, "b");
    assert.equal(client.calls.length, 1, "one read for both");
    assert.equal(readers.valuesReadAt("b/shared"), 1_000_000, "both plan their next refresh from the one read: one refresh group");
    now += 4_000;
    await read(readers, client, "b");
    assert.equal(client.calls.length, 2, "past three quarters of the interval a sibling reads again");
  });
});
