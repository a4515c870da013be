// The debounce window on the real control plane: a burst of content changes is at most one rollout per
// window, the first at once and the rest together at the window's end, carrying the latest data.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { TestEnvironment, waitUntil } from "../../env/index.ts";
import { RolloutProbe, envFromSecret, startRollouts, workload, type RunningRollouts } from "./rollout-harness.ts";

const WINDOW_MS = 4_000;
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
  r = await startRollouts(kc, { namespace: ns.name, debounceMs: WINDOW_MS });
  await waitUntil("the rollout controller to watch the namespace's Secrets", () => r.controller.watchingSecretsOf(ns.name), { timeoutMs: 10_000 });
});

after(async () => {
  await r?.controller.stop();
  await ns?.delete();
});

test("three changes inside one window are two rollouts: one at once, one at the window's end", async () => {
  const started = Date.now();
  await p.putSecret(ns.name, "s", { k: "1" });
  const first = await p.waitForGeneration("Deployment", ns.name, "web", 2);
  await p.putSecret(ns.name, "s", { k: "2" });
  await p.putSecret(ns.name, "s", { k: "3" });
  // Still inside the window: nothing more yet.
  await sleep(Math.max(0, WINDOW_MS / 2 - (Date.now() - started)));
  assert.equal((await p.state("Deployment", ns.name, "web")).generation, 2);
  const second = await p.waitForGeneration("Deployment", ns.name, "web", 3, 3 * WINDOW_MS);
  assert.ok(Date.now() - started >= WINDOW_MS - 200, "the second rollout waited for the window");
  assert.notEqual(second.hash, first.hash);
  await sleep(WINDOW_MS + 1_000);
  assert.equal((await p.state("Deployment", ns.name, "web")).generation, 3, "no third rollout");
  assert.equal(await r.triggered(), 2);
});

test("changed and changed back inside the window: no second rollout (the pods already have that data)", async () => {
  await sleep(WINDOW_MS);
  const before = await p.state("Deployment", ns.name, "web");
  await p.putSecret(ns.name, "s", { k: "4" });
  await p.waitForGeneration("Deployment", ns.name, "web", before.generation + 1);
  await p.putSecret(ns.name, "s", { k: "5" });
  await p.putSecret(ns.name, "s", { k: "4" });
  await sleep(2 * WINDOW_MS);
  assert.equal((await p.state("Deployment", ns.name, "web")).generation, before.generation + 1);
});
