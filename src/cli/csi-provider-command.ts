import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { loadKubeConfig, reportStartupErrors } from "./cli-support.ts";
import { Counter, Registry, collectDefaultMetrics } from "prom-client";
import {
  CachingMountKube,
  ApiServerMountKube,
  CsiProviderServer,
  DEFAULT_MAX_RESPONSE_BYTES,
  MountError,
  MountService,
  PROVIDER_NAME_PATTERN,
  SessionCache,
} from "../mount/index.ts";
import { HealthServer } from "../runtime/health-server.ts";
import { createLogger, type LogLevel } from "../runtime/logger.ts";

export interface CsiProviderFlags {
  providerVolume: string;
  providerName: string;
  kubeconfig?: string;
  nodeName?: string;
  serviceAccountCacheSeconds: number;
  maxResponseBytes: number;
  podIdentityTimeoutMs: number;
  healthAddr: string;
  logLevel: LogLevel;
}

const nonNegativeInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
};

export const RUNTIME_NAME = "ferry";

export function runtimeVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}

export function csiProviderCommand(): Command {
  return new Command("csi-provider")
    .description(
      "Run the Secrets Store CSI driver provider (node DaemonSet): mounts Secrets Manager secrets and SSM parameters as files, " +
        "accepting ASCP's SecretProviderClass parameters unchanged.",
    )
    .option("--provider-volume <dir>", "directory of the provider socket, shared with the driver (the driver's --provider-volume)", "/var/run/secrets-store-csi-providers")
    .option(
      "--provider-name <name>",
      'socket name <dir>/<name>.sock; SecretProviderClasses select it with spec.provider (use "aws" to take over from ASCP without editing them)',
      "ferry",
    )
    .option("--kubeconfig <path>", "kubeconfig file; default: $KUBECONFIG, ~/.kube/config, then in-cluster")
    .option("--node-name <name>", "this node's name (downward API spec.nodeName): region lookups skip the pod read", process.env.NODE_NAME)
    .option("--service-account-cache-seconds <n>", "how long a ServiceAccount's eks.amazonaws.com/role-arn is reused before it is read again", nonNegativeInt("--service-account-cache-seconds"), 60)
    .option(
      "--max-response-bytes <n>",
      "refuse mounts whose files exceed this (must match the driver's --max-call-recv-msg-size)",
      nonNegativeInt("--max-response-bytes"),
      DEFAULT_MAX_RESPONSE_BYTES,
    )
    .option("--pod-identity-timeout-ms <n>", "timeout of one EKS Pod Identity agent request (usePodIdentity)", nonNegativeInt("--pod-identity-timeout-ms"), 5_000)
    .option("--health-addr <addr>", "address for /healthz, /readyz and /metrics", ":8081")
    .addOption(new Option("--log-level <level>", "log level").choices(["debug", "info", "warn", "error"]).default("info"))
    .addHelpText(
      "after",
      "\nIdentity is the pod's: the driver's CSIDriver must request service account tokens (tokenRequests: audience sts.amazonaws.com," +
        "\nand pods.eks.amazonaws.com for usePodIdentity). The role comes from the ServiceAccount's eks.amazonaws.com/role-arn annotation." +
        "\nRegion: SecretProviderClass `region`, else AWS_REGION, else the node's topology.kubernetes.io/region label." +
        "\nAWS endpoints come only from the SDK's standard variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SECRETS_MANAGER, …)." +
        "\nSee docs/mount.md.",
    )
    .action(reportStartupErrors(runCsiProvider));
}

export async function runCsiProvider(flags: CsiProviderFlags): Promise<void> {
  if (!PROVIDER_NAME_PATTERN.test(flags.providerName) || flags.providerName === "") {
    throw new Error(`--provider-name must match ${PROVIDER_NAME_PATTERN.source}, got ${JSON.stringify(flags.providerName)}`);
  }
  const logger = createLogger({ level: flags.logLevel });
  const kubeConfig = loadKubeConfig(flags.kubeconfig);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const mounts = new Counter({ name: "ferry_csi_mount_total", help: "Mount requests by result (ok, or the gRPC status name)", labelNames: ["result"], registers: [registry] });
  const apiCalls = new Counter({
    name: "ferry_csi_provider_api_calls_total",
    help: "AWS calls made for mounts, after the SDK's retries",
    labelNames: ["provider", "call", "status"],
    registers: [registry],
  });

  const sessions = new SessionCache({
    logger: logger.child({ component: "aws" }),
    onApiCall: (e) => apiCalls.inc({ provider: e.provider, call: e.call, status: e.status }),
    podIdentityTimeoutMs: flags.podIdentityTimeoutMs,
  });
  const service = new MountService({
    kube: new CachingMountKube(new ApiServerMountKube(kubeConfig), { serviceAccountTtlMs: flags.serviceAccountCacheSeconds * 1000, now: Date.now }),
    sessions,
    logger: logger.child({ component: "mount" }),
    envRegion: process.env.AWS_REGION,
    nodeName: flags.nodeName,
    maxResponseBytes: flags.maxResponseBytes,
  });

  const server = await CsiProviderServer.start({
    socketPath: join(flags.providerVolume, `${flags.providerName}.sock`),
    runtimeName: RUNTIME_NAME,
    runtimeVersion: runtimeVersion(),
    logger,
    mount: async (request, signal) => {
      try {
        const result = await service.mount(request, signal);
        mounts.inc({ result: "ok" });
        return result;
      } catch (err) {
        mounts.inc({ result: err instanceof MountError ? statusName(err.code) : "INTERNAL" });
        throw err;
      }
    },
  });

  const health = new HealthServer({ address: flags.healthAddr, registry, logger });
  health.addHealthCheck("ping", () => true);
  health.addReadinessCheck("socket", () => true);
  await health.start();
  logger.info({ address: health.url, socket: server.socketPath }, "csi-provider started");

  const shutdown = async (signal: string) => {
    logger.info({ signal, inFlight: server.inFlight }, "shutting down");
    await server.close();
    sessions.close();
    await health.stop();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

function statusName(code: number): string {
  const names: Record<number, string> = { 3: "INVALID_ARGUMENT", 5: "NOT_FOUND", 7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED", 14: "UNAVAILABLE", 16: "UNAUTHENTICATED" };
  return names[code] ?? String(code);
}
