import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { FakeClock, settle } from "../clock.ts";
import { Informer } from "../informer.ts";
import { FakeListWatcher } from "../testing/fake-list-watcher.ts";
import { InformerMetrics } from "./informer-metrics.ts";

async function series(registry: Registry, name: string): Promise<Array<{ value: number; labels: Record<string, string> }>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values as Array<{ value: number; labels: Record<string, string> }> | undefined) ?? [];
}

describe("InformerMetrics", () => {
  test("last event age per resource: the oldest of its informers, by kind only, gone when they stop", async () => {
    const clock = new FakeClock();
    const registry = new Registry();
    new InformerMetrics(registry);
    const informer = (path: string) => new Informer({ path, listWatcher: new FakeListWatcher(), clock, random: () => 0.5 });
    const teamA = informer("/api/v1/namespaces/team-a/secrets");
    const teamB = informer("/api/v1/namespaces/team-b/secrets");
    teamA.start();
    await teamA.waitForSync();
    await clock.advanceAsync(30_000);
    teamB.start();
    await teamB.waitForSync();
    await settle();
    await clock.advanceAsync(15_000);
    const ages = (await series(registry, "ferry_informer_last_event_age_seconds")).filter((s) => s.labels.resource === "secrets");
    assert.deepEqual(ages, [{ value: 45, labels: { resource: "secrets" } }], "team-a's 45 s, not team-b's 15 s; no namespace label");
    await teamA.stop();
    await teamB.stop();
    assert.deepEqual((await series(registry, "ferry_informer_last_event_age_seconds")).filter((s) => s.labels.resource === "secrets"), []);
  });

  test("stall restarts are counted per resource and survive the informer's stop", async () => {
    const clock = new FakeClock();
    const registry = new Registry();
    new InformerMetrics(registry);
    const stalls = async () => (await series(registry, "ferry_informer_watch_stalls_total")).find((s) => s.labels.resource === "pushsecrets.external-secrets.io")?.value ?? 0;
    const before = await stalls();
    const informer = new Informer({ path: "/apis/external-secrets.io/v1alpha1/pushsecrets", listWatcher: new FakeListWatcher(), clock, random: () => 0.5, watchStallMs: 60_000 });
    informer.start();
    await informer.waitForSync();
    await settle();
    await clock.advanceAsync(120_000);
    await informer.stop();
    assert.equal(await stalls(), before + 2);
  });
});
