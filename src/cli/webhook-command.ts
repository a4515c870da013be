import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { loadKubeConfig, reportStartupErrors } from "./cli-support.ts";
import { Registry, collectDefaultMetrics } from "prom-client";
import { stringify } from "yaml";
import { HealthServer } from "../runtime/health-server.ts";
import { createLogger, type LogLevel } from "../runtime/logger.ts";
import { MIN_KEY_BYTES } from "../write-through/content-hash.ts";
import { DEFAULT_NAME_TEMPLATE } from "../write-through/remote-name.ts";
import type { DeletionPolicy } from "../write-through/secret-controller.ts";
import { writeThroughWebhookConfiguration } from "../write-through/webhook-configuration.ts";
import { WriteThroughManager } from "../write-through/write-through-manager.ts";

export interface WebhookFlags {
  kubeconfig?: string;
  address: string;
  tlsCertFile: string;
  tlsKeyFile: string;
  contentHashKeyFile: string;
  nameTemplate: string;
  clusterName: string;
  deletionPolicy: DeletionPolicy;
  recoveryWindowDays?: number;
  excludeNamespace: string[];
  healthAddr: string;
  logLevel: LogLevel;
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
    .option("--content-hash-key-file <path>", `HMAC key (at least ${MIN_KEY_BYTES} bytes) for content hashes and version ids; the same for every replica (required)`)
    .option("--name-template <template>", "AWS secret name, from {namespace}, {name} and {cluster}; the store's prefix is prepended", DEFAULT_NAME_TEMPLATE)
    .option("--cluster-name <name>", "tagged on every AWS secret, so clusters sharing an account never overwrite each other", "")
    .addOption(new Option("--deletion-policy <policy>", "what deleting a Secret does to its AWS secret, unless the Secret's annotation says otherwise").choices(["Delete", "Retain"]).default("Delete"))
    .option("--recovery-window-days <days>", "recovery window of scheduled deletions when the store sets none (AWS default: 30)", intIn("--recovery-window-days", 7, 30))
    .option("--exclude-namespace <name>", "refuse write-through in this namespace too (repeatable; Ferry's own namespace belongs here)", collect, process.env.POD_NAMESPACE ? [process.env.POD_NAMESPACE] : [])
    .option("--health-addr <addr>", "address for /healthz, /readyz and /metrics", ":8081")
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

export async function runWebhook(flags: WebhookFlags): Promise<void> {
  const logger = createLogger({ level: flags.logLevel });
  const kubeConfig = loadKubeConfig(flags.kubeconfig);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const manager = new WriteThroughManager({
    kubeConfig,
    address: flags.address,
    certFile: flags.tlsCertFile,
    keyFile: flags.tlsKeyFile,
    hashKey: readFileSync(flags.contentHashKeyFile),
    nameTemplate: flags.nameTemplate,
    cluster: flags.clusterName,
    defaultDeletionPolicy: flags.deletionPolicy,
    defaultRecoveryWindowDays: flags.recoveryWindowDays,
    excludeNamespaces: flags.excludeNamespace,
    logger,
    registry,
  });

  const health = new HealthServer({ address: flags.healthAddr, registry, logger });
  health.addHealthCheck("ping", () => true);
  health.addReadinessCheck("webhook", () => manager.ready || "caches not synced or server not listening");
  health.addReadinessCheck("certificate", () => {
    const notAfter = manager.server.certificate.notAfter;
    return !notAfter || notAfter.getTime() > Date.now() || `serving certificate expired at ${notAfter.toISOString()}`;
  });
  await health.start();

  const shutdown = async (signal: string) => {
    logger.info({ signal }, "shutting down");
    await manager.stop();
    await health.stop();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  await manager.start();
}
