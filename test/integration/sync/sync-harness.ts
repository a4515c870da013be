// A running Ferry sync path for one integration test: the real SyncManager in this process, against the
// real apiserver, reading AWS (moto) through a counting fault proxy, with its logs captured for canary scans.
import { appendFileSync } from "node:fs";
import { Writable } from "node:stream";
import * as k8s from "@kubernetes/client-node";
import { AwsProvider } from "../../../src/providers/aws/index.ts";
import { createLogger } from "../../../src/runtime/logger.ts";
import { SyncManager, type SyncManagerOptions } from "../../../src/sync/sync-manager.ts";
import { defaultValueTransforms } from "../../../src/sync/value-transforms.ts";
import { TestEnvironment, waitUntil, type FaultProxy } from "../../env/index.ts";

export interface SyncHarness {
  env: TestEnvironment;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  custom: k8s.CustomObjectsApi;
  aws: FaultProxy;
  manager: SyncManager;
  /** Every log line the controller wrote. */
  logs: string[];
  /** Every AWS API call the provider made, as the provider reported it (for STS budgets). */
  apiCalls: Array<{ provider: string; call: string; status: string }>;
  apply(manifest: object, options?: { namespace?: string }): Promise<void>;
  externalSecret(namespace: string, name: string, version?: "v1" | "v1beta1"): Promise<ExternalSecretObject>;
  waitForReady(namespace: string, name: string, predicate?: (es: ExternalSecretObject) => boolean, timeoutMs?: number): Promise<ExternalSecretObject>;
  waitForSecret(namespace: string, name: string, predicate?: (s: k8s.V1Secret) => boolean, timeoutMs?: number): Promise<k8s.V1Secret>;
  /** Text a person sees: logs, Events in the given namespaces, statuses of every ExternalSecret. */
  observableText(namespaces: string[]): Promise<string>;
  stop(): Promise<void>;
}

export interface ExternalSecretObject {
  metadata: { name: string; namespace: string; uid: string; generation: number; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: { refreshTime?: string; syncedResourceVersion?: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

export const readyCondition = (es: ExternalSecretObject | undefined) => es?.status?.conditions?.find((c) => c.type === "Ready");

export async function startSync(options: Partial<Omit<SyncManagerOptions, "kubeConfig">> & { kubeConfig?: k8s.KubeConfig; proxy?: FaultProxy } = {}): Promise<SyncHarness> {
  const env = TestEnvironment.load();
  const kc = options.kubeConfig ?? env.kubeConfig();
  const aws = options.proxy ?? (await env.startAwsProxy());
  env.useAws(aws.url);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      // FERRY_SYNC_LOG=<file> keeps the controller's log of a test run for debugging.
      if (process.env.FERRY_SYNC_LOG) appendFileSync(process.env.FERRY_SYNC_LOG, chunk);
      done();
    },
  });
  const logger = createLogger({ level: "debug", destination });
  const apiCalls: SyncHarness["apiCalls"] = [];
  const provider = options.provider ?? new AwsProvider({ logger, onApiCall: (e) => apiCalls.push(e) });
  const manager = new SyncManager({
    kubeConfig: kc,
    provider,
    transforms: defaultValueTransforms,
    logger,
    ...options,
  });
  await manager.start();

  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const harness: SyncHarness = {
    env,
    kc,
    core,
    custom,
    aws,
    manager,
    logs,
    apiCalls,
    async apply(manifest, opts = {}) {
      const m = structuredClone(manifest) as k8s.KubernetesObject;
      m.metadata ??= {};
      if (opts.namespace && !m.metadata.namespace && !/^Cluster/.test(m.kind ?? "")) m.metadata.namespace = opts.namespace;
      await objects.create(m);
    },
    async externalSecret(namespace, name, version = "v1") {
      return (await custom.getNamespacedCustomObject({ group: "external-secrets.io", version, namespace, plural: "externalsecrets", name })) as ExternalSecretObject;
    },
    async waitForReady(namespace, name, predicate = (es) => readyCondition(es)?.status === "True", timeoutMs = 30_000) {
      let last: ExternalSecretObject | undefined;
      await waitUntil(`ExternalSecret ${namespace}/${name} to be ready`, async () => {
        last = await harness.externalSecret(namespace, name);
        return predicate(last);
      }, { timeoutMs }).catch((err: Error) => {
        throw new Error(`${err.message}; last status: ${JSON.stringify(last?.status)}`);
      });
      return last!;
    },
    async waitForSecret(namespace, name, predicate = () => true, timeoutMs = 30_000) {
      let secret: k8s.V1Secret | undefined;
      await waitUntil(`Secret ${namespace}/${name}`, async () => {
        try {
          secret = await core.readNamespacedSecret({ namespace, name });
          return predicate(secret);
        } catch (err) {
          if (err instanceof k8s.ApiException && err.code === 404) return false;
          throw err;
        }
      }, { timeoutMs });
      return secret!;
    },
    async observableText(namespaces) {
      const parts: string[] = [...logs];
      for (const namespace of namespaces) {
        const events = await core.listNamespacedEvent({ namespace });
        parts.push(...events.items.map((e) => `${e.reason}: ${e.message}`));
        const list = (await custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace, plural: "externalsecrets" })) as { items: ExternalSecretObject[] };
        parts.push(...list.items.map((es) => JSON.stringify(es.status ?? {})));
      }
      return parts.join("\n");
    },
    async stop() {
      await manager.stop();
      if (!options.proxy) await aws.close();
    },
  };
  return harness;
}

export const decode = (s: k8s.V1Secret, key: string) => Buffer.from(s.data?.[key] ?? "", "base64").toString("utf8");
