// One controller process against a fresh control plane and moto, measured from outside:
//   1. N Secrets Manager secrets, a SecretStore, the controller started and its store Ready;
//   2. cold sync: N ExternalSecrets (one key each, refreshInterval 60 s) created at once, until every
//      target Secret holds the right value (seen through a Secret watch, not by polling);
//   3. steady window: AWS calls by action through the counting proxy, CPU (/proc/<pid>/stat) and RSS
//      (/proc/<pid>/status) while the N refresh;
//   4. new ExternalSecrets created one by one while the N keep refreshing: time until each Secret is right.
import * as k8s from "@kubernetes/client-node";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { Informer } from "../../src/runtime/informer.ts";
import type { KubeObject } from "../../src/runtime/list-watcher.ts";
import { startEnvironment, TestEnvironment, waitUntil } from "../../test/env/index.ts";
import type { ManagedProcess } from "../../test/env/managed-process.ts";
import type { ControllerStart } from "./controller-process.ts";
import type { ControllerRunResult } from "./controller-result.ts";
import { summarizeLatencies } from "./latency.ts";
import { awsAnswerTimes, formatAnswerTimes } from "./aws-answer-times.ts";
import { readCpuSeconds, readMemory } from "./proc-stats.ts";
import { inParallel } from "../bench-fixtures.ts";
import { meanDurationDelta, readRequestDurations, readRequestTotals, requestDelta, type ApiserverAccess } from "./apiserver-requests.ts";
import { refreshAges } from "./refresh-ages.ts";

export interface ScenarioOptions {
  label: string;
  kind: "eso" | "ferry";
  /** The CRDs the controller owns: ESO's own for ESO, deploy/crds for Ferry. */
  crdDir?: string;
  start: (o: ControllerStart) => Promise<ManagedProcess> | ManagedProcess;
  count: number;
  steadySeconds: number;
  probes: number;
  probeIntervalSeconds: number;
  unmanagedSecrets: number;
  timeoutSeconds: number;
  /** Keep the control plane's and the controller's logs (printed path) even when the run succeeds. */
  keepLogs?: boolean;
}

type SecretObject = KubeObject & { data?: Record<string, string> };

// Every line carries the machine's load average: on a shared 2-core machine a timing means little without it.
const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");
const log = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)} load ${load()}] ${message}`);
const formatMeanDurations = (d: Record<string, { requests: number; meanMs: number }>) =>
  Object.entries(d).slice(0, 6).map(([key, { requests, meanMs }]) => `${key} ${requests} × ${meanMs} ms`).join(", ");
const pad = (i: number) => String(i).padStart(5, "0");
const remoteValue = (key: string) => `value-of-${key}`;


/**
 * moto's CreateSecret is not thread-safe: with thousands of secrets, concurrent creates sometimes fail with a 500
 * HTML page ("dictionary changed size during iteration" in its secrets dict). Seeding retries those; a retry that
 * finds the secret already there succeeded earlier.
 */
async function seedWithRetry(create: () => Promise<unknown>, attempts = 6): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await create();
      return;
    } catch (err) {
      if ((err as Error).name === "ResourceExistsException" && attempt > 1) return;
      if (attempt >= attempts) throw err;
      await sleep(250 * attempt);
    }
  }
}

export async function runControllerScenario(o: ScenarioOptions): Promise<ControllerRunResult> {
  log(`${o.label}: fresh control plane${o.crdDir ? ` with CRDs from ${o.crdDir}` : ""}`);
  const running = await startEnvironment(o.crdDir ? { crdDir: o.crdDir } : {});
  const env = new TestEnvironment(running.state);
  let controller: ManagedProcess | undefined;
  let secrets: Informer<SecretObject> | undefined;
  let failed = true;
  try {
    const kc = env.kubeConfig();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const ns = (await env.createNamespace("bench")).name;
    const aws = await env.startAwsProxy();
    const timeoutMs = o.timeoutSeconds * 1000;

    // The remote secrets: N for the cold sync and the steady window, one per latency probe.
    const steadyNames = Array.from({ length: o.count }, (_, i) => `es-${pad(i)}`);
    const probeNames = Array.from({ length: o.probes }, (_, i) => `probe-${pad(i)}`);
    const keyOf = (name: string) => `bench/${name}`;
    const sm = new SecretsManagerClient({ region: env.state.region, endpoint: aws.url, credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" } });
    log(`${o.label}: creating ${steadyNames.length + probeNames.length} Secrets Manager secrets in moto`);
    await inParallel([...steadyNames, ...probeNames], 8, (name) =>
      seedWithRetry(() => sm.send(new CreateSecretCommand({ Name: keyOf(name), SecretString: JSON.stringify({ password: remoteValue(keyOf(name)) }) }))));
    sm.destroy();
    if (o.unmanagedSecrets > 0) {
      const other = (await env.createNamespace("unmanaged")).name;
      log(`${o.label}: creating ${o.unmanagedSecrets} unmanaged Secrets`);
      await inParallel(Array.from({ length: o.unmanagedSecrets }, (_, i) => i), 16, (i) =>
        core.createNamespacedSecret({ namespace: other, body: { metadata: { name: `unmanaged-${pad(i)}` }, stringData: { token: `unmanaged-${i}`.padEnd(64, ".") } } }));
    }
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "aws-creds" }, stringData: { "access-key": "AKIDBENCH", "secret-access-key": "bench" } } });
    await custom.createNamespacedCustomObject({
      group: "external-secrets.io", version: "v1", namespace: ns, plural: "secretstores",
      body: {
        apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "aws" },
        spec: { provider: { aws: { service: "SecretsManager", region: env.state.region, auth: { secretRef: {
          accessKeyIDSecretRef: { name: "aws-creds", key: "access-key" },
          secretAccessKeySecretRef: { name: "aws-creds", key: "secret-access-key" },
        } } } } },
      },
    });

    // The moment each target Secret first holds the right value, from a watch.
    const expected = new Map([...steadyNames, ...probeNames].map((name) => [name, Buffer.from(remoteValue(keyOf(name))).toString("base64")]));
    const rightAt = new Map<string, number>();
    secrets = new Informer<SecretObject>({ kubeConfig: kc, path: `/api/v1/namespaces/${ns}/secrets` });
    const observe = (s: SecretObject) => {
      const name = s.metadata?.name ?? "";
      if (!rightAt.has(name) && expected.has(name) && s.data?.password === expected.get(name)) rightAt.set(name, performance.now());
    };
    secrets.addEventHandler({ add: observe, update: (_old, s) => observe(s) });
    secrets.start();
    await secrets.waitForSync();

    controller = await o.start({ kubeconfig: env.state.kubeconfig, awsEndpoint: aws.url, region: env.state.region, logDir: running.state.logDir });
    const pid = controller.pid!;
    await waitUntil(`${o.label}: SecretStore Ready`, async () => {
      const store = (await custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "secretstores", name: "aws" })) as { status?: { conditions?: Array<{ type: string; status: string }> } };
      return store.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
    }, { timeoutMs: 180_000, intervalMs: 500, process: controller });
    log(`${o.label}: controller pid ${pid} up, store Ready; creating ${o.count} ExternalSecrets`);

    const externalSecret = (name: string) => ({
      apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name },
      spec: { refreshInterval: "60s", secretStoreRef: { name: "aws", kind: "SecretStore" }, target: { name }, data: [{ secretKey: "password", remoteRef: { key: keyOf(name), property: "password" } }] },
    });
    const create = (name: string) => custom.createNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "externalsecrets", body: externalSecret(name) });

    // Cold sync.
    const apiserver: ApiserverAccess = { url: env.state.apiserverUrl, caCert: env.state.pki.caCert, clientCert: env.state.pki.adminCert, clientKey: env.state.pki.adminKey };
    const requestsBefore = await readRequestTotals(apiserver).catch(() => undefined);
    const durationsBefore = await readRequestDurations(apiserver).catch(() => undefined);
    const controlPlaneCpu = () => Object.fromEntries(running.processes.filter((p) => p.pid !== undefined).map((p) => [p.name, readCpuSeconds(p.pid!)]));
    const controlPlaneCpuBefore = controlPlaneCpu();
    aws.resetCounts();
    const coldCpuBefore = readCpuSeconds(pid);
    const coldStarted = performance.now();
    // Where the cold sync's time goes: how many Secrets are right every 5 s, and when the creates were done.
    const progress = setInterval(() => log(`${o.label}: ${((performance.now() - coldStarted) / 1000).toFixed(0)} s: ${steadyNames.filter((n) => rightAt.has(n)).length} of ${o.count} right, controller CPU ${(readCpuSeconds(pid) - coldCpuBefore).toFixed(1)} s (${Object.entries(controlPlaneCpu()).map(([name, s]) => `${name} ${(s - (controlPlaneCpuBefore[name] ?? 0)).toFixed(0)}`).join(", ")}), RSS ${(readMemory(pid).rssBytes / 2 ** 20).toFixed(0)} MiB`), 5_000);
    await inParallel(steadyNames, 16, create);
    log(`${o.label}: all ${o.count} ExternalSecrets created after ${((performance.now() - coldStarted) / 1000).toFixed(1)} s`);
    let coldSyncSeconds: number | undefined;
    try {
      await waitUntil(`${o.label}: ${o.count} Secrets right`, () => steadyNames.every((n) => rightAt.has(n)), { timeoutMs, intervalMs: 200, process: controller });
      coldSyncSeconds = (Math.max(...steadyNames.map((n) => rightAt.get(n)!)) - coldStarted) / 1000;
    } catch (err) {
      controller.assertRunning();
      log(`${o.label}: cold sync incomplete (${steadyNames.filter((n) => rightAt.has(n)).length} of ${o.count} right): ${(err as Error).message.split("\n")[0]}`);
    }
    clearInterval(progress);
    const coldSyncAwsCalls = aws.counts();
    log(`${o.label}: moto's answers in the cold sync: ${formatAnswerTimes(awsAnswerTimes(aws.log))}`);
    const coldSyncCpuSeconds = readCpuSeconds(pid) - coldCpuBefore;
    const controlPlaneCpuAfter = controlPlaneCpu();
    log(`${o.label}: control plane CPU in the cold sync: ${Object.entries(controlPlaneCpuAfter).map(([name, s]) => `${name} ${(s - (controlPlaneCpuBefore[name] ?? 0)).toFixed(1)} s`).join(", ")}`);
    const requestsAfter = await readRequestTotals(apiserver).catch(() => undefined);
    if (requestsBefore && requestsAfter) log(`${o.label}: Kubernetes API requests in the cold sync (bench's creates included): ${JSON.stringify(requestDelta(requestsBefore, requestsAfter))}`);
    const durationsAfter = await readRequestDurations(apiserver).catch(() => undefined);
    if (durationsBefore && durationsAfter) log(`${o.label}: the apiserver's mean time per request in the cold sync: ${formatMeanDurations(meanDurationDelta(durationsBefore, durationsAfter))}`);
    log(`${o.label}: cold sync ${coldSyncSeconds?.toFixed(1) ?? "timed out"} s; steady window ${o.steadySeconds} s`);

    // Steady window.
    aws.resetCounts();
    const cpuBefore = readCpuSeconds(pid);
    const steadyControlPlaneCpuBefore = controlPlaneCpu();
    const steadyDurationsBefore = await readRequestDurations(apiserver).catch(() => undefined);
    await sleep(o.steadySeconds * 1000);
    controller.assertRunning();
    const steadyCpuSeconds = readCpuSeconds(pid) - cpuBefore;
    const steadyControlPlaneCpuAfter = controlPlaneCpu();
    log(`${o.label}: control plane CPU in the steady window: ${Object.entries(steadyControlPlaneCpuAfter).map(([name, s]) => `${name} ${(s - (steadyControlPlaneCpuBefore[name] ?? 0)).toFixed(1)} s`).join(", ")}`);
    const steadyAwsCalls = aws.counts();
    log(`${o.label}: moto's answers in the steady window: ${formatAnswerTimes(awsAnswerTimes(aws.log))}`);
    const memory = readMemory(pid);
    const steadyDurationsAfter = await readRequestDurations(apiserver).catch(() => undefined);
    if (steadyDurationsBefore && steadyDurationsAfter) log(`${o.label}: Kubernetes API requests in the steady window, with the apiserver's mean time per request: ${formatMeanDurations(meanDurationDelta(steadyDurationsBefore, steadyDurationsAfter))}`);
    // Whether the refreshes kept up with refreshInterval 60 s: each ExternalSecret's last refresh, by its status.
    const listed = (await custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "externalsecrets" })) as { items: Array<{ status?: { refreshTime?: string } }> };
    const ages = refreshAges(listed.items, Date.now(), 60);
    log(`${o.label}: time since each ExternalSecret's last refresh at the end of the steady window: p50 ${ages.p50Seconds.toFixed(0)} / p99 ${ages.p99Seconds.toFixed(0)} / max ${ages.maxSeconds.toFixed(0)} s; ${ages.late} of ${ages.samples} older than 60 s + jitter`);
    log(`${o.label}: steady ${JSON.stringify(steadyAwsCalls)}, CPU ${steadyCpuSeconds.toFixed(1)} s, RSS ${(memory.rssBytes / 2 ** 20).toFixed(0)} MiB`);

    // New ExternalSecrets while the N refresh.
    const createdAt = new Map<string, number>();
    for (const [i, name] of probeNames.entries()) {
      if (i > 0) await sleep(o.probeIntervalSeconds * 1000);
      createdAt.set(name, performance.now());
      await create(name);
    }
    await waitUntil(`${o.label}: ${o.probes} new ExternalSecrets right`, () => probeNames.every((n) => rightAt.has(n)), { timeoutMs, intervalMs: 100, process: controller })
      .catch((err: Error) => log(`${o.label}: ${err.message.split("\n")[0]}`));
    const latencies = probeNames.map((n) => (rightAt.has(n) ? (rightAt.get(n)! - createdAt.get(n)!) / 1000 : undefined));
    const peakRssBytes = readMemory(pid).peakRssBytes;
    await aws.close();
    failed = false;
    return {
      label: o.label, kind: o.kind, count: o.count,
      coldSyncSeconds, coldSyncAwsCalls, coldSyncCpuSeconds,
      steadySeconds: o.steadySeconds, steadyAwsCalls, steadyCpuSeconds,
      rssBytes: memory.rssBytes, peakRssBytes,
      latency: summarizeLatencies(latencies),
    };
  } finally {
    await controller?.stop();
    await secrets?.stop();
    await running.stop({ keepLogs: failed || o.keepLogs === true });
  }
}
