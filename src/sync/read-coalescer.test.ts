import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { NoSecretError, remoteSecretIdKey, type ReadOutcome, type RemoteSecretId, type SecretsClient } from "../providers/provider.ts";
import { ReadCoalescer } from "./read-coalescer.ts";
import { CallBackoff } from "./call-backoff.ts";

/** A provider client that records each readSecrets call's ids. */
class CountingClient implements SecretsClient {
  calls: string[][] = [];
  signals: Array<AbortSignal | undefined> = [];
  fail: Error | undefined;
  /** While set, calls wait for it (a slow provider). */
  gate: Promise<void> | undefined;
  async readSecrets(ids: readonly RemoteSecretId[], signal?: AbortSignal): Promise<Map<string, ReadOutcome>> {
    this.calls.push(ids.map((i) => i.key));
    this.signals.push(signal);
    if (this.gate) await this.gate;
    if (this.fail) throw this.fail;
    return new Map(ids.map((id): [string, ReadOutcome] => [
      remoteSecretIdKey(id),
      id.key.startsWith("missing") ? { ok: false, error: new NoSecretError(id.key) } : { ok: true, payload: { value: new TextEncoder().encode(`v:${id.key}`), binary: false } },
    ]));
  }
  async findSecrets(): Promise<never> {
    throw new Error("unused");
  }
  async validate() {
    return "Ready" as const;
  }
}

const text = (o: ReadOutcome | undefined) => (o?.ok ? new TextDecoder().decode(o.payload.value) : o?.error.name);

describe("ReadCoalescer", () => {
  test("concurrent reads become one provider call, identical ids read once", async () => {
    const client = new CountingClient();
    const c = new ReadCoalescer(client, { windowMs: 5, maxBatch: 20 });
    const [a, b, d] = await Promise.all([
      c.read([{ key: "db" }]),
      c.read([{ key: "db" }, { key: "api" }]),
      c.read([{ key: "missing-1" }]),
    ]);
    assert.deepEqual(client.calls, [["db", "api", "missing-1"]]);
    assert.equal(text(a.get(remoteSecretIdKey({ key: "db" }))), "v:db");
    assert.equal(b.size, 2);
    assert.equal(text(b.get(remoteSecretIdKey({ key: "api" }))), "v:api");
    assert.equal(text(d.get(remoteSecretIdKey({ key: "missing-1" }))), "NoSecretError");
  });

  test("a full batch goes out without waiting for the window", async () => {
    const client = new CountingClient();
    const c = new ReadCoalescer(client, { windowMs: 60_000, maxBatch: 3 });
    await Promise.all([c.read([{ key: "a" }, { key: "b" }]), c.read([{ key: "c" }])]);
    assert.deepEqual(client.calls, [["a", "b", "c"]]);
  });

  test("versions are distinct reads", async () => {
    const client = new CountingClient();
    const c = new ReadCoalescer(client);
    await Promise.all([c.read([{ key: "a" }]), c.read([{ key: "a", version: "AWSPREVIOUS" }])]);
    assert.equal(client.calls[0]?.length, 2);
  });

  test("a failed call fails every waiter, and the next batch starts clean", async () => {
    const client = new CountingClient();
    const c = new ReadCoalescer(client);
    client.fail = new Error("throttled");
    const results = await Promise.allSettled([c.read([{ key: "a" }]), c.read([{ key: "b" }])]);
    assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
    client.fail = undefined;
    const ok = await c.read([{ key: "c" }]);
    assert.equal(text(ok.get(remoteSecretIdKey({ key: "c" }))), "v:c");
    assert.deepEqual(client.calls.at(-1), ["c"]);
  });

  test("onBatch observes each provider call with its count of distinct ids", async () => {
    const cases: Array<{ reads: string[][]; maxBatch: number; want: number[] }> = [
      { reads: [["a"], ["a", "b"], ["c"]], maxBatch: 20, want: [3] },
      { reads: [["a", "b"], ["c"]], maxBatch: 2, want: [2, 1] },
      { reads: [[]], maxBatch: 20, want: [] },
    ];
    for (const c of cases) {
      const batches: number[] = [];
      const coalescer = new ReadCoalescer(new CountingClient(), { windowMs: 5, maxBatch: c.maxBatch }, { onBatch: (n) => batches.push(n) });
      await Promise.all(c.reads.map((keys) => coalescer.read(keys.map((key) => ({ key })))));
      assert.deepEqual(batches, c.want, JSON.stringify(c.reads));
    }
  });

  test("no ids, no call", async () => {
    const client = new CountingClient();
    assert.equal((await new ReadCoalescer(client).read([])).size, 0);
    assert.equal(client.calls.length, 0);
  });

  test("after a failed call, reads fail fast with that error until the client's backoff is over, then one call probes", async () => {
    const client = new CountingClient();
    let now = 0;
    let recovered = 0;
    const c = new ReadCoalescer(client, { windowMs: 1, maxBatch: 20 }, { backoff: new CallBackoff({ now: () => now, initialMs: 2_000, random: () => 0 }), onRecovered: () => recovered++ });
    client.fail = new Error("BatchGetSecretValue: InternalServiceError");
    await assert.rejects(c.read([{ key: "a" }]), /InternalServiceError/);
    for (let i = 0; i < 10; i++) await assert.rejects(c.read([{ key: `k${i}` }]), /InternalServiceError/);
    assert.equal(client.calls.length, 1, "ten reads during the wait cost no call");
    now += 2_000;
    await assert.rejects(c.read([{ key: "b" }]));
    assert.equal(client.calls.length, 2, "one probe after the wait");
    now += 3_000;
    await assert.rejects(c.read([{ key: "b" }]));
    assert.equal(client.calls.length, 2, "the wait doubled (4 s)");
    now += 1_000;
    client.fail = undefined;
    await c.read([{ key: "c" }]);
    assert.equal(recovered, 1, "a success after failures reports the recovery");
    await c.read([{ key: "d" }]);
    assert.deepEqual([client.calls.length, recovered], [4, 1], "healthy again: every read calls, no backoff");
  });

  test("a batch is aborted only when every caller waiting for it has aborted", async () => {
    const client = new CountingClient();
    const c = new ReadCoalescer(client, { windowMs: 1, maxBatch: 20 });
    const one = new AbortController();
    const two = new AbortController();
    let open!: () => void;
    client.gate = new Promise((resolve) => (open = resolve));
    const reads = Promise.allSettled([c.read([{ key: "a" }], one.signal), c.read([{ key: "b" }], two.signal)]);
    while (client.calls.length === 0) await new Promise((r) => setTimeout(r, 1));
    const batchSignal = client.signals[0]!;
    one.abort();
    assert.equal(batchSignal.aborted, false, "the other caller still wants the batch");
    two.abort();
    assert.equal(batchSignal.aborted, true);
    open();
    client.gate = undefined;
    await reads;
    await c.read([{ key: "c" }]);
    assert.equal(client.signals[1], undefined, "a caller without a signal: the batch cannot be aborted");
  });
});
