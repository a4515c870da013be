// The change-propagation figure of `npm run bench` (issue 15): how long from a write in AWS to the updated
// Kubernetes Secret, and at what AWS cost, with change events (EventBridge → SQS → Ferry, refreshInterval 1h)
// and with polling alone (refreshInterval BENCH_POLL_INTERVAL, 30s by default). Both run the real SyncManager
// against the local control plane and moto, every AWS call counted by the fault proxy.
//
// What is measured: from PutSecretValue returning to the Secret's new data seen by a watch; with events also
// from the event's arrival in SQS (the message's SentTimestamp) and from Ferry receiving it, and where
// Ferry's own time went (RemoteChangeTiming: work queue, read, Secret write, status). In AWS the event also
// spends CloudTrail → EventBridge delivery time (best effort, typically seconds), which moto does not have:
// the bench puts the event the moment the write returns. Changes are spread evenly over one poll interval,
// so polling's latencies sample its whole cycle.
//
// `npm run bench -- --change-propagation` (or `node bench/change-propagation.ts`) runs this figure alone.
import os from "node:os";
import * as k8s from "@kubernetes/client-node";
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { parseDuration } from "../src/apis/duration.ts";
import { ChangeEvents } from "../src/changeevents/change-events.ts";
import { AwsProvider } from "../src/providers/aws/index.ts";
import { Informer } from "../src/runtime/informer.ts";
import { silentLogger } from "../src/runtime/logger.ts";
import type { RemoteChangeTiming } from "../src/sync/externalsecret/remote-changes.ts";
import type { KubeObject } from "../src/runtime/list-watcher.ts";
import { SyncManager } from "../src/sync/sync-manager.ts";
import { defaultValueTransforms } from "../src/sync/value-transforms.ts";
import { eventBridge, routeChangeEventsTo } from "../test/env/eventbridge.ts";
import { waitUntil, type TestEnvironment } from "../test/env/index.ts";

export interface PropagationOptions {
  env: TestEnvironment;
  mode: "events" | "polling";
  /** ExternalSecrets, one secret each; every secret changes once. */
  count: number;
  /** The polling mode's refreshInterval, and the span the changes are spread over. */
  pollInterval: string;
}

export interface PropagationResult {
  mode: "events" | "polling";
  refreshInterval: string;
  count: number;
  /** From PutSecretValue returning to the Secret's new data. */
  latenciesMs: number[];
  /** Events only: from Ferry receiving the event to the Secret's new data (Ferry's own part). */
  fromReceiptMs: number[];
  /** Events only: from the event's arrival in SQS (SentTimestamp) to the Secret's new data. */
  fromQueueMs: number[];
  /** Events only: from PutSecretValue returning to the event's arrival in SQS (the emulator's EventBridge). */
  deliveryMs: number[];
  /** Events only: from the event's arrival in SQS to Ferry receiving it (the long poll's answer). */
  receiveMs: number[];
  /** Events only: Ferry's own stages per change (since it received the event). */
  stages: RemoteChangeTiming[];
  /** Ferry's AWS calls by action while the changes were made (the benchmark's own writes left out), and how long that took. */
  awsCalls: Record<string, number>;
  windowMs: number;
  /** Ferry's AWS calls by action with nothing changing, and for how long. */
  idleCalls: Record<string, number>;
  idleMs: number;
  /** The span the writes were spread over. */
  spread: string;
  /** The machine's load average (1, 5, 15 min) when the run ended: say it next to every figure. */
  loadAverage: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Epoch milliseconds with sub-millisecond resolution: comparable with SQS's SentTimestamp (same machine). */
const epochNow = () => performance.timeOrigin + performance.now();

export async function runChangePropagation(o: PropagationOptions): Promise<PropagationResult> {
  const { env } = o;
  const region = env.state.region;
  const spreadMs = parseDuration(o.pollInterval);
  const refreshInterval = o.mode === "events" ? "1h" : o.pollInterval;
  const ns = await env.createNamespace(`bench-prop-${o.mode}`);
  const aws = await env.startAwsProxy();
  env.useAws(aws.url);
  const admin = env.kubeConfig();
  const custom = admin.makeApiClient(k8s.CustomObjectsApi);
  const ids = Array.from({ length: o.count }, (_, i) => `prop/${o.mode}-${String(i).padStart(4, "0")}`);
  const name = (id: string) => id.replace(/[^a-z0-9-]/g, "-");
  const provider = new AwsProvider({});
  let manager: SyncManager | undefined;
  let changeEvents: ChangeEvents | undefined;
  let secrets: Informer<KubeObject> | undefined;
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  try {
    const sm = new SecretsManagerClient({});
    for (const id of ids) await sm.send(new CreateSecretCommand({ Name: id, SecretString: `${id}@0` }));
    await custom.createNamespacedCustomObject({
      group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "secretstores",
      body: { apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "aws" }, spec: { provider: { aws: { service: "SecretsManager", region } } } },
    });

    // Secret data as a watch sees it: the moment each new value lands.
    const seenAt = new Map<string, number>();
    const receivedAt = new Map<string, number>();
    const sentAt = new Map<string, number>();
    const stages: RemoteChangeTiming[] = [];
    const expected = new Map<string, string>();
    const valueOf = (s: KubeObject) => Buffer.from((s as { data?: Record<string, string> }).data?.v ?? "", "base64").toString("utf8");
    const observe = (s: KubeObject) => {
      const id = expected.get(s.metadata?.name ?? "");
      if (id !== undefined && valueOf(s) === id && !seenAt.has(s.metadata!.name!)) seenAt.set(s.metadata!.name!, epochNow());
    };
    secrets = new Informer<KubeObject>({ kubeConfig: admin, path: `/api/v1/namespaces/${ns.name}/secrets` });
    secrets.addEventHandler({ add: observe, update: (_o, n) => observe(n) });
    secrets.start();
    await secrets.waitForSync();

    manager = new SyncManager({ kubeConfig: admin, provider, transforms: defaultValueTransforms, namespace: ns.name, onRemoteChangeSynced: (t) => stages.push(t) });
    await manager.start();
    if (o.mode === "events") {
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `ferry-bench-${process.pid}` }))).QueueUrl!;
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
      await routeChangeEventsTo(aws.url, region, `ferry-bench-${process.pid}`, queueArn);
      changeEvents = new ChangeEvents({
        queues: [{ url: queueUrl, region }],
        sync: manager,
        credentials: (r) => provider.defaultCredentials(r),
        timeouts: provider.timeouts,
        logger: silentLogger,
      });
      const handle = changeEvents.handle.bind(changeEvents);
      changeEvents.handle = (queue, body, sent) => {
        const at = epochNow();
        const id = (JSON.parse(body) as { detail?: { requestParameters?: { secretId?: string } } }).detail?.requestParameters?.secretId;
        if (id) {
          receivedAt.set(name(id), at);
          if (sent !== undefined) sentAt.set(name(id), sent);
        }
        return handle(queue, body, sent);
      };
      changeEvents.start();
    }
    for (const id of ids) {
      await custom.createNamespacedCustomObject({
        group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets",
        body: { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: name(id) }, spec: { refreshInterval, secretStoreRef: { name: "aws" }, data: [{ secretKey: "v", remoteRef: { key: id } }] } },
      });
    }
    await waitUntil(`${o.count} Secrets synced (${o.mode})`, () => ids.every((id) => { const s = secrets!.get(ns.name, name(id)); return s !== undefined && valueOf(s) === `${id}@0`; }), { timeoutMs: 120_000, intervalMs: 100 });
    // Polling phases settle into their steady cycle before the window starts.
    await sleep(o.mode === "polling" ? spreadMs : 2_000);

    aws.resetCounts();
    stages.length = 0;
    const windowStart = performance.now();
    const writtenAt = new Map<string, number>();
    // Events are put without waiting, as AWS delivers them on its own: the writes keep their schedule.
    const puts: Array<Promise<unknown>> = [];
    for (const [i, id] of ids.entries()) {
      await sleep(Math.max(0, windowStart + (i * spreadMs) / o.count - performance.now()));
      expected.set(name(id), `${id}@1`);
      await sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: `${id}@1` }));
      writtenAt.set(name(id), epochNow());
      if (o.mode === "events") {
        puts.push(eventBridge(aws.url, region, "PutEvents", {
          Entries: [{ Source: "aws.secretsmanager", DetailType: "AWS API Call via CloudTrail", Detail: JSON.stringify({ eventSource: "secretsmanager.amazonaws.com", eventName: "PutSecretValue", awsRegion: region, requestParameters: { secretId: id } }) }],
        }));
      }
    }
    await Promise.all(puts);
    const jitterMs = Math.min(spreadMs * 0.1, 5 * 60_000);
    await waitUntil(`${o.count} changes seen (${o.mode})`, () => ids.every((id) => seenAt.has(name(id))), { timeoutMs: 2 * spreadMs + jitterMs + 60_000, intervalMs: 50 });
    // The window covers two full poll intervals whatever the mode, so calls per hour compare like for like.
    await sleep(Math.max(0, windowStart + 2 * spreadMs - performance.now()));
    const windowMs = performance.now() - windowStart;
    const awsCalls = ferryCalls(aws.counts());
    // Then nothing changes for two poll intervals: what each mode costs at rest.
    aws.resetCounts();
    const idleStart = performance.now();
    await sleep(2 * spreadMs);
    const idleMs = performance.now() - idleStart;
    const latenciesMs = ids.map((id) => seenAt.get(name(id))! - writtenAt.get(name(id))!);
    const between = (from: Map<string, number>, to: Map<string, number>) => ids.filter((id) => from.has(name(id)) && to.has(name(id))).map((id) => to.get(name(id))! - from.get(name(id))!);
    return {
      mode: o.mode, refreshInterval, count: o.count, latenciesMs, awsCalls, windowMs, idleCalls: ferryCalls(aws.counts()), idleMs, spread: o.pollInterval, loadAverage: loadAverage(),
      fromReceiptMs: between(receivedAt, seenAt), fromQueueMs: between(sentAt, seenAt), deliveryMs: between(writtenAt, sentAt), receiveMs: between(sentAt, receivedAt), stages: [...stages],
    };
  } finally {
    await changeEvents?.stop();
    await manager?.stop();
    await secrets?.stop();
    sqs.destroy();
    provider.close();
    await aws.close();
    await ns.delete();
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** The benchmark's own calls (writing secrets, putting events, setting up) are not Ferry's. */
const BENCH_ACTIONS = new Set(["CreateSecret", "PutSecretValue", "PutEvents", "PutRule", "PutTargets", "CreateQueue", "GetQueueAttributes"]);
function ferryCalls(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([a]) => !BENCH_ACTIONS.has(a)));
}
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/**
 * Ferry's AWS calls per hour at `changesPerHour` changes to the N secrets: at rest (measured), plus each
 * change's calls (measured: with events a receive, a delete and a read; polling reads on its own schedule
 * whatever changes), plus, with events, the 1h refresh of every ExternalSecret (N/20 batched reads).
 */
export function callsPerHour(r: PropagationResult, changesPerHour: number): number {
  const idle = (sum(r.idleCalls) * 3_600_000) / r.idleMs;
  if (r.mode === "polling") return idle;
  return idle + (changesPerHour * sum(r.awsCalls)) / r.count + Math.ceil(r.count / 20);
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
const p50p99 = (values: number[]) => (values.length === 0 ? "n/a" : `p50 ${(percentile(values, 50) / 1000).toFixed(2)} s, p99 ${(percentile(values, 99) / 1000).toFixed(2)} s`);

export function formatChangePropagation(events: PropagationResult, polling: PropagationResult | undefined, changesPerHour: number): string {
  const s = (ms: number) => (ms / 1000).toFixed(2).padStart(8);
  const row = (r: PropagationResult) =>
    `${`${r.mode} (refreshInterval ${r.refreshInterval})`.padEnd(34)} ${s(percentile(r.latenciesMs, 50))} ${s(percentile(r.latenciesMs, 99))} ${callsPerHour(r, changesPerHour).toFixed(0).padStart(14)}   ${r.loadAverage}`;
  const stage = (pick: (t: RemoteChangeTiming) => number | undefined) => p50p99(events.stages.map(pick).filter((v): v is number => v !== undefined));
  return [
    `change propagation: ${events.count} ExternalSecrets, one Secrets Manager secret each; each secret written once, the writes spread over ${polling?.refreshInterval ?? events.spread}`,
    `latency from PutSecretValue returning to the Secret's new data seen by a watch (${os.cpus().length} CPUs; load average 1/5/15 min at the end of each run)`,
    `${"mode".padEnd(34)} ${"p50 s".padStart(8)} ${"p99 s".padStart(8)} ${`AWS calls/h *`.padStart(14)}   load`,
    row(events),
    ...(polling ? [row(polling)] : []),
    `events, from the event's arrival in SQS (SentTimestamp) to the Secret: ${p50p99(events.fromQueueMs)}`,
    `  of which: SQS until Ferry's long poll returned it ${p50p99(events.receiveMs)}; Ferry, from receiving it to the Secret ${p50p99(events.fromReceiptMs)}`,
    `  Ferry's stages since receiving (its own clock): reconcile started ${stage((t) => t.startedMs)}; values read ${stage((t) => t.readMs)}; Secret written ${stage((t) => t.writtenMs)}; settled ${stage((t) => t.totalMs)}`,
    `  before SQS: from PutSecretValue returning to the event in SQS ${p50p99(events.deliveryMs)} (the bench's PutEvents and the emulator's EventBridge → SQS; in AWS, CloudTrail → EventBridge adds its own, typically seconds)`,
    `* at ${changesPerHour} changes per hour (BENCH_CHANGES_PER_HOUR): calls at rest measured over ${(events.idleMs / 1000).toFixed(0)} s ` +
      `(events ${JSON.stringify(events.idleCalls)}${polling ? `, polling ${JSON.stringify(polling.idleCalls)}` : ""}), plus per change with events ` +
      `${(sum(events.awsCalls) / events.count).toFixed(2)} calls (${JSON.stringify(events.awsCalls)} for ${events.count} changes) and the 1h refresh (${Math.ceil(events.count / 20)} batched reads)`,
  ].join("\n");
}

/**
 * Both modes, formatted: BENCH_CHANGE_COUNT (50), BENCH_POLL_INTERVAL (30s), BENCH_CHANGES_PER_HOUR (60),
 * BENCH_CHANGE_MODES ("events,polling"; "events" alone skips the polling run).
 */
export async function changePropagationFigure(env: TestEnvironment): Promise<string> {
  const count = Number(process.env.BENCH_CHANGE_COUNT ?? 50);
  const pollInterval = process.env.BENCH_POLL_INTERVAL ?? "30s";
  const modes = (process.env.BENCH_CHANGE_MODES ?? "events,polling").split(",").map((m) => m.trim());
  console.error(`[bench] change propagation: ${count} ExternalSecrets, events (1h)${modes.includes("polling") ? ` vs polling (${pollInterval})` : ""}; load average ${loadAverage()}`);
  const events = await runChangePropagation({ env, mode: "events", count, pollInterval });
  const polling = modes.includes("polling") ? await runChangePropagation({ env, mode: "polling", count, pollInterval }) : undefined;
  return formatChangePropagation(events, polling, Number(process.env.BENCH_CHANGES_PER_HOUR ?? 60));
}

/** This figure alone, on its own control plane: `npm run bench -- --change-propagation` or `node bench/change-propagation.ts`. */
export async function runChangePropagationAlone(): Promise<void> {
  const { startEnvironment } = await import("../test/env/environment.ts");
  const { TestEnvironment } = await import("../test/env/test-environment.ts");
  const running = await startEnvironment();
  try {
    console.log(await changePropagationFigure(new TestEnvironment(running.state)));
  } finally {
    await running.stop();
  }
}

if (import.meta.main) await runChangePropagationAlone();
