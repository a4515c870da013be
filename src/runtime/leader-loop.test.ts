import { test } from "node:test";
import assert from "node:assert/strict";
import { LeaderElector, type Lease, type LeaseClient } from "./leader-election.ts";
import { LeaderLoop } from "./leader-loop.ts";

/** One Lease with optimistic concurrency; `down` makes every call fail (an unreachable apiserver). */
function leaseStore() {
  let lease: Lease | undefined;
  let rv = 0;
  const state = { down: false, get holder() { return lease?.spec?.holderIdentity ?? ""; } };
  const fail = () => {
    if (state.down) throw new Error("apiserver unreachable");
  };
  const write = (l: Lease) => (lease = { ...structuredClone(l), metadata: { ...l.metadata, resourceVersion: String(++rv) } });
  const client: LeaseClient = {
    get: async () => (fail(), lease && structuredClone(lease)),
    create: async (l) => {
      fail();
      if (lease) throw Object.assign(new Error("AlreadyExists"), { statusCode: 409 });
      return write(l);
    },
    update: async (l) => {
      fail();
      if (l.metadata.resourceVersion !== lease?.metadata.resourceVersion) throw Object.assign(new Error("Conflict"), { statusCode: 409 });
      return write(l);
    },
  };
  return { client, state };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(check(), what);
}

test("LeaderLoop: a replica that loses the lease stops the work and campaigns again instead of exiting", async () => {
  const { client, state } = leaseStore();
  const work: string[] = [];
  const loop = new LeaderLoop({
    newElector: () => new LeaderElector({ namespace: "ns", name: "l", identity: "me", leaseClient: client, leaseDurationMs: 400, renewDeadlineMs: 200, retryPeriodMs: 50 }),
    lead: async (signal) => {
      work.push("start");
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      work.push("stop");
    },
    recampaignDelayMs: 20,
  });
  loop.start();
  await until("leading", () => loop.leading && work.length === 1);

  state.down = true; // renewals fail past the renew deadline: leadership lost
  await until("the work stopped", () => !loop.leading && work.length === 2);
  state.down = false;
  await until("leading again", () => loop.leading && loop.terms === 2);

  await loop.stop();
  assert.deepEqual(work, ["start", "stop", "start", "stop"]);
  assert.equal(state.holder, "", "the lease is released on a graceful stop");
});
