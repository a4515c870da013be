import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock, settle } from "./clock.ts";
import { LeaderElector, type Lease, type LeaseClient, type LeaderCallbacks } from "./leader-election.ts";

/** One Lease with apiserver semantics: a resourceVersion per write, 409 on a stale update or a duplicate create. */
class FakeLeaseStore {
  lease: Lease | undefined;
  #rv = 0;
  writes = 0;
  /** While set, every call fails with this error (an unreachable apiserver). */
  failing: Error | undefined;
  /** The next update fails with 409 (another writer got in between). */
  conflictNext = false;

  client(): LeaseClient {
    const fail = () => {
      if (this.failing) throw this.failing;
    };
    return {
      get: async () => {
        fail();
        return this.lease && structuredClone(this.lease);
      },
      create: async (lease) => {
        fail();
        if (this.lease) throw Object.assign(new Error("AlreadyExists"), { statusCode: 409 });
        return this.#write(lease);
      },
      update: async (lease) => {
        fail();
        if (this.conflictNext || lease.metadata.resourceVersion !== this.lease?.metadata.resourceVersion) {
          this.conflictNext = false;
          throw Object.assign(new Error("Conflict"), { statusCode: 409 });
        }
        return this.#write(lease);
      },
    };
  }

  get holder(): string | undefined {
    return this.lease?.spec?.holderIdentity;
  }

  #write(lease: Lease): Lease {
    this.writes++;
    this.lease = structuredClone({ ...lease, metadata: { ...lease.metadata, resourceVersion: `v${++this.#rv}` } });
    return structuredClone(this.lease);
  }
}

function candidate(store: FakeLeaseStore, clock: FakeClock, identity: string) {
  const elector = new LeaderElector({
    namespace: "ferry",
    name: "ferry-controller",
    identity,
    leaseClient: store.client(),
    clock,
    random: () => 0,
  });
  const log: string[] = [];
  let signal: AbortSignal | undefined;
  const callbacks: LeaderCallbacks = {
    onStartedLeading: (s) => {
      signal = s;
      log.push("started");
    },
    onStoppedLeading: () => void log.push("stopped"),
    onNewLeader: (id) => log.push(`leader ${id}`),
  };
  let finished = false;
  const running = elector.run(callbacks).then(() => (finished = true));
  return { elector, log, running, signal: () => signal, finished: () => finished };
}

describe("LeaderElector", () => {
  test("rejects timings where the lease could expire before the leader notices", () => {
    const cases: Array<[number, number, number]> = [
      [10_000, 10_000, 2_000],
      [15_000, 10_000, 9_000],
    ];
    for (const [leaseDurationMs, renewDeadlineMs, retryPeriodMs] of cases) {
      assert.throws(() => new LeaderElector({ namespace: "n", name: "l", identity: "a", leaseClient: new FakeLeaseStore().client(), leaseDurationMs, renewDeadlineMs, retryPeriodMs }));
    }
  });

  test("creates an absent lease, leads, and renews every retryPeriod", async () => {
    const clock = new FakeClock();
    const store = new FakeLeaseStore();
    const a = candidate(store, clock, "a");
    await settle();
    assert.equal(store.holder, "a");
    assert.equal(store.lease?.spec?.leaseDurationSeconds, 15);
    assert.match(store.lease.spec.renewTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, "MicroTime: six fractional digits");
    assert.deepEqual(a.log, ["leader a", "started"]);
    assert.equal(a.elector.isLeader, true);
    const renewTime = store.lease.spec.renewTime;
    await clock.advanceAsync(2_000);
    assert.notEqual(store.lease.spec.renewTime, renewTime);
    assert.equal(store.writes, 2);
    await a.elector.stop();
  });

  test("a standby does not take a lease that is being renewed; it takes over at once when the leader releases", async () => {
    const clock = new FakeClock();
    const store = new FakeLeaseStore();
    const a = candidate(store, clock, "a");
    await settle();
    const b = candidate(store, clock, "b");
    await clock.advanceAsync(60_000);
    assert.equal(store.holder, "a");
    assert.deepEqual(b.log, ["leader a"]);
    assert.equal(b.elector.isLeader, false);

    await a.elector.stop();
    assert.deepEqual(a.log, ["leader a", "started", "stopped"]);
    assert.equal(a.signal()!.aborted, true);
    assert.equal(store.holder, "", "released");
    assert.equal(a.finished(), true);

    await clock.advanceAsync(2_000); // one retryPeriod, not a leaseDuration
    assert.equal(store.holder, "b");
    assert.deepEqual(b.log, ["leader a", "leader b", "started"]);
    assert.equal(store.lease!.spec!.leaseTransitions, 1);
    await b.elector.stop();
  });

  test("a leader that stops renewing (crashed) is replaced after leaseDuration of the standby's own clock", async () => {
    const clock = new FakeClock();
    const store = new FakeLeaseStore();
    // A lease held by a crashed replica, with a renewTime far in the future (clock skew): not trusted.
    store.lease = {
      metadata: { namespace: "ferry", name: "ferry-controller", resourceVersion: "v0" },
      spec: { holderIdentity: "crashed", leaseDurationSeconds: 15, renewTime: "2999-01-01T00:00:00.000000Z", leaseTransitions: 4 },
    };
    const b = candidate(store, clock, "b");
    await clock.advanceAsync(14_000);
    assert.equal(store.holder, "crashed");
    await clock.advanceAsync(2_000);
    assert.equal(store.holder, "b");
    assert.equal(store.lease.spec?.leaseTransitions, 5);
    assert.deepEqual(b.log, ["leader crashed", "leader b", "started"]);
    await b.elector.stop();
  });

  test("a conflicting write (409) is retried, not fatal", async () => {
    const clock = new FakeClock();
    const store = new FakeLeaseStore();
    const a = candidate(store, clock, "a");
    await settle();
    store.conflictNext = true;
    await clock.advanceAsync(2_000); // renewal conflicts
    assert.equal(a.elector.isLeader, true);
    const writes = store.writes;
    await clock.advanceAsync(2_000); // retried
    assert.equal(store.writes, writes + 1);
    assert.equal(a.elector.isLeader, true);
    await a.elector.stop();
  });

  test("a leader that cannot renew within renewDeadline stops leading, without releasing", async () => {
    const clock = new FakeClock();
    const store = new FakeLeaseStore();
    const a = candidate(store, clock, "a");
    await settle();
    store.failing = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    await clock.advanceAsync(2_000 + 8_000);
    assert.equal(a.elector.isLeader, true, "still within renewDeadline");
    await clock.advanceAsync(2_000);
    assert.equal(a.elector.isLeader, false);
    assert.equal(a.signal()!.aborted, true);
    await a.running;
    assert.deepEqual(a.log, ["leader a", "started", "stopped"]);
    store.failing = undefined;
    assert.equal(store.holder, "a", "not released: it could not reach the apiserver; the lease just expires");
  });

  test("a graceful stop waits for the leader's work before releasing", async () => {
    const clock = new FakeClock();
    const store = new FakeLeaseStore();
    let holderWhenWorkEnded: string | undefined;
    const elector = new LeaderElector({ namespace: "ferry", name: "l", identity: "a", leaseClient: store.client(), clock });
    const running = elector.run({
      onStartedLeading: (signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener("abort", () => {
            setImmediate(() => {
              holderWhenWorkEnded = store.holder;
              resolve();
            });
          }),
        ),
      onStoppedLeading: () => {},
    });
    await settle();
    await elector.stop();
    await running;
    assert.equal(holderWhenWorkEnded, "a", "still held while the work wound down");
    assert.equal(store.holder, "");
  });

  test("stop during the campaign resolves without callbacks", async () => {
    const clock = new FakeClock();
    const store = new FakeLeaseStore();
    store.lease = { metadata: { namespace: "ferry", name: "ferry-controller", resourceVersion: "v0" }, spec: { holderIdentity: "other", leaseDurationSeconds: 15 } };
    const b = candidate(store, clock, "b");
    await clock.advanceAsync(4_000);
    await b.elector.stop();
    assert.deepEqual(b.log, ["leader other"]);
    assert.equal(store.holder, "other");
  });

  test("a standby measures the holder's lease on monotonic time: a wall-clock step does not expire it", async () => {
    const clock = new FakeClock();
    const store = new FakeLeaseStore();
    store.lease = { metadata: { namespace: "ferry", name: "ferry-controller", resourceVersion: "v0" }, spec: { holderIdentity: "other", leaseDurationSeconds: 15 } };
    const b = candidate(store, clock, "b");
    await clock.advanceAsync(1_000);
    clock.stepWall(60 * 60_000); // NTP steps the node's clock an hour forward
    await clock.advanceAsync(6_000);
    assert.equal(store.holder, "other", "the lease was last seen renewed 7 s ago, whatever the wall clock says");
    await clock.advanceAsync(12_000);
    assert.equal(store.holder, "b", "taken once leaseDuration has passed on the monotonic clock");
    await b.elector.stop();
  });

  test("a leader's renew deadline is monotonic: a wall-clock step back does not extend it", async () => {
    const clock = new FakeClock();
    const store = new FakeLeaseStore();
    const a = candidate(store, clock, "a");
    await clock.advanceAsync(0);
    assert.equal(store.holder, "a");
    store.failing = new Error("apiserver unreachable");
    await clock.advanceAsync(2_500);
    clock.stepWall(-60 * 60_000);
    await clock.advanceAsync(12_000);
    assert.ok(a.log.includes("stopped"), `leadership given up after renewDeadline: ${a.log.join(", ")}`);
    await a.running;
  });
});
