// A running PushSecret controller for one integration test: the real PushSecretManager in this process,
// against the real apiserver, writing to AWS (moto) through a counting fault proxy, its logs captured for
// canary scans.
import { Writable } from "node:stream";
import { appendFileSync } from "node:fs";
import * as k8s from "@kubernetes/client-node";
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient, type DescribeSecretCommandOutput, type GetSecretValueCommandOutput } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, ListTagsForResourceCommand, SSMClient } from "@aws-sdk/client-ssm";
import { createLogger } from "../../../src/runtime/logger.ts";
import { PushSecretManager } from "../../../src/pushsecret/push-secret-manager.ts";
import { TestEnvironment, waitUntil, type FaultProxy } from "../../env/index.ts";

export interface PushSecretObject {
  metadata: { name: string; namespace: string; finalizers?: string[] };
  spec: Record<string, unknown>;
  status?: {
    syncedPushSecrets?: Record<string, Record<string, unknown>>;
    syncedResourceVersion?: string;
    refreshTime?: string;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  };
}

export interface PushHarness {
  env: TestEnvironment;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  custom: k8s.CustomObjectsApi;
  aws: FaultProxy;
  manager: PushSecretManager;
  namespace: string;
  logs: string[];
  /** AWS actions the proxy saw since `since` (a snapshot of counts). */
  counts(): Record<string, number>;
  apply(manifest: object): Promise<void>;
  pushSecret(name: string): Promise<PushSecretObject | undefined>;
  waitForPushSecret(name: string, predicate: (ps: PushSecretObject) => boolean, timeoutMs?: number): Promise<PushSecretObject>;
  putSecret(name: string, data: Record<string, string>): Promise<void>;
  describe(name: string): Promise<DescribeSecretCommandOutput | undefined>;
  value(name: string): Promise<GetSecretValueCommandOutput | undefined>;
  parameter(name: string): Promise<{ value: string; type: string; tags: Record<string, string> } | undefined>;
  observableText(): Promise<string>;
  stop(): Promise<void>;
}

export const ready = (ps: PushSecretObject | undefined) => ps?.status?.conditions?.find((c) => c.type === "Ready");

export async function startPush(prefix: string): Promise<PushHarness> {
  const env = TestEnvironment.load();
  const kc = env.kubeConfig();
  const aws = await env.startAwsProxy();
  env.useAws(aws.url);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      if (process.env.FERRY_PUSH_LOG) appendFileSync(process.env.FERRY_PUSH_LOG, chunk);
      done();
    },
  });
  const logger = createLogger({ level: "debug", destination });
  const ns = await env.createNamespace(prefix);
  const manager = new PushSecretManager({ kubeConfig: kc, logger });
  await manager.start();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const sm = new SecretsManagerClient({});
  const ssm = new SSMClient({});
  const notFound = (err: unknown) => (err as { name?: string }).name === "ResourceNotFoundException" || (err as { name?: string }).name === "ParameterNotFound";
  const h: PushHarness = {
    env,
    kc,
    core,
    custom,
    aws,
    manager,
    namespace: ns.name,
    logs,
    counts: () => aws.counts(),
    async apply(manifest) {
      const m = structuredClone(manifest) as k8s.KubernetesObject;
      m.metadata ??= {};
      if (!/^Cluster/.test(m.kind ?? "")) m.metadata.namespace ??= ns.name;
      await objects.create(m);
    },
    async pushSecret(name) {
      try {
        return (await custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: ns.name, plural: "pushsecrets", name })) as PushSecretObject;
      } catch (err) {
        if (err instanceof k8s.ApiException && err.code === 404) return undefined;
        throw err;
      }
    },
    async waitForPushSecret(name, predicate, timeoutMs = 20_000) {
      let last: PushSecretObject | undefined;
      await waitUntil(`PushSecret ${name}`, async () => {
        last = await h.pushSecret(name);
        return last !== undefined && predicate(last);
      }, { timeoutMs }).catch((err: Error) => {
        throw new Error(`${err.message}; last status: ${JSON.stringify(last?.status)}`);
      });
      return last!;
    },
    async putSecret(name, data) {
      const body = { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: ns.name }, stringData: data } as k8s.V1Secret;
      try {
        const existing = await core.readNamespacedSecret({ namespace: ns.name, name });
        await core.replaceNamespacedSecret({ namespace: ns.name, name, body: { ...body, metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion ?? "" } } });
      } catch (err) {
        if (!(err instanceof k8s.ApiException && err.code === 404)) throw err;
        await core.createNamespacedSecret({ namespace: ns.name, body });
      }
    },
    async describe(name) {
      return sm.send(new DescribeSecretCommand({ SecretId: name })).catch((err: unknown) => {
        if (notFound(err)) return undefined;
        throw err;
      });
    },
    async value(name) {
      return sm.send(new GetSecretValueCommand({ SecretId: name })).catch((err: unknown) => {
        if (notFound(err) || (err as { name?: string }).name === "InvalidRequestException") return undefined;
        throw err;
      });
    },
    async parameter(name) {
      try {
        const p = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
        const tags = await ssm.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: name }));
        return { value: p.Parameter?.Value ?? "", type: p.Parameter?.Type ?? "", tags: Object.fromEntries((tags.TagList ?? []).map((t): [string, string] => [t.Key ?? "", t.Value ?? ""])) };
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    async observableText() {
      const parts = [...logs];
      const events = await core.listNamespacedEvent({ namespace: ns.name });
      parts.push(...events.items.map((e) => `${e.reason}: ${e.message}`));
      const list = (await custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: ns.name, plural: "pushsecrets" })) as { items: PushSecretObject[] };
      parts.push(...list.items.map((ps) => JSON.stringify(ps.status ?? {})));
      return parts.join("\n");
    },
    async stop() {
      await manager.stop();
      await aws.close();
      await ns.delete();
    },
  };
  return h;
}
