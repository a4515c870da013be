// A running write-through path for one integration test file: the real apiserver calls Ferry's webhook
// (in this process) over HTTPS through a MutatingWebhookConfiguration confined to the test's namespace; AWS
// is moto behind a counting fault proxy (an account of its own); the sync path runs in-process too, so a
// read-back ExternalSecret materialises. Logs are captured for canary scans, reviews and AWS calls counted.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { readFileSync } from "node:fs";
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient, type DescribeSecretResponse } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { SecretsManagerWriterProvider } from "../../../src/providers/aws/secretsmanager/writer-provider.ts";
import { createLogger } from "../../../src/runtime/logger.ts";
import type { ReviewEvent } from "../../../src/runtime/webhook/webhook-server.ts";
import { FINALIZER, RECORDED } from "../../../src/write-through/names.ts";
import { writeThroughWebhookConfiguration } from "../../../src/write-through/webhook-configuration.ts";
import { WriteThroughManager, type WriteThroughManagerOptions } from "../../../src/write-through/write-through-manager.ts";
import { resolveClusterIdentity } from "../../../src/write-through/cluster-identity.ts";
import { TestEnvironment, waitUntil, type FaultProxy } from "../../env/index.ts";
import { WEBHOOK_CLIENT_NAME } from "../../env/pki.ts";
import { startSync, type SyncHarness } from "../sync/sync-harness.ts";

const run = promisify(execFile);

export interface WriteThroughHarness {
  sync: SyncHarness;
  namespace: string;
  manager: WriteThroughManager;
  core: k8s.CoreV1Api;
  /** Webhook process logs (the write-through manager's logger). */
  logs: string[];
  reviews: ReviewEvent[];
  /** AWS calls made by the webhook's writers (after the SDK's retries). */
  writes: Array<{ call: string; status: string }>;
  writeCount(call: string): number;
  sm: SecretsManagerClient;
  describe(name: string): Promise<DescribeSecretResponse | undefined>;
  value(name: string, versionId?: string): Promise<string>;
  /** kubectl with the admin kubeconfig in the test namespace; rejects with stderr on a non-zero exit. */
  kubectl(args: string[], stdin?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startWriteThrough(options: Partial<WriteThroughManagerOptions> & { prefix?: string; proxy?: FaultProxy } = {}): Promise<WriteThroughHarness> {
  const env = TestEnvironment.load();
  const ns = await env.createNamespace("write-through");
  // The sync path only for this namespace: it serves the read-back ExternalSecrets and nothing else.
  const sync = await startSync({ namespace: ns.name, ...(options.proxy ? { proxy: options.proxy } : {}) });
  const kc = env.kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const admission = kc.makeApiClient(k8s.AdmissionregistrationV1Api);

  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: "debug", destination });
  const reviews: ReviewEvent[] = [];
  const writes: WriteThroughHarness["writes"] = [];
  const manager = new WriteThroughManager({
    kubeConfig: kc,
    address: "127.0.0.1:0",
    certFile: env.state.pki.servingCert,
    keyFile: env.state.pki.servingKey,
    // As in a cluster: only the apiserver's webhook client certificate (test/env/kube-apiserver.ts) is accepted.
    clientAuth: { mode: "certificate", caFile: env.state.pki.caCert, allowedNames: [WEBHOOK_CLIENT_NAME] },
    hashKey: randomBytes(32),
    logger,
    onReview: (e) => reviews.push(e),
    writers: new SecretsManagerWriterProvider({ logger, onApiCall: (e) => writes.push({ call: e.call, status: e.status }) }),
    defaultRecoveryWindowDays: 7,
    // As `ferry webhook` without --cluster-name: the kube-system namespace's UID.
    cluster: await resolveClusterIdentity(kc, options.cluster),
    ...options,
  });
  await manager.start();

  await sync.apply(
    {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "aws" },
      spec: { provider: { aws: { service: "SecretsManager", region: env.state.region, ...(options.prefix ? { prefix: options.prefix } : {}) } } },
    },
    { namespace: ns.name },
  );

  const configName = `ferry-write-through-${ns.name}`;
  const config = writeThroughWebhookConfiguration({
    name: configName,
    client: { url: manager.server.url },
    caBundle: readFileSync(env.state.pki.caCert),
    // Confined to this test's namespace: other test files share the apiserver.
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns.name } },
    timeoutSeconds: 10,
  });
  await admission.createMutatingWebhookConfiguration({ body: config });
  // Registration is asynchronous, and the store must be in the webhook's cache: a dry run proves both.
  await waitUntil("the write-through webhook to be active", async () => {
    try {
      const dry = await core.createNamespacedSecret({
        namespace: ns.name,
        dryRun: "All",
        body: { metadata: { name: "probe", labels: { "ferry.dev/write-through": "aws" } }, stringData: { probe: "x" } },
      });
      return dry.metadata?.annotations?.[RECORDED.keys] === "probe";
    } catch {
      return false;
    }
  }, { timeoutMs: 30_000 });

  const sm = new SecretsManagerClient({});
  const harness: WriteThroughHarness = {
    sync,
    namespace: ns.name,
    manager,
    core,
    logs,
    reviews,
    writes,
    writeCount: (call) => writes.filter((w) => w.call === call).length,
    sm,
    async describe(name) {
      try {
        return await sm.send(new DescribeSecretCommand({ SecretId: name }));
      } catch (err) {
        if ((err as { name?: string }).name === "ResourceNotFoundException") return undefined;
        throw err;
      }
    },
    async value(name, versionId) {
      const out = await sm.send(new GetSecretValueCommand({ SecretId: name, ...(versionId ? { VersionId: versionId } : {}) }));
      return out.SecretString ?? "";
    },
    async kubectl(args, stdin) {
      const child = run("kubectl", ["--kubeconfig", env.state.kubeconfig, "-n", ns.name, ...args], { encoding: "utf8" });
      if (stdin !== undefined) child.child.stdin!.end(stdin);
      try {
        return (await child).stdout;
      } catch (err) {
        const e = err as { stderr?: string; message: string };
        throw new Error(e.stderr?.trim() || e.message, { cause: err });
      }
    },
    async stop() {
      await admission.deleteMutatingWebhookConfiguration({ name: configName }).catch(() => undefined);
      // Without the controller nobody releases the finalizer: release it so the namespace can go.
      const secrets = await core.listNamespacedSecret({ namespace: ns.name });
      for (const s of secrets.items) {
        const finalizers = s.metadata?.finalizers ?? [];
        if (!finalizers.includes(FINALIZER)) continue;
        await core
          .patchNamespacedSecret(
            { namespace: ns.name, name: s.metadata!.name!, body: { metadata: { finalizers: finalizers.filter((f) => f !== FINALIZER) } } },
            k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
          )
          .catch(() => undefined);
      }
      await manager.stop();
      await sync.stop();
      await ns.delete();
    },
  };
  return harness;
}

/** A Secret manifest as `kubectl create secret generic --dry-run=client -o json` prints it, labelled with `kubectl label --local`. */
export async function labelledSecretManifest(h: WriteThroughHarness, name: string, literals: Record<string, string>, labels: Record<string, string>): Promise<string> {
  const generic = await h.kubectl(["create", "secret", "generic", name, ...Object.entries(literals).map(([k, v]) => `--from-literal=${k}=${v}`), "--dry-run=client", "-o", "json"]);
  return h.kubectl(["label", "--local", "-f", "-", ...Object.entries(labels).map(([k, v]) => `${k}=${v}`), "-o", "json"], generic);
}

export const decode = (s: k8s.V1Secret | undefined, key: string) => Buffer.from(s?.data?.[key] ?? "", "base64").toString("utf8");
