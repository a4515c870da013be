import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { Command, Option } from "commander";
import { loadKubeConfig, reportStartupErrors } from "./cli-support.ts";
import { Registry, collectDefaultMetrics } from "prom-client";
import { stringify } from "yaml";
import { HealthServer } from "../runtime/health-server.ts";
import { InformerMetrics } from "../runtime/metrics/informer-metrics.ts";
import { createLogger, type LogLevel } from "../runtime/logger.ts";
import { MIN_KEY_BYTES } from "../write-through/content-hash.ts";
import { DEFAULT_NAME_TEMPLATE } from "../write-through/remote-name.ts";
import type { DeletionPolicy } from "../write-through/secret-controller.ts";
import { writeThroughWebhookConfiguration } from "../write-through/webhook-configuration.ts";
import { WriteThroughManager } from "../write-through/write-through-manager.ts";
import { resolveClusterIdentity } from "../write-through/cluster-identity.ts";

export interface WebhookFlags {
  kubeconfig?: string;
  address: string;
  tlsCertFile: string;
  tlsKeyFile: string;
  clientCaFile?: string;
  clientAllowedNames: string[];
  insecureSkipClientAuth: boolean;
  contentHashKeyFile: string;
  nameTemplate: string;
  clusterName: string;
  deletionPolicy: DeletionPolicy;
  recoveryWindowDays?: number;
  excludeNamespace: string[];
  healthAddr: string;
  logLevel: LogLevel;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  shutdownDrainSeconds: number;
  shutdownTimeoutSeconds: number;
}

interface ConfigurationFlags {
  caFile: string;
  serviceNamespace?: string;
  serviceName: string;
  servicePort: number;
  url?: string;
  timeoutSeconds: number;
}

const intIn = (name: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
};
const collect = (value: string, previous: string[]) => [...previous, value];

export function webhookCommand(): Command {
  const command = new Command("webhook")
    .description("Run the write-through admission webhook: labelled Secrets are written to AWS Secrets Manager and keep only a reference.")
    .option("--kubeconfig <path>", "kubeconfig file; default: $KUBECONFIG, ~/.kube/config, then in-cluster")
    .option("--address <addr>", "HTTPS address of the admission server", ":9443")
    // Checked in the action, not as required options: commander would demand them of `webhook configuration` too.
    .option("--tls-cert-file <path>", "serving certificate (PEM); reloaded when the file changes (required)")
    .option("--tls-key-file <path>", "serving key (PEM); reloaded when the file changes (required)")
    .option("--client-ca-file <path>", "PEM CA bundle that signs the kube-apiserver's webhook client certificate; callers without it are refused (required unless --insecure-skip-client-auth)")
    .option("--client-allowed-names <names>", "comma-separated CNs accepted from --client-ca-file; '*' for any (only with a CA dedicated to the apiserver)", (v: string) => v.split(",").map((n) => n.trim()).filter(Boolean), [DEFAULT_CLIENT_NAME])
    .option("--insecure-skip-client-auth", "accept admission reviews from any caller that reaches the port (development only: anyone who can reach it can write to AWS)", false)
    .option("--content-hash-key-file <path>", `HMAC key (at least ${MIN_KEY_BYTES} bytes) for content hashes and version ids; the same for every replica (required)`)
    .option("--name-template <template>", "AWS secret name, from {namespace}, {name} and {cluster}; the store's prefix is prepended", DEFAULT_NAME_TEMPLATE)
    .option("--cluster-name <name>", "this cluster's identity, tagged on every AWS secret so clusters sharing an account never overwrite each other (default: the kube-system namespace's UID)", "")
    .addOption(new Option("--deletion-policy <policy>", "what deleting a Secret does to its AWS secret, unless the Secret's annotation says otherwise").choices(["Delete", "Retain"]).default("Delete"))
    .option("--recovery-window-days <days>", "recovery window of scheduled deletions when the store sets none (AWS default: 30)", intIn("--recovery-window-days", 7, 30))
    .option("--exclude-namespace <name>", "refuse write-through in this namespace too (repeatable; Ferry's own namespace belongs here)", collect, process.env.POD_NAMESPACE ? [process.env.POD_NAMESPACE] : [])
    .option("--health-addr <addr>", "address for /healthz, /readyz and /metrics", ":8081")
    .option("--leader-elect", "run the Secret controller (finalizers, deletion policy, read-back) only on the replica holding a Lease; every replica serves admission", false)
    .option("--leader-election-namespace <name>", "namespace of the leader election Lease", process.env.POD_NAMESPACE ?? "default")
    .option("--leader-election-id <name>", "name of the leader election Lease", "ferry-write-through")
    .option("--shutdown-drain-seconds <s>", "after SIGTERM: readiness off, admission still answered for this long", intIn("--shutdown-drain-seconds", 0, 300), 5)
    .option("--shutdown-timeout-seconds <s>", "then: in-flight reviews and reconciles get this long before they are cut (keep drain + timeout + 10 within the pod's grace period)", intIn("--shutdown-timeout-seconds", 1, 300), 10)
    .addOption(new Option("--log-level <level>", "log level").choices(["debug", "info", "warn", "error"]).default("info"))
    .addHelpText(
      "after",
      "\nAWS endpoints come only from the SDK's standard variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SECRETS_MANAGER, …)." +
        "\nPrint the MutatingWebhookConfiguration to register with: ferry webhook configuration --help",
    )
    .action(async (flags: Partial<WebhookFlags>) => {
      for (const [flag, value] of [["--tls-cert-file", flags.tlsCertFile], ["--tls-key-file", flags.tlsKeyFile], ["--content-hash-key-file", flags.contentHashKeyFile]]) {
        if (!value) command.error(`error: required option '${flag}' not specified`);
      }
      const auth = clientAuthProblem(flags);
      if (auth) command.error(`error: ${auth}`);
      await reportStartupErrors(runWebhook)(flags as WebhookFlags);
    });

  command
    .command("configuration")
    .description("Print the MutatingWebhookConfiguration (YAML) that sends labelled Secrets to this webhook.")
    .requiredOption("--ca-file <path>", "PEM CA bundle that signs the webhook's serving certificate")
    .option("--service-namespace <name>", "namespace of the webhook's Service (also excluded from write-through)", process.env.POD_NAMESPACE)
    .option("--service-name <name>", "name of the webhook's Service", "ferry-webhook")
    .option("--service-port <port>", "port of the webhook's Service", intIn("--service-port", 1, 65535), 443)
    .option("--url <url>", "call this URL instead of a Service (out-of-cluster webhooks)")
    .option("--timeout-seconds <s>", "the apiserver's timeout per call", intIn("--timeout-seconds", 1, 30), 15)
    .action((flags: ConfigurationFlags) => {
      if (!flags.url && !flags.serviceNamespace) throw new Error("set --service-namespace (or --url)");
      const config = writeThroughWebhookConfiguration({
        client: flags.url ? { url: flags.url } : { service: { namespace: flags.serviceNamespace!, name: flags.serviceName, port: flags.servicePort } },
        caBundle: readFileSync(flags.caFile),
        excludeNamespaces: flags.serviceNamespace ? [flags.serviceNamespace] : [],
        timeoutSeconds: flags.timeoutSeconds,
      });
      process.stdout.write(stringify(config));
    });
  return command;
}

/**
 * The shutdown budget: drain (readiness off, still serving), then close with a timeout for what is in
 * flight. The chart derives terminationGracePeriodSeconds from the same numbers (preStop + drain + timeout
 * + the controller's 5 s abort grace + margin), so the process exits, Lease released, before SIGKILL.
 */
export function shutdownPlan(flags: Pick<WebhookFlags, "shutdownDrainSeconds" | "shutdownTimeoutSeconds">): { drainMs: number; closeTimeoutMs: number } {
  return { drainMs: flags.shutdownDrainSeconds * 1000, closeTimeoutMs: flags.shutdownTimeoutSeconds * 1000 };
}

/** The CN the docs and the chart issue the apiserver's webhook client certificate with. */
export const DEFAULT_CLIENT_NAME = "kube-apiserver-admission-client";

/** Why the caller-authentication flags are unusable, or undefined. Secure by default: no CA, no start. */
export function clientAuthProblem(flags: Partial<WebhookFlags>): string | undefined {
  if (flags.insecureSkipClientAuth && flags.clientCaFile) return "--insecure-skip-client-auth and --client-ca-file exclude each other";
  if (!flags.insecureSkipClientAuth && !flags.clientCaFile) {
    return "required option '--client-ca-file' not specified: the webhook accepts only the kube-apiserver's client certificate (see docs/security.md); --insecure-skip-client-auth turns this off";
  }
  if (flags.clientCaFile && (flags.clientAllowedNames ?? []).length === 0) return "--client-allowed-names must name at least one CN (or '*')";
  return undefined;
}

export async function runWebhook(flags: WebhookFlags): Promise<void> {
  const logger = createLogger({ level: flags.logLevel });
  const kubeConfig = loadKubeConfig(flags.kubeconfig);

  if (!flags.clientCaFile) logger.warn({}, "--insecure-skip-client-auth: any caller that reaches the webhook port can write to AWS Secrets Manager");
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new InformerMetrics(registry);
  const manager = new WriteThroughManager({
    kubeConfig,
    address: flags.address,
    certFile: flags.tlsCertFile,
    keyFile: flags.tlsKeyFile,
    clientAuth: flags.clientCaFile ? { mode: "certificate", caFile: flags.clientCaFile, allowedNames: flags.clientAllowedNames } : { mode: "none" },
    hashKey: readFileSync(flags.contentHashKeyFile),
    nameTemplate: flags.nameTemplate,
    cluster: await resolveClusterIdentity(kubeConfig, flags.clusterName, AbortSignal.timeout(30_000)),
    defaultDeletionPolicy: flags.deletionPolicy,
    defaultRecoveryWindowDays: flags.recoveryWindowDays,
    excludeNamespaces: flags.excludeNamespace,
    logger,
    registry,
    ...(flags.leaderElect
      ? { leaderElection: { namespace: flags.leaderElectionNamespace, name: flags.leaderElectionId, identity: `${hostname()}_${randomBytes(4).toString("hex")}` } }
      : {}),
  });

  const health = new HealthServer({ address: flags.healthAddr, registry, logger });
  health.addHealthCheck("ping", () => true);
  health.addReadinessCheck("webhook", () => manager.ready || (manager.server.draining ? "shutting down" : "caches not synced or server not listening"));
  health.addReadinessCheck("certificate", () => {
    const notAfter = manager.server.certificate.notAfter;
    return !notAfter || notAfter.getTime() > Date.now() || `serving certificate expired at ${notAfter.toISOString()}`;
  });
  await health.start();

  const shutdown = async (signal: string) => {
    const plan = shutdownPlan(flags);
    logger.info({ signal, ...plan }, "shutting down: readiness off, still answering admission reviews while draining");
    manager.drain();
    await new Promise((resolve) => setTimeout(resolve, plan.drainMs));
    logger.info({}, "drain period over: closing the admission server and stopping the controller");
    await manager.stop({ closeTimeoutMs: plan.closeTimeoutMs });
    await health.stop();
    logger.info({}, "shut down");
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  await manager.start();
}
