// Rollout on Secret change on the real control plane: opted-in workloads (Ferry's and Reloader's annotations)
// get their pod template's secrets-hash changed once per content change of a Secret they use, whether the
// change came from AWS through an ExternalSecret refresh or from a direct edit; a no-op refresh and a
// metadata-only write roll nothing; a workload that did not opt in is never written (managedFields).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { waitUntil } from "../../env/index.ts";
import { decode, startSync, type SyncHarness } from "../sync/sync-harness.ts";
import { RolloutProbe, envFromSecret, envSecretKey, startRollouts, workload, type RunningRollouts } from "./rollout-harness.ts";

const CANARY = "canary-rollout-7d1e";
const DEBOUNCE_MS = 300;
let h: SyncHarness;
let r: RunningRollouts;
let p: RolloutProbe;
let ns: { name: string; delete: () => Promise<void> };
const sm = () => new SecretsManagerClient({});
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

async function forceSync(name: string): Promise<void> {
  await h.custom.patchNamespacedCustomObject(
    { group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name, body: { metadata: { annotations: { "external-secrets.io/force-sync": String(Date.now()) } } } },
    merge,
  );
}

/**
 * Proves every earlier Secret event was handled: a content change of `sentinel` rolls the `sentinel`
 * Deployment, and the watch delivers a namespace's Secret events in order, so anything a no-op before it
 * would have caused is visible by then (plus one debounce window for a reconcile to finish).
 */
let sentinelGeneration = 1;
async function drain(): Promise<void> {
  await p.putSecret(ns.name, "sentinel", { k: `s${++sentinelGeneration}` });
  await p.waitForGeneration("Deployment", ns.name, "sentinel", sentinelGeneration);
  await sleep(2 * DEBOUNCE_MS);
}

before(async () => {
  h = await startSync();
  ns = await h.env.createNamespace("rollout");
  p = new RolloutProbe(h.kc);
  await h.apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "aws" }, spec: { provider: { aws: { service: "SecretsManager", region: h.env.state.region } } } }, { namespace: ns.name });
  await sm().send(new CreateSecretCommand({ Name: "rollout/db", SecretString: JSON.stringify({ password: `${CANARY}-v1` }) }));
  await h.apply({
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "db" },
    spec: { secretStoreRef: { name: "aws", kind: "SecretStore" }, refreshInterval: "1h", data: [{ secretKey: "password", remoteRef: { key: "rollout/db", property: "password" } }] },
  }, { namespace: ns.name });
  await h.waitForSecret(ns.name, "db", (s) => decode(s, "password") === `${CANARY}-v1`);
  await p.putSecret(ns.name, "plain", { k: `${CANARY}-p1` });
  await p.putSecret(ns.name, "matched", { k: "m1" }, { "reloader.stakater.com/match": "true" });
  await p.putSecret(ns.name, "sentinel", { k: "s1" });

  const workloads = [
    workload("Deployment", "opted", { annotations: { "ferry.dev/rollout-on-change": "true" }, ...envSecretKey("db", "password"), ...envFromSecret("plain") }),
    workload("Deployment", "bystander", { ...envFromSecret("db"), volumes: [{ name: "p", secret: { secretName: "plain" } }, { name: "s", secret: { secretName: "sentinel" } }] }),
    workload("Deployment", "sentinel", { annotations: { "ferry.dev/rollout-on-change": "true" }, ...envFromSecret("sentinel") }),
    workload("Deployment", "reloader-auto", { templateAnnotations: { "reloader.stakater.com/auto": "true" }, volumes: [{ name: "p", projected: { sources: [{ secret: { name: "plain" } }] } }] }),
    workload("StatefulSet", "reloader-reload", { annotations: { "secret.reloader.stakater.com/reload": "pla.*" } }),
    workload("DaemonSet", "reloader-search", { annotations: { "reloader.stakater.com/search": "true" }, initEnv: [{ name: "D", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }], ...envFromSecret("plain"), volumes: [{ name: "m", secret: { secretName: "matched" } }] }),
  ];
  for (const w of workloads) await p.create(ns.name, w);
  r = await startRollouts(h.kc, { namespace: ns.name, debounceMs: DEBOUNCE_MS });
  await waitUntil("the rollout controller to watch the namespace's Secrets", () => r.controller.watchingSecretsOf(ns.name), { timeoutMs: 10_000 });
});

after(async () => {
  await r?.controller.stop();
  await h?.stop();
  await ns?.delete();
});

describe("rollout on Secret change", () => {
  test("starting the controller rolls nothing", async () => {
    await drain();
    for (const [kind, name] of [["Deployment", "opted"], ["Deployment", "reloader-auto"], ["StatefulSet", "reloader-reload"], ["DaemonSet", "reloader-search"]] as const) {
      assert.equal((await p.state(kind, ns.name, name)).generation, 1, `${kind} ${name}`);
    }
  });

  test("a value changed in AWS reaches the Secret through a refresh and rolls the opted-in Deployment once", async () => {
    await sm().send(new PutSecretValueCommand({ SecretId: "rollout/db", SecretString: JSON.stringify({ password: `${CANARY}-v2` }) }));
    await forceSync("db");
    await h.waitForSecret(ns.name, "db", (s) => decode(s, "password") === `${CANARY}-v2`);
    const rolled = await p.waitForGeneration("Deployment", ns.name, "opted", 2);
    assert.match(rolled.hash ?? "", /^[0-9a-f]{32}$/);
    assert.ok(rolled.managers.some((m) => m.manager === "ferry-rollout" && m.operation === "Apply"), JSON.stringify(rolled.managers));
    await drain();
    assert.equal((await p.state("Deployment", ns.name, "opted")).generation, 2, "one rollout for one change");
    // The DaemonSet searches: db carries no reloader.stakater.com/match, so it is not a trigger.
    assert.equal((await p.state("DaemonSet", ns.name, "reloader-search")).generation, 1);
  });

  test("a no-op refresh and a metadata-only write roll nothing", async () => {
    const before = (await h.externalSecret(ns.name, "db")).status?.refreshTime;
    const rv = (await h.core.readNamespacedSecret({ namespace: ns.name, name: "db" })).metadata?.resourceVersion;
    await forceSync("db");
    await waitUntil("the no-op refresh", async () => (await h.externalSecret(ns.name, "db")).status?.refreshTime !== before, { timeoutMs: 15_000 });
    assert.notEqual(await p.touchSecret(ns.name, "db"), rv, "the resourceVersion moved");
    await p.touchSecret(ns.name, "plain");
    await drain();
    assert.equal((await p.state("Deployment", ns.name, "opted")).generation, 2);
    assert.equal((await p.state("Deployment", ns.name, "reloader-auto")).generation, 1);
  });

  test("a direct Secret edit rolls every workload it triggers, once each (Ferry, Reloader auto on the template, Reloader reload by pattern)", async () => {
    const hashBefore = (await p.state("Deployment", ns.name, "opted")).hash;
    await p.putSecret(ns.name, "plain", { k: `${CANARY}-p2` });
    const opted = await p.waitForGeneration("Deployment", ns.name, "opted", 3);
    assert.notEqual(opted.hash, hashBefore);
    await p.waitForGeneration("Deployment", ns.name, "reloader-auto", 2);
    await p.waitForGeneration("StatefulSet", ns.name, "reloader-reload", 2);
    await drain();
    assert.equal((await p.state("Deployment", ns.name, "opted")).generation, 3);
    assert.equal((await p.state("Deployment", ns.name, "reloader-auto")).generation, 2);
    assert.equal((await p.state("StatefulSet", ns.name, "reloader-reload")).generation, 2);
    // plain is consumed by the DaemonSet but not annotated reloader.stakater.com/match.
    assert.equal((await p.state("DaemonSet", ns.name, "reloader-search")).generation, 1);
  });

  test("Reloader search + match: a consumed Secret annotated match rolls the DaemonSet (consumed by a volume)", async () => {
    await p.putSecret(ns.name, "matched", { k: "m2" }, { "reloader.stakater.com/match": "true" });
    await p.waitForGeneration("DaemonSet", ns.name, "reloader-search", 2);
    await drain();
    assert.equal((await p.state("DaemonSet", ns.name, "reloader-search")).generation, 2);
  });

  test("a workload that did not opt in is never touched: no Ferry manager in its managedFields", async () => {
    const s = await p.state("Deployment", ns.name, "bystander");
    assert.equal(s.generation, 1);
    assert.equal(s.hash, undefined);
    assert.ok(!s.managers.some((m) => m.manager?.startsWith("ferry")), JSON.stringify(s.managers));
  });

  test("each rollout is an Event on the workload and a count in ferry_rollouts_triggered_total; no value anywhere", async () => {
    await waitUntil("the RolloutTriggered Events", async () => (await p.events(ns.name, "opted")).filter((e) => e.reason === "RolloutTriggered").length >= 2, { timeoutMs: 10_000 });
    const events = await p.events(ns.name, "opted");
    const messages = events.filter((e) => e.reason === "RolloutTriggered").map((e) => e.message ?? "");
    assert.ok(messages.some((m) => m.includes("Secret db changed content")), messages.join("\n"));
    assert.ok(messages.some((m) => m.includes("Secret plain changed content")), messages.join("\n"));
    // opted 2, reloader-auto 1, reloader-reload 1, reloader-search 1, sentinel one per drain.
    assert.equal(await r.triggered(), 5 + (sentinelGeneration - 1));
    const seen = [...r.logs, ...events.map((e) => e.message ?? "")].join("\n");
    assert.ok(!seen.includes(CANARY) && !seen.includes(Buffer.from(CANARY).toString("base64").slice(0, 12)), "a value leaked");
  });
});
