import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Command, InvalidArgumentError, Option } from "commander";
import { loadKubeConfig, reportStartupErrors } from "./cli-support.ts";
import { Registry, collectDefaultMetrics } from "prom-client";
import { AwsProvider } from "../providers/aws/index.ts";
import { HealthServer } from "../runtime/health-server.ts";
import { LeaderElector } from "../runtime/leader-election.ts";
import { createLogger, type LogLevel } from "../runtime/logger.ts";
import { SyncManager } from "../sync/sync-manager.ts";
import { SyncMetrics } from "../sync/sync-metrics.ts";
import { defaultValueTransforms } from "../sync/value-transforms.ts";

export interface ControllerFlags {
  kubeconfig?: string;
  namespace?: string;
  concurrency: number;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  healthAddr: string;
  logLevel: LogLevel;
}

export const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer.");
  return n;
};

export function controllerCommand(): Command {
  return new Command("controller")
    .description("Run the sync controller: ExternalSecret, SecretStore and ClusterSecretStore (external-secrets.io v1 and v1beta1) for AWS.")
    .option("--kubeconfig <path>", "kubeconfig file; default: $KUBECONFIG, ~/.kube/config, then in-cluster")
    .option("--namespace <name>", "watch and reconcile only this namespace (ClusterSecretStores are still read)")
    .option("--concurrency <n>", "ExternalSecrets reconciled at once", positiveInt, 8)
    .option("--leader-elect", "elect a leader through a coordination.k8s.io Lease so only one replica reconciles", false)
    .option("--leader-election-namespace <name>", "namespace of the leader election Lease", process.env.POD_NAMESPACE ?? "default")
    .option("--leader-election-id <name>", "name of the leader election Lease", "ferry-controller")
    .option("--health-addr <addr>", "address for /healthz, /readyz and /metrics", ":8081")
    .addOption(new Option("--log-level <level>", "log level").choices(["debug", "info", "warn", "error"]).default("info"))
    .addHelpText(
      "after",
      "\nAWS endpoints come only from the SDK's standard variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SECRETS_MANAGER, …)." +
        "\nCredentials without store auth come from the SDK default chain (IRSA, EKS Pod Identity, instance role).",
    )
    .action(
      reportStartupErrors(async (flags: ControllerFlags) => {
        await runController(flags);
      }),
    );
}

export async function runController(flags: ControllerFlags): Promise<void> {
  const logger = createLogger({ level: flags.logLevel });
  const kubeConfig = loadKubeConfig(flags.kubeconfig);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = new SyncMetrics(registry);
  const provider = new AwsProvider({ logger: logger.child({ provider: "aws" }), onApiCall: metrics.apiCall });
  const manager = new SyncManager({
    kubeConfig,
    provider,
    transforms: defaultValueTransforms,
    namespace: flags.namespace,
    concurrency: flags.concurrency,
    logger,
    metrics,
  });

  const health = new HealthServer({ address: flags.healthAddr, registry, logger });
  health.addHealthCheck("ping", () => true);
  // A standby replica (leader election on, not leading) has not started its informers and is ready: it is
  // healthy and waiting. Reporting it unready would stall rollouts and make the PodDisruptionBudget block drains.
  let leading = !flags.leaderElect;
  health.addReadinessCheck("informers", () => !leading || manager.synced || "caches not synced");
  await health.start();
  logger.info({ address: health.url }, "health server listening");

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
    logger.info({ signal }, "shutting down");
    await manager.stop();
    await elector?.stop();
    await health.stop();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));

  if (!elector) {
    await manager.start();
    logger.info({ namespace: flags.namespace ?? "(all)", concurrency: flags.concurrency }, "controller started");
    return;
  }
  void elector.run({
    onStartedLeading: async (signal) => {
      leading = true;
      logger.info({}, "became leader, starting controllers");
      await manager.start(signal);
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      await manager.stop();
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
