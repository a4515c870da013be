import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock, settle } from "./clock.ts";
import type { KubeObject } from "./list-watcher.ts";
import { Controller, isTerminalError, parseRequestKey, requestKey, TerminalError, type ReconcileOutcome, type ReconcileResult, type Request } from "./controller.ts";

/** A reconciler whose calls are recorded and whose behaviour per call is scripted. */
class ScriptedReconciler {
  readonly calls: string[] = [];
  readonly running = new Set<string>();
  maxConcurrent = 0;
  overlapped = false;
  signals: AbortSignal[] = [];
  behaviour: (key: string, n: number, signal: AbortSignal) => Promise<ReconcileResult> = async () => ({});

  async reconcile(request: Request, signal: AbortSignal): Promise<ReconcileResult> {
    const key = requestKey(request);
    if (this.running.has(key)) this.overlapped = true;
    this.running.add(key);
    this.maxConcurrent = Math.max(this.maxConcurrent, this.running.size);
    this.calls.push(key);
    this.signals.push(signal);
    try {
      return await this.behaviour(key, this.calls.filter((c) => c === key).length, signal);
    } finally {
      this.running.delete(key);
    }
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function setup(concurrency = 2) {
  const clock = new FakeClock();
  const reconciler = new ScriptedReconciler();
  const outcomes: ReconcileOutcome[] = [];
  const controller = new Controller({
    name: "test",
    reconciler,
    concurrency,
    clock,
    metrics: { reconciled: (o) => outcomes.push(o) },
  });
  return { clock, reconciler, controller, outcomes };
}

describe("request keys", () => {
  test("round-trip namespaced and cluster-scoped requests", () => {
    const cases: Array<[Request, string]> = [
      [{ namespace: "ns", name: "a" }, "ns/a"],
      [{ name: "cluster-wide" }, "cluster-wide"],
      [{ namespace: undefined, name: "x" }, "x"],
    ];
    for (const [request, key] of cases) {
      assert.equal(requestKey(request), key);
      assert.deepEqual(parseRequestKey(key), request.namespace ? request : { name: request.name });
    }
  });

  test("TerminalError is found through cause chains", () => {
    assert.equal(isTerminalError(new TerminalError("bad spec")), true);
    assert.equal(isTerminalError(new Error("wrapped", { cause: new TerminalError("bad spec") })), true);
    assert.equal(isTerminalError(new Error("transient")), false);
    assert.equal(isTerminalError("string"), false);
  });
});

describe("Controller", () => {
  test("a burst of enqueues for one key is one reconcile; a burst during a reconcile is one more", async () => {
    const { reconciler, controller } = setup();
    for (let i = 0; i < 100; i++) controller.enqueue({ namespace: "ns", name: "a" });
    const gate = deferred();
    reconciler.behaviour = async () => {
      await gate.promise;
      return {};
    };
    controller.start();
    await settle();
    assert.deepEqual(reconciler.calls, ["ns/a"]);
    for (let i = 0; i < 100; i++) controller.enqueue({ namespace: "ns", name: "a" });
    await settle();
    assert.deepEqual(reconciler.calls, ["ns/a"], "not reconciled concurrently with itself");
    gate.resolve();
    await settle();
    assert.deepEqual(reconciler.calls, ["ns/a", "ns/a"]);
    assert.equal(reconciler.overlapped, false);
    await controller.stop();
  });

  test("workers run distinct keys concurrently, up to the concurrency", async () => {
    const { reconciler, controller } = setup(3);
    const gate = deferred();
    reconciler.behaviour = async () => {
      await gate.promise;
      return {};
    };
    for (const n of ["a", "b", "c", "d", "e"]) controller.enqueue({ namespace: "ns", name: n });
    controller.start();
    await settle();
    assert.equal(reconciler.running.size, 3);
    assert.deepEqual(controller.inFlight.sort(), ["ns/a", "ns/b", "ns/c"]);
    gate.resolve();
    await settle();
    assert.deepEqual(reconciler.calls.sort(), ["ns/a", "ns/b", "ns/c", "ns/d", "ns/e"]);
    assert.equal(reconciler.maxConcurrent, 3);
    await controller.stop();
  });

  test("errors retry with per-key backoff; success forgets the failures", async () => {
    const { reconciler, controller, clock, outcomes } = setup();
    reconciler.behaviour = async (_key, n) => {
      if (n <= 3) throw new Error(`attempt ${n} failed`);
      return {};
    };
    controller.enqueue({ namespace: "ns", name: "a" });
    controller.start();
    await settle();
    const callAt: number[] = [clock.now()];
    for (let i = 0; i < 20; i++) {
      const before = reconciler.calls.length;
      await clock.advanceAsync(500);
      if (reconciler.calls.length > before) callAt.push(clock.now());
    }
    assert.deepEqual(callAt.map((t) => t - callAt[0]!), [0, 1_000, 3_000, 7_000], "1 s, 2 s, 4 s");
    assert.deepEqual(outcomes, ["error", "error", "error", "success"]);
    assert.equal(controller.queue.numRequeues("ns/a"), 0);
    await controller.stop();
  });

  test("a TerminalError is not retried", async () => {
    const { reconciler, controller, clock, outcomes } = setup();
    reconciler.behaviour = async () => {
      throw new Error("invalid spec", { cause: new TerminalError("no such store") });
    };
    controller.enqueue({ namespace: "ns", name: "a" });
    controller.start();
    await settle();
    await clock.advanceAsync(10 * 60_000);
    assert.deepEqual(reconciler.calls, ["ns/a"]);
    assert.deepEqual(outcomes, ["terminal"]);
    assert.equal(clock.pending, 0);
    await controller.stop();
  });

  test("requeueAfterMs reconciles again after that long", async () => {
    const { reconciler, controller, clock, outcomes } = setup();
    reconciler.behaviour = async () => ({ requeueAfterMs: 60_000 });
    controller.enqueue({ namespace: "ns", name: "a" });
    controller.start();
    await settle();
    await clock.advanceAsync(59_999);
    assert.equal(reconciler.calls.length, 1);
    await clock.advanceAsync(1);
    assert.equal(reconciler.calls.length, 2);
    assert.deepEqual(outcomes, ["requeue-after", "requeue-after"]);
    await controller.stop();
  });

  test("a periodic requeue waits behind changes: a new object is reconciled before refreshes due earlier (issue #16)", async () => {
    const { reconciler, controller, clock } = setup(1);
    reconciler.behaviour = async (key) => (key.startsWith("ns/refresh") ? { requeueAfterMs: 60_000 } : {});
    for (const name of ["refresh-1", "refresh-2", "refresh-3"]) controller.enqueue({ namespace: "ns", name });
    controller.start();
    await settle();
    assert.equal(reconciler.calls.length, 3);
    // The three refreshes come due; a worker is busy with one when the new object arrives.
    const gate = deferred();
    reconciler.behaviour = async (key) => {
      if (key === "ns/refresh-1") await gate.promise;
      return key.startsWith("ns/refresh") ? { requeueAfterMs: 60_000 } : {};
    };
    await clock.advanceAsync(60_000);
    controller.enqueue({ namespace: "ns", name: "new" });
    gate.resolve();
    await settle();
    assert.deepEqual(reconciler.calls.slice(3), ["ns/refresh-1", "ns/new", "ns/refresh-2", "ns/refresh-3"]);
    await controller.stop();
  });

  test("stop waits for in-flight reconciles, drops queued keys, and takes no more", async () => {
    const { reconciler, controller } = setup(1);
    const gate = deferred();
    reconciler.behaviour = async () => {
      await gate.promise;
      return { requeueAfterMs: 1_000 };
    };
    controller.enqueue({ namespace: "ns", name: "a" });
    controller.enqueue({ namespace: "ns", name: "b" });
    controller.start();
    await settle();
    let stopped = false;
    const stopping = controller.stop().then(() => (stopped = true));
    await settle();
    assert.equal(stopped, false);
    gate.resolve();
    await stopping;
    assert.deepEqual(reconciler.calls, ["ns/a"], "b was queued, not started");
    assert.equal(reconciler.signals[0]!.aborted, true, "aborted once stopped");
    controller.enqueue({ namespace: "ns", name: "c" });
    controller.start();
    await settle();
    assert.deepEqual(reconciler.calls, ["ns/a"]);
  });

  test("stop aborts the signal of reconciles that outlive the timeout", async () => {
    const { reconciler, controller, clock } = setup();
    let sawAbort = false;
    reconciler.behaviour = (_key, _n, signal) =>
      new Promise((resolve) => {
        signal.addEventListener("abort", () => {
          sawAbort = true;
          resolve({});
        });
      });
    controller.enqueue({ namespace: "ns", name: "slow" });
    controller.start();
    await settle();
    const stopping = controller.stop({ timeoutMs: 10_000 });
    await clock.advanceAsync(9_999);
    assert.equal(sawAbort, false, "the grace period first");
    await clock.advanceAsync(1);
    await stopping;
    assert.equal(sawAbort, true);
  });

  test("stop gives up on a reconcile that ignores its signal", async () => {
    const { reconciler, controller, clock } = setup();
    reconciler.behaviour = () => new Promise(() => {});
    controller.enqueue({ namespace: "ns", name: "stuck" });
    controller.start();
    await settle();
    let stopped = false;
    const stopping = controller.stop({ timeoutMs: 0 }).then(() => (stopped = true));
    await clock.advanceAsync(5_000);
    await stopping;
    assert.equal(stopped, true);
  });

  test("informer handlers enqueue mapped requests, old and new on update", async () => {
    const { reconciler, controller } = setup();
    const owner = (o: KubeObject) => (o.metadata?.labels?.owner ? [{ namespace: o.metadata.namespace, name: o.metadata.labels.owner }] : []);
    const h = controller.handlers(owner);
    h.add!({ metadata: { namespace: "ns", name: "s1", labels: { owner: "es1" } } });
    h.update!({ metadata: { namespace: "ns", name: "s1", labels: { owner: "es1" } } }, { metadata: { namespace: "ns", name: "s1", labels: { owner: "es2" } } });
    h.delete!({ metadata: { namespace: "ns", name: "s2" } });
    controller.handlers().add!({ metadata: { namespace: "ns", name: "self" } });
    controller.start();
    await settle();
    assert.deepEqual(reconciler.calls.sort(), ["ns/es1", "ns/es2", "ns/self"]);
    await controller.stop();
  });

  test("maxRetryDelayMs caps the backoff of the failures it names, and only those", async () => {
    const clock = new FakeClock();
    const reconciler = new ScriptedReconciler();
    reconciler.behaviour = async (key) => {
      throw Object.assign(new Error(`${key} failed`), { transient: key.endsWith("/kube") });
    };
    const controller = new Controller({ name: "test", reconciler, clock, maxRetryDelayMs: (err) => ((err as { transient?: boolean }).transient ? 5_000 : undefined) });
    controller.start();
    controller.enqueue({ namespace: "n", name: "kube" });
    controller.enqueue({ namespace: "n", name: "aws" });
    // 1 + 2 + 4 + 5 + 5 s for the capped key; 1 + 2 + 4 + 8 s for the other.
    await clock.advanceAsync(17_000);
    const count = (k: string) => reconciler.calls.filter((c) => c === k).length;
    assert.equal(count("n/kube"), 6, "attempts at 0, 1, 3, 7, 12 and 17 s");
    assert.equal(count("n/aws"), 5, "attempts at 0, 1, 3, 7 and 15 s");
    await controller.stop({ timeoutMs: 0 });
  });
});
