import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Command, InvalidArgumentError, Option } from "commander";
import { loadKubeConfig, reportStartupErrors } from "./cli-support.ts";
import { Registry, collectDefaultMetrics } from "prom-client";
import { AwsProvider } from "../providers/aws/index.ts";
import { HealthServer } from "../runtime/health-server.ts";
import { LeaderElector } from "../runtime/leader-election.ts";
import { LOG_TIME_FORMATS, createLogger, type LogLevel, type LogTimeFormat } from "../runtime/logger.ts";
import { parseDuration } from "../apis/duration.ts";
import { translateEsoControllerArgs } from "./eso-controller-flags.ts";
import { PushSecretManager } from "../pushsecret/push-secret-manager.ts";
import { SyncManager } from "../sync/sync-manager.ts";
import { createGeneratorRegistry } from "../generators/index.ts";
import { ApiServerKubeAccess } from "../providers/kube-access.ts";
import { DEFAULT_AWS_TIMEOUTS } from "../providers/aws/sdk-clients.ts";
import { DEFAULT_KUBE_REQUEST_TIMEOUT_MS } from "../runtime/kube/kube-client.ts";
import { SyncMetrics } from "../sync/sync-metrics.ts";
import { defaultValueTransforms } from "../sync/value-transforms.ts";
import { ChangeEventMetrics } from "../changeevents/change-event-metrics.ts";
import { ChangeEvents } from "../changeevents/change-events.ts";
import { parseQueueFlag, type QueueConfig } from "../changeevents/queue-config.ts";
import { stretchedRefreshIntervalMs } from "../changeevents/refresh-stretch.ts";
import { requestOfKey } from "../sync/informer-events.ts";
import { DEFAULT_ROLLOUT_DEBOUNCE_MS, RolloutController } from "../rollout/rollout-controller.ts";
import { RolloutMetrics } from "../rollout/rollout-metrics.ts";
import { KubeEventRecorder } from "../runtime/event-recorder.ts";

export interface ControllerFlags {
  kubeconfig?: string;
  namespace?: string;
  concurrency: number;
  enableClusterExternalSecretReconciler: boolean;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  healthAddr: string;
  metricsAddr?: string;
  storeRequeueInterval?: number;
  logLevel: LogLevel;
  logTimeFormat: LogTimeFormat;
  gracefulShutdownTimeout: number;
  awsConnectTimeout: number;
  awsRequestTimeout: number;
  kubeRequestTimeout: number;
  changeEventsQueue: QueueConfig[];
  changeEventsStretchRefresh: number;
  rolloutOnSecretChange: boolean;
  rolloutDebounce: number;
}

/**
 * How long a graceful shutdown may take in all, by default: it must end inside the pod's
 * terminationGracePeriodSeconds (30 s in the chart), or the kubelet's SIGKILL comes before the Lease is
 * released and a standby waits out the whole leaseDuration (15 s) before it takes over.
 */
export const DEFAULT_SHUTDOWN_BUDGET_MS = 25_000;
/** Part of the budget kept for releasing the Lease and closing the servers once reconciles have stopped. */
const RELEASE_RESERVE_MS = 5_000;
/** Controller.stop waits this long again after aborting reconciles that ignore their signal. */
const ABORT_GRACE_MS = 5_000;

/**
 * Splits a shutdown budget: how long in-flight reconciles may finish before their signal aborts. What is
 * left covers the abort grace and the Lease release, so the whole shutdown fits in `budgetMs`.
 */
export function drainTimeoutMs(budgetMs: number): number {
  return Math.max(0, budgetMs - ABORT_GRACE_MS - RELEASE_RESERVE_MS);
}

/** A Go duration flag value, as milliseconds. */
export const durationFlag = (value: string): number => {
  try {
    const ms = parseDuration(value);
    if (ms <= 0) throw new Error("not positive");
    return ms;
  } catch {
    throw new InvalidArgumentError("must be a positive Go duration such as 5m or 90s.");
  }
};

/**
 * `ferry controller` arguments with ESO's controller flags rewritten into Ferry's (eso-controller-flags.ts),
 * so an ESO Deployment's args or chart extraArgs keep working. Flags Ferry cannot honour are listed in one
 * error and the process exits 1 before anything starts.
 */
export function prepareControllerArgv(argv: readonly string[]): string[] {
  const i = argv.indexOf("controller");
  if (i < 0 || argv.slice(2, i).some((a) => !a.startsWith("-"))) return [...argv];
  const { args, errors } = translateEsoControllerArgs(argv.slice(i + 1));
  if (errors.length > 0) {
    process.stderr.write(`ferry controller: ${errors.length === 1 ? "an ESO flag" : `${errors.length} ESO flags`} cannot be used:\n${errors.map((e) => `  ${e}`).join("\n")}\n`);
    process.exit(1);
  }
  return [...argv.slice(0, i + 1), ...args];
}

export const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer.");
  return n;
};

/** A Go-style boolean flag value (`--flag=false`), as ESO's flags take them. */
export const parseBool = (value: string): boolean => {
  if (/^(true|1|t)$/i.test(value)) return true;
  if (/^(false|0|f)$/i.test(value)) return false;
  throw new InvalidArgumentError("must be true or false.");
};

/** A repeatable `--change-events-queue` value. */
const queueFlag = (value: string, previous: QueueConfig[] = []): QueueConfig[] => {
  try {
    return [...previous, parseQueueFlag(value)];
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}.`);
  }
};

export function controllerCommand(): Command {
  return new Command("controller")
    .description("Run the sync controller: ExternalSecret, SecretStore, ClusterSecretStore and ClusterExternalSecret (external-secrets.io v1 and v1beta1) and PushSecret (v1alpha1) for AWS.")
    .option("--kubeconfig <path>", "kubeconfig file; default: $KUBECONFIG, ~/.kube/config, then in-cluster")
    .option("--namespace <name>", "watch and reconcile only this namespace (ClusterSecretStores are still read)")
    .option("--concurrency <n>", "ExternalSecrets reconciled at once", positiveInt, 32)
    .addOption(
      new Option("--enable-cluster-external-secret-reconciler [bool]", "reconcile ClusterExternalSecrets (cluster-wide mode only)")
        .argParser(parseBool)
        .default(true),
    )
    .option("--leader-elect", "elect a leader through a coordination.k8s.io Lease so only one replica reconciles", false)
    .option("--leader-election-namespace <name>", "namespace of the leader election Lease", process.env.POD_NAMESPACE ?? "default")
    .option("--leader-election-id <name>", "name of the leader election Lease", "ferry-controller")
    .option("--health-addr <addr>", "address for /healthz, /readyz and /metrics", ":8081")
    .option("--metrics-addr <addr>", "also serve /metrics on this address (ESO's --metrics-addr)")
    // Rollout on Secret change (docs/rollout.md, ADR 17): off unless asked, because it needs patch on
    // Deployments, StatefulSets and DaemonSets, which the controller otherwise never has.
    .addOption(
      new Option("--rollout-on-secret-change [bool]", "roll out Deployments, StatefulSets and DaemonSets that opted in (ferry.dev/rollout-on-change or Reloader's annotations) when a Secret they use changes content")
        .argParser(parseBool)
        .default(false),
    )
    .option("--rollout-debounce <duration>", "at most one rollout per workload in this window; changes inside it roll out together at its end", durationFlag, DEFAULT_ROLLOUT_DEBOUNCE_MS)
    .option("--store-requeue-interval <duration>", "how often a store without spec.refreshInterval is validated again (ESO's flag, default 5m)", durationFlag)
    // Deadlines and shutdown, grouped.
    .option("--graceful-shutdown-timeout <duration>", "the whole shutdown on SIGTERM: reconciles finish or are aborted, then the Lease is released; keep it below the pod's terminationGracePeriodSeconds", durationFlag, DEFAULT_SHUTDOWN_BUDGET_MS)
    .option("--aws-connect-timeout <duration>", "deadline to connect to an AWS endpoint, per attempt", durationFlag, DEFAULT_AWS_TIMEOUTS.connectMs)
    .option("--aws-request-timeout <duration>", "deadline of one AWS request attempt, from sending to the last byte (the SDK retries each with its own)", durationFlag, DEFAULT_AWS_TIMEOUTS.requestMs)
    .option("--kube-request-timeout <duration>", "deadline of one Kubernetes API call made by a reconcile", durationFlag, DEFAULT_KUBE_REQUEST_TIMEOUT_MS)
    .option(
      "--change-events-queue <url>",
      "read AWS change events (EventBridge → SQS) from this queue and refresh the ExternalSecrets that read a changed secret at once; repeatable; <region>=<url> when the URL names no region (docs/change-events.md)",
      queueFlag,
      [],
    )
    .option(
      "--change-events-stretch-refresh <factor>",
      "while every change-event queue answers, refresh the ExternalSecrets change events cover every <factor> × refreshInterval instead (1: off); a queue failure restores refreshInterval at once; an event AWS never delivers then waits up to <factor> × refreshInterval",
      positiveInt,
      1,
    )
    .addOption(new Option("--log-level <level>", "log level").choices(["debug", "info", "warn", "error"]).default("info"))
    .addOption(new Option("--log-time-format <format>", "time in log lines (ESO's --zap-time-encoding values)").choices([...LOG_TIME_FORMATS]).default("iso8601"))
    .addHelpText(
      "after",
      "\nAWS endpoints come only from the SDK's standard variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SECRETS_MANAGER, …)." +
        "\nCredentials without store auth come from the SDK default chain (IRSA, EKS Pod Identity, instance role)." +
        "\nESO's controller flags (--concurrent, --enable-leader-election, --loglevel, --metrics-addr, --live-addr," +
        "\n--store-requeue-interval, --enable-flood-gate, …) are accepted as aliases; see docs/migrating-from-eso.md.",
    )
    .action(
      reportStartupErrors(async (flags: ControllerFlags) => {
        await runController(flags);
      }),
    );
}

export async function runController(flags: ControllerFlags): Promise<void> {
  const logger = createLogger({ level: flags.logLevel, timeFormat: flags.logTimeFormat });
  const kubeConfig = loadKubeConfig(flags.kubeconfig);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = new SyncMetrics(registry);
  const changeEventMetrics = flags.changeEventsQueue.length > 0 ? new ChangeEventMetrics(registry) : undefined;
  const provider = new AwsProvider({
    logger: logger.child({ provider: "aws" }),
    onApiCall: metrics.apiCall,
    timeouts: { connectMs: flags.awsConnectTimeout, requestMs: flags.awsRequestTimeout },
  });
  // One generator registry for ExternalSecrets and PushSecrets: one client and credential cache.
  const generators = createGeneratorRegistry({ kubeConfig, kube: new ApiServerKubeAccess(kubeConfig), provider, kubeRequestTimeoutMs: flags.kubeRequestTimeout });
  const manager = new SyncManager({
    kubeConfig,
    provider,
    generators,
    transforms: defaultValueTransforms,
    namespace: flags.namespace,
    concurrency: flags.concurrency,
    storeRequeueMs: flags.storeRequeueInterval,
    clusterExternalSecrets: flags.enableClusterExternalSecretReconciler,
    kubeRequestTimeoutMs: flags.kubeRequestTimeout,
    logger,
    metrics,
    onRemoteChangeSynced: changeEventMetrics && ((timing) => changeEventMetrics.synced(timing)),
    refreshIntervalFor:
      flags.changeEventsQueue.length > 0 && flags.changeEventsStretchRefresh > 1
        ? (key, specMs) => stretchedRefreshIntervalMs(specMs, { factor: flags.changeEventsStretchRefresh, queuesUp: changeEvents?.queuesUp ?? false, covered: changeEvents?.index.has(key) ?? false })
        : undefined,
  });
  // Read by refreshIntervalFor above only once reconciles run, after this is set.
  const changeEvents: ChangeEvents | undefined =
    flags.changeEventsQueue.length > 0
      ? new ChangeEvents({
          queues: flags.changeEventsQueue,
          sync: manager,
          credentials: (region) => provider.defaultCredentials(region),
          timeouts: provider.timeouts,
          onApiCall: metrics.apiCall,
          logger,
          metrics: changeEventMetrics,
          // Back to refreshInterval at once: ExternalSecrets requeued on the stretched interval are looked at again.
          onQueueDown: () => {
            for (const key of changeEvents?.index.keys() ?? []) manager.externalSecretController.enqueue(requestOfKey(key));
          },
        })
      : undefined;
  // PushSecrets share the sync path's informers (one cache of stores and namespaces per process).
  const pushSecrets = new PushSecretManager({
    kubeConfig,
    namespace: flags.namespace,
    informers: manager.informers,
    metrics,
    onApiCall: metrics.apiCall,
    generators,
    logger,
  });
  const rollouts = flags.rolloutOnSecretChange
    ? new RolloutController({
        kubeConfig,
        namespace: flags.namespace,
        debounceMs: flags.rolloutDebounce,
        events: new KubeEventRecorder({ kubeConfig, component: "ferry-rollout", onError: (err) => logger.warn({ err: String(err) }, "could not record event") }),
        metrics: new RolloutMetrics(registry),
        logger,
        kubeRequestTimeoutMs: flags.kubeRequestTimeout,
      })
    : undefined;
  const start = async (signal?: AbortSignal) => {
    await manager.start(signal);
    await pushSecrets.start(signal);
    changeEvents?.start();
    await rollouts?.start(signal);
  };
  // One drain for all, in parallel: the shutdown budget is for the whole process, not per manager.
  const drainMs = drainTimeoutMs(flags.gracefulShutdownTimeout);
  const stop = async () => {
    await Promise.all([pushSecrets.stop({ timeoutMs: drainMs }), manager.stop({ timeoutMs: drainMs }), changeEvents?.stop(), rollouts?.stop({ timeoutMs: drainMs })]);
  };

  const health = new HealthServer({ address: flags.healthAddr, registry, logger });
  health.addHealthCheck("ping", () => true);
  // A standby replica (leader election on, not leading) has not started its informers and is ready: it is
  // healthy and waiting. Reporting it unready would stall rollouts and make the PodDisruptionBudget block drains.
  let leading = !flags.leaderElect;
  health.addReadinessCheck("informers", () => !leading || (manager.synced && pushSecrets.synced && (rollouts?.synced ?? true)) || "caches not synced");
  await health.start();
  logger.info({ address: health.url }, "health server listening");
  // ESO serves metrics on their own port (--metrics-addr, :8080 in its chart); /metrics stays on the health
  // address too, so either scrape configuration works.
  const metricsServer = flags.metricsAddr ? new HealthServer({ address: flags.metricsAddr, registry, logger }) : undefined;
  if (metricsServer) {
    await metricsServer.start();
    logger.info({ address: metricsServer.url }, "metrics server listening");
  }

  const elector = flags.leaderElect
    ? new LeaderElector({
        kubeConfig,
        namespace: flags.leaderElectionNamespace,
        name: flags.leaderElectionId,
        identity: `${hostname()}_${randomBytes(4).toString("hex")}`,
        logger,
      })
    : undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    stopping = true;
    logger.info({ signal, budgetMs: flags.gracefulShutdownTimeout }, "shutting down");
    // The last resort: whatever hangs, the process is gone before the kubelet's SIGKILL.
    setTimeout(() => {
      logger.error({ budgetMs: flags.gracefulShutdownTimeout }, "shutdown did not finish within its budget; exiting");
      process.exit(1);
    }, flags.gracefulShutdownTimeout).unref();
    await stop();
    await elector?.stop();
    await health.stop();
    await metricsServer?.stop();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));

  if (!elector) {
    await start();
    logger.info({ namespace: flags.namespace ?? "(all)", concurrency: flags.concurrency }, "controller started");
    return;
  }
  void elector.run({
    onStartedLeading: async (signal) => {
      leading = true;
      logger.info({}, "became leader, starting controllers");
      await start(signal);
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      await stop();
    },
    onStoppedLeading: () => {
      if (stopping) return;
      // As controller-runtime: a replica that lost its lease exits and restarts as a candidate, so two
      // replicas never reconcile at once.
      logger.warn({}, "leadership lost, exiting");
      process.exit(1);
    },
    onNewLeader: (identity) => logger.info({ leader: identity }, "leader observed"),
  });
}
