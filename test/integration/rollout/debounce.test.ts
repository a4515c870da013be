// The debounce window on the real control plane: a burst of content changes is at most one rollout per
// window, the first at once and the rest together at the window's end, carrying the latest data.
// The controller runs on a FakeClock: the window ends when the test advances time, never because a loaded
// CI machine was slow (the wall-clock version of this test failed at load above 13).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../src/runtime/clock.ts";
import { TestEnvironment, waitUntil } from "../../env/index.ts";
import { RolloutProbe, envFromSecret, startRollouts, workload, type RunningRollouts } from "./rollout-harness.ts";

const WINDOW_MS = 60_000;
const clock = new FakeClock();
let r: RunningRollouts;
let p: RolloutProbe;
let ns: { name: string; delete: () => Promise<void> };

before(async () => {
  const env = TestEnvironment.load();
  const kc = env.kubeConfig();
  ns = await env.createNamespace("rollout-debounce");
  p = new RolloutProbe(kc);
  await p.putSecret(ns.name, "s", { k: "0" });
  await p.create(ns.name, workload("Deployment", "web", { annotations: { "ferry.dev/rollout-on-change": "true" }, ...envFromSecret("s") }));
  r = await startRollouts(kc, { namespace: ns.name, debounceMs: WINDOW_MS, clock });
  await waitUntil("the rollout controller to watch the namespace's Secrets", () => r.controller.watchingSecretsOf(ns.name), { timeoutMs: 10_000 });
});

after(async () => {
  await r?.controller.stop();
  await ns?.delete();
});

/**
 * Waits until the controller has seen a change and holds it back: the workload is owed a rollout and its
 * retry is set for the window's end (the fake clock has not moved since the last rollout, so that is now + window).
 */
async function heldBack(what: string): Promise<void> {
  const windowEnd = clock.monotonic() + WINDOW_MS;
  await waitUntil(what, () => r.controller.owedRollouts === 1 && clock.nextTimerAt() === windowEnd, { timeoutMs: 30_000 });
}

test("three changes inside one window are two rollouts: one at once, one at the window's end", async () => {
  await p.putSecret(ns.name, "s", { k: "1" });
  const first = await p.waitForGeneration("Deployment", ns.name, "web", 2);
  await p.putSecret(ns.name, "s", { k: "2" });
  await p.putSecret(ns.name, "s", { k: "3" });
  await heldBack("the changes 2 and 3 held back by the window");
  // Just short of the window's end nothing is due, whatever the wall clock did meanwhile.
  await clock.advanceAsync(WINDOW_MS - 1);
  assert.equal(r.controller.owedRollouts, 1, "still owed, not rolled out, before the window ends");
  assert.equal((await p.state("Deployment", ns.name, "web")).generation, 2);
  await clock.advanceAsync(1);
  const second = await p.waitForGeneration("Deployment", ns.name, "web", 3);
  assert.notEqual(second.hash, first.hash);
  await waitUntil("nothing owed after the second rollout", () => r.controller.owedRollouts === 0, { timeoutMs: 30_000 });
  await clock.advanceAsync(2 * WINDOW_MS);
  assert.equal((await p.state("Deployment", ns.name, "web")).generation, 3, "no third rollout");
  assert.equal(await r.triggered(), 2);
});

test("changed and changed back inside the window: no second rollout (the pods already have that data)", async () => {
  await clock.advanceAsync(WINDOW_MS);
  const before = await p.state("Deployment", ns.name, "web");
  await p.putSecret(ns.name, "s", { k: "4" });
  await p.waitForGeneration("Deployment", ns.name, "web", before.generation + 1);
  await p.putSecret(ns.name, "s", { k: "5" });
  await p.putSecret(ns.name, "s", { k: "4" });
  await heldBack("the changes 5 and back to 4 held back by the window");
  await clock.advanceAsync(WINDOW_MS);
  await waitUntil("the held-back change settled at the window's end", () => r.controller.owedRollouts === 0, { timeoutMs: 30_000 });
  assert.equal((await p.state("Deployment", ns.name, "web")).generation, before.generation + 1);
  assert.equal(await r.triggered(), 3);
});
