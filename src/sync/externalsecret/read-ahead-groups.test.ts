// Refresh groups read as one call whatever the worker concurrency (ADR 14, issue 16). On the real control plane
// 100 Secrets Manager ExternalSecrets in 5 groups of 20 cost 8–9 calls per cycle with 12–13 ids each: the 8
// workers dequeued a due group's members together and each assembled its own batch, taking turns to claim one
// companion per await, so every group was split into partial picks. These tests run the real ReadAheadReaders
// with k workers over a queue of due group members, a provider client that counts calls, and a target-Secret
// lookup that yields to the event loop like the informer cache does.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as tick } from "node:timers/promises";
import { makeExternalSecret, makeExternalSecretData } from "../../apis/testing/builders.ts";
import type { ExternalSecret } from "../../apis/external-secret.ts";
import { remoteSecretIdKey, type ReadOutcome, type RemoteSecretId, type SecretsClient } from "../../providers/provider.ts";
import type { Informer } from "../../runtime/informer.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";
import { silentLogger } from "../../runtime/logger.ts";
import { refreshWindow } from "../refresh-policy.ts";
import { plannedReads } from "../remote-data.ts";
import { syncedResourceVersion } from "../synced-resource-version.ts";
import { ExternalSecretsByStore } from "./by-store-index.ts";
import { ReadAheadReaders } from "./read-ahead-reader.ts";
import type { ResolvedStore } from "./reconciler.ts";

const INTERVAL_MS = 20_000;
const T0 = Date.parse("2026-12-03T12:00:00Z");
const STORE: ResolvedStore = { kind: "SecretStore", name: "sm", namespace: "ns", uid: "store-uid", generation: 1, capabilities: "ReadOnly" };

/** A provider client that records the ids of each call; `failing` makes every call fail. */
class CountingClient implements SecretsClient {
  readonly batchSize = 20;
  readonly calls: string[][] = [];
  failing = false;
  /** The first call waits for this (a provider call that hangs until its deadline). */
  firstCallGate: Promise<void> | undefined;
  async readSecrets(ids: readonly RemoteSecretId[]): Promise<Map<string, ReadOutcome>> {
    this.calls.push(ids.map((id) => id.key));
    const gate = this.firstCallGate;
    this.firstCallGate = undefined;
    if (gate) await gate;
    await tick();
    if (this.failing) throw new Error("throttled");
    return new Map(ids.map((id): [string, ReadOutcome] => [remoteSecretIdKey(id), { ok: true, payload: { value: new TextEncoder().encode(`v:${id.key}`), binary: false } }]));
  }
  async findSecrets(): Promise<never> {
    throw new Error("unused");
  }
  async validate() {
    return "Ready" as const;
  }
}

/** ExternalSecret ns/es-i reading key-i every 20 s, last refreshed one interval before T0. */
function member(i: number): ExternalSecret {
  return makeExternalSecret((d) => {
    d.metadata.name = `es-${i}`;
    d.metadata.namespace = "ns";
    d.metadata.uid = `uid-${i}`;
    d.spec.refreshInterval = "20s";
    d.spec.secretStoreRef = { name: "sm", kind: "SecretStore" };
    d.spec.data = [makeExternalSecretData("value", `key-${i}`)];
    d.status = { refreshTime: new Date(T0 - INTERVAL_MS).toISOString().replace(/\.\d{3}Z$/, "Z"), syncedResourceVersion: syncedResourceVersion(d.metadata), conditions: [] };
  });
}

/**
 * `members` ExternalSecrets on one client, planned into refresh groups one interval ago (all due at T0), then
 * dequeued by `workers` concurrent workers in `order`. Each worker reconciles like the reconciler: it reads when
 * values were read ahead for it or it has not refreshed yet this cycle. Returns the provider calls and what
 * each ExternalSecret got.
 */
async function runCycle(o: { members: number; workers: number; order?: (keys: string[]) => string[]; sameClient?: (es: ExternalSecret) => boolean; failing?: boolean; firstCallGate?: Promise<void>; claimWaitMs?: number }) {
  let now = T0 - INTERVAL_MS;
  const client = new CountingClient();
  client.failing = o.failing ?? false;
  client.firstCallGate = o.firstCallGate;
  const all = new Map<string, ExternalSecret>();
  const byStore = new ExternalSecretsByStore();
  for (let i = 0; i < o.members; i++) {
    const es = member(i);
    all.set(`ns/${es.metadata.name}`, es);
    byStore.add(es as unknown as KubeObject);
  }
  // The work queue: keys waiting (in order), keys being reconciled.
  const queued: string[] = [];
  const processing = new Set<string>();
  const queue = {
    *pending(): Generator<string> {
      yield* queued;
    },
    retryState: () => undefined,
  };
  const enqueue = (r: { namespace: string; name: string }) => {
    const key = `${r.namespace}/${r.name}`;
    if (!queued.includes(key)) queued.push(key);
  };
  const readers = new ReadAheadReaders({
    externalSecrets: { get: (namespace: string, name: string) => all.get(`${namespace}/${name}`) } as unknown as Informer<KubeObject>,
    byStore,
    queue: () => queue,
    enqueue,
    parse: (raw) => raw as unknown as ExternalSecret,
    withLastSync: (es) => es,
    // The informer cache answers after a turn of the event loop, as the real lookups do.
    cachedSecret: async () => {
      await tick();
      return undefined;
    },
    sameClient: async (es) => {
      await tick();
      return o.sameClient?.(es) ?? true;
    },
    readAhead: true,
    now: () => now,
    random: () => 0,
    claimWaitMs: o.claimWaitMs,
    logger: silentLogger,
  });
  // Last cycle's reconciles planned every member's refresh from the same read: groups of 20 due at T0.
  for (const [key, es] of all) {
    const window = refreshWindow({ refreshPolicy: "Periodic", refreshIntervalMs: INTERVAL_MS, lastRefreshMs: now, now })!;
    readers.planRefresh(client, key, plannedReads(es.spec), window);
  }
  now = T0 + 100;
  queued.push(...(o.order ?? ((k) => k))([...all.keys()]));
  const got = new Map<string, string[]>();
  const errors = new Map<string, string>();
  const refreshed = new Set<string>();
  const worker = async () => {
    for (;;) {
      const key = queued.shift();
      if (key === undefined) return;
      processing.add(key);
      const es = all.get(key)!;
      await tick(); // the reconcile reads the target Secret first
      if (readers.hasPrefetched(es) || !refreshed.has(key)) {
        refreshed.add(key);
        const ids = plannedReads(es.spec);
        try {
          const outcomes = await readers.readerFor(client, STORE, { namespace: "ns", name: es.metadata.name! }).read(ids);
          got.set(key, [...(got.get(key) ?? []), ...ids.map((id) => { const out = outcomes.get(remoteSecretIdKey(id)); return out?.ok ? new TextDecoder().decode(out.payload.value) : "missing"; })]);
        } catch (err) {
          errors.set(key, (err as Error).message);
        }
      }
      processing.delete(key);
    }
  };
  await Promise.all(Array.from({ length: o.workers }, worker));
  const idsRead = client.calls.flat();
  return { calls: client.calls, idsPerBatch: client.calls.map((c) => c.length), duplicates: idsRead.length - new Set(idsRead).size, got, errors, keys: [...all.keys()] };
}

/** Interleaves groups: the order a busy queue hands out members of groups that fell due together. */
const interleaved = (keys: string[]) => keys.map((k, i) => ({ k, r: (i * 37) % keys.length })).sort((a, b) => a.r - b.r).map((x) => x.k);

describe("ReadAheadReaders: a due refresh group costs one call whatever the worker concurrency", () => {
  const cases = [
    { name: "20 members (one group), 1 worker", members: 20, workers: 1, calls: 1 },
    { name: "20 members (one group), 2 workers", members: 20, workers: 2, calls: 1 },
    { name: "20 members (one group), 8 workers", members: 20, workers: 8, calls: 1 },
    { name: "20 members (one group), 20 workers", members: 20, workers: 20, calls: 1 },
    // The shape seen on the real control plane (issue 16): 8 workers, 5 groups due together → 8–9 calls of 12–13.
    { name: "100 members (5 groups), 8 workers", members: 100, workers: 8, calls: 5 },
    { name: "100 members (5 groups) dequeued interleaved, 8 workers", members: 100, workers: 8, calls: 5, order: interleaved },
    { name: "100 members (5 groups), 16 workers", members: 100, workers: 16, calls: 5 },
    { name: "100 members (5 groups), 32 workers (the default)", members: 100, workers: 32, calls: 5 },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = await runCycle(c);
      const shape = `ids per batch: ${r.idsPerBatch.join(",")}`;
      assert.equal(r.calls.length, c.calls, shape);
      assert.ok(r.idsPerBatch.every((n) => n === 20), shape);
      assert.equal(r.duplicates, 0, `no id read twice; ${shape}`);
      // Every member got its own value, exactly once.
      for (const [i, key] of r.keys.entries()) assert.deepEqual(r.got.get(key), [`v:key-${i}`], key);
      assert.equal(r.errors.size, 0);
    });
  }

  test("a claimed companion that proves ineligible (another client) is released: its own reconcile reads for it", async () => {
    const r = await runCycle({ members: 20, workers: 8, sameClient: (es) => es.metadata.name !== "es-7" });
    for (const [i, key] of r.keys.entries()) assert.deepEqual(r.got.get(key), [`v:key-${i}`], key);
    assert.equal(r.duplicates, 0, `ids per batch: ${r.idsPerBatch.join(",")}`);
    assert.ok(r.calls.length <= 2, `ids per batch: ${r.idsPerBatch.join(",")}`);
  });

  test("a claimed ExternalSecret waits for its batch only so long: a hung call does not hold the other workers", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cycle = runCycle({ members: 20, workers: 8, firstCallGate: gate, claimWaitMs: 50 });
    // The members claimed for the hung batch and dequeued meanwhile read on their own after 50 ms.
    const r = await Promise.race([cycle.then(() => "done"), new Promise((resolve) => setTimeout(() => resolve("waiting"), 2_000))]);
    release();
    const done = await cycle;
    assert.equal(r, "waiting", "the worker that sent the hung call waits for it");
    assert.ok(done.calls.length >= 2, `the others read meanwhile: ${done.idsPerBatch.join(",")}`);
    for (const [i, key] of done.keys.entries()) assert.equal(done.got.get(key)?.[0], `v:key-${i}`, key);
  });

  test("a failed batch releases its claims: the members waiting for it go on (and fail) instead of hanging", async () => {
    const r = await runCycle({ members: 20, workers: 8, failing: true });
    assert.ok(r.errors.size > 0);
    assert.equal(r.got.size, 0);
  });
});
