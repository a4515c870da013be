// Proves Lease-based leader election against a real kube-apiserver: of two candidates on one Lease exactly
// one leads, the apiserver's optimistic concurrency (resourceVersion, 409) keeps it that way, and a graceful
// stop releases the Lease so the standby takes over in about one retryPeriod instead of a leaseDuration.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { TestEnvironment, waitUntil } from "../../env/index.ts";
import { LeaderElector } from "../../../src/runtime/index.ts";

const env = TestEnvironment.load();
const kc = env.kubeConfig();
const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
let ns: { name: string; delete: () => Promise<void> };

before(async () => {
  ns = await env.createNamespace("runtime-leader");
});
after(async () => {
  await ns.delete();
});

function candidate(identity: string, leaseName: string) {
  // Short timings keep the test fast; client-go's ordering constraints still hold.
  const elector = new LeaderElector({
    kubeConfig: kc,
    namespace: ns.name,
    name: leaseName,
    identity,
    leaseDurationMs: 6_000,
    renewDeadlineMs: 4_000,
    retryPeriodMs: 500,
  });
  const state = { leading: false, started: 0, stopped: 0, signal: undefined as AbortSignal | undefined };
  const running = elector.run({
    onStartedLeading: (signal) => {
      state.leading = true;
      state.started++;
      state.signal = signal;
    },
    onStoppedLeading: () => {
      state.leading = false;
      state.stopped++;
    },
  });
  return { identity, elector, state, running };
}

describe("LeaderElector against kube-apiserver", () => {
  test("two candidates on one Lease: one leads; when it stops, the other takes over quickly", async () => {
    const a = candidate("replica-a", "ferry-controller");
    const b = candidate("replica-b", "ferry-controller");
    try {
      await waitUntil("a leader", () => a.state.leading || b.state.leading, { timeoutMs: 15_000 });
      const [leader, standby] = a.state.leading ? [a, b] : [b, a];

      // Several renewals later there is still exactly one leader, and the Lease names it.
      await new Promise((r) => setTimeout(r, 2_000));
      assert.equal(leader.state.leading, true);
      assert.equal(standby.state.leading, false);
      assert.equal(standby.state.started, 0);
      const held = await coordination.readNamespacedLease({ namespace: ns.name, name: "ferry-controller" });
      assert.equal(held.spec?.holderIdentity, leader.identity);
      assert.equal(held.spec?.leaseDurationSeconds, 6);
      assert.equal(standby.elector.leader, leader.identity);

      const stoppedAt = Date.now();
      await leader.elector.stop();
      await leader.running;
      assert.equal(leader.state.stopped, 1);
      assert.equal(leader.state.signal?.aborted, true);
      const afterStop = await coordination.readNamespacedLease({ namespace: ns.name, name: "ferry-controller" });
      assert.ok(["", standby.identity].includes(afterStop.spec?.holderIdentity ?? ""), "released on stop");

      await waitUntil("the standby to lead", () => standby.state.leading, { timeoutMs: 15_000 });
      const takeoverMs = Date.now() - stoppedAt;
      // Released, so the standby does not wait out the 6 s lease. Loose bound: a loaded CI machine is slow.
      assert.ok(takeoverMs < 5_500, `takeover took ${takeoverMs} ms`);
      const taken = await coordination.readNamespacedLease({ namespace: ns.name, name: "ferry-controller" });
      assert.equal(taken.spec?.holderIdentity, standby.identity);
      assert.equal(taken.spec?.leaseTransitions, 1);
    } finally {
      await Promise.all([a.elector.stop(), b.elector.stop()]);
    }
    const released = await coordination.readNamespacedLease({ namespace: ns.name, name: "ferry-controller" });
    assert.equal(released.spec?.holderIdentity ?? "", "", "the last leader released too");
  });

  test("a lease held by another identity is not taken while it is renewed", async () => {
    const name = "held-elsewhere";
    const now = () => new k8s.V1MicroTime(Date.now());
    await coordination.createNamespacedLease({
      namespace: ns.name,
      body: { metadata: { name }, spec: { holderIdentity: "someone-else", leaseDurationSeconds: 3, renewTime: now(), acquireTime: now() } },
    });
    const c = candidate("replica-c", name);
    try {
      // Keep renewing as "someone-else" for a while: c must not take it.
      for (let i = 0; i < 8; i++) {
        const lease = await coordination.readNamespacedLease({ namespace: ns.name, name });
        await coordination.replaceNamespacedLease({ namespace: ns.name, name, body: { ...lease, spec: { ...lease.spec, renewTime: now() } } });
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(c.state.started, 0);
      // Then stop renewing (the holder crashed): c takes over once the lease is stale.
      await waitUntil("c to take the abandoned lease", () => c.state.leading, { timeoutMs: 15_000 });
      const lease = await coordination.readNamespacedLease({ namespace: ns.name, name });
      assert.equal(lease.spec?.holderIdentity, "replica-c");
    } finally {
      await c.elector.stop();
    }
  });
});
