import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { FakeClock, settle } from "../clock.ts";
import { Controller } from "../controller.ts";
import { ControllerMetricsSet } from "./controller-metrics.ts";

async function gauge(registry: Registry, name: string, queue: string): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values as Array<{ value: number; labels: Record<string, string> }> | undefined)?.find((v) => v.labels.name === queue)?.value;
}

describe("ControllerMetricsSet", () => {
  test("unfinished work and the longest running processor grow while reconciles hang, and drop when they finish", async () => {
    const clock = new FakeClock();
    const registry = new Registry();
    const metrics = new ControllerMetricsSet(registry);
    const release: Array<() => void> = [];
    const controller = new Controller({
      name: "externalsecret",
      clock,
      concurrency: 2,
      metrics: metrics.for("externalsecret"),
      reconciler: { reconcile: () => new Promise((resolve) => release.push(() => resolve({}))) },
    });
    controller.start();
    const read = async () => ({
      unfinished: await gauge(registry, "workqueue_unfinished_work_seconds", "externalsecret"),
      longest: await gauge(registry, "workqueue_longest_running_processor_seconds", "externalsecret"),
    });
    assert.deepEqual(await read(), { unfinished: 0, longest: 0 }, "series exist at 0 before any work");

    controller.enqueue({ namespace: "a", name: "one" });
    await settle();
    clock.advance(3_000);
    controller.enqueue({ namespace: "a", name: "two" });
    await settle();
    clock.advance(2_000);
    assert.deepEqual(await read(), { unfinished: 7, longest: 5 }, "5 s + 2 s in progress; the oldest for 5 s");

    clock.advance(10_000);
    assert.deepEqual(await read(), { unfinished: 27, longest: 15 }, "a hung reconcile keeps them growing");

    for (const r of release) r();
    await settle();
    assert.deepEqual(await read(), { unfinished: 0, longest: 0 });
    await controller.stop({ timeoutMs: 0 });
  });
});
