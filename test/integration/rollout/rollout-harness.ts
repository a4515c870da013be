// Builders and probes for the rollout tests: workloads that consume Secrets, their generation (one per
// template change, since no workload controller runs in the test control plane) and managedFields.
import * as k8s from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { KubeEventRecorder } from "../../../src/runtime/event-recorder.ts";
import { createLogger } from "../../../src/runtime/logger.ts";
import { RolloutController } from "../../../src/rollout/rollout-controller.ts";
import type { Clock } from "../../../src/runtime/clock.ts";
import { RolloutMetrics } from "../../../src/rollout/rollout-metrics.ts";
import { waitUntil } from "../../env/index.ts";
import { Writable } from "node:stream";

export type Kind = "Deployment" | "StatefulSet" | "DaemonSet";
const PLURAL: Record<Kind, string> = { Deployment: "deployments", StatefulSet: "statefulsets", DaemonSet: "daemonsets" };

export interface PodSpecParts {
  env?: object[];
  envFrom?: object[];
  volumes?: object[];
  initEnv?: object[];
}

/** A valid apps/v1 workload whose pod template consumes Secrets as given. */
export function workload(kind: Kind, name: string, options: { annotations?: Record<string, string>; templateAnnotations?: Record<string, string> } & PodSpecParts = {}): object {
  const labels = { app: name };
  return {
    apiVersion: "apps/v1",
    kind,
    metadata: { name, annotations: options.annotations ?? {} },
    spec: {
      selector: { matchLabels: labels },
      ...(kind === "StatefulSet" ? { serviceName: name } : {}),
      template: {
        metadata: { labels, annotations: options.templateAnnotations ?? {} },
        spec: {
          ...(options.initEnv ? { initContainers: [{ name: "init", image: "busybox", env: options.initEnv }] } : {}),
          containers: [{ name: "app", image: "busybox", env: options.env ?? [], envFrom: options.envFrom ?? [] }],
          volumes: options.volumes ?? [],
        },
      },
    },
  };
}

export const envFromSecret = (secret: string) => ({ envFrom: [{ secretRef: { name: secret } }] });
export const envSecretKey = (secret: string, key: string) => ({ env: [{ name: "V", valueFrom: { secretKeyRef: { name: secret, key } } }] });

export interface WorkloadState {
  generation: number;
  hash: string | undefined;
  managers: Array<{ manager: string | undefined; operation: string | undefined }>;
}

export class RolloutProbe {
  readonly #objects: k8s.KubernetesObjectApi;
  readonly #core: k8s.CoreV1Api;

  constructor(kc: k8s.KubeConfig) {
    this.#objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    this.#core = kc.makeApiClient(k8s.CoreV1Api);
  }

  async create(namespace: string, manifest: object): Promise<void> {
    const m = structuredClone(manifest) as k8s.KubernetesObject;
    m.metadata!.namespace = namespace;
    await this.#objects.create(m);
  }

  async state(kind: Kind, namespace: string, name: string): Promise<WorkloadState> {
    const o = await this.#objects.read<k8s.V1Deployment>({ apiVersion: "apps/v1", kind, metadata: { name, namespace } });
    return {
      generation: o.metadata?.generation ?? 0,
      hash: o.spec?.template?.metadata?.annotations?.["ferry.dev/secrets-hash"],
      managers: (o.metadata?.managedFields ?? []).map((f) => ({ manager: f.manager, operation: f.operation })),
    };
  }

  async waitForGeneration(kind: Kind, namespace: string, name: string, generation: number, timeoutMs = 15_000): Promise<WorkloadState> {
    let last: WorkloadState | undefined;
    await waitUntil(`${kind} ${namespace}/${name} at generation ${generation}`, async () => {
      last = await this.state(kind, namespace, name);
      return last.generation >= generation;
    }, { timeoutMs, intervalMs: 100 });
    return last!;
  }

  async putSecret(namespace: string, name: string, data: Record<string, string>, annotations: Record<string, string> = {}): Promise<void> {
    const body = { metadata: { name, namespace, annotations }, stringData: data };
    try {
      await this.#core.createNamespacedSecret({ namespace, body });
    } catch (err) {
      if (!(err instanceof k8s.ApiException && err.code === 409)) throw err;
      const current = await this.#core.readNamespacedSecret({ namespace, name });
      await this.#core.replaceNamespacedSecret({ namespace, name, body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata!.resourceVersion! } } });
    }
  }

  /** A write that bumps the Secret's resourceVersion and leaves its data alone. */
  async touchSecret(namespace: string, name: string): Promise<string> {
    const s = await this.#core.patchNamespacedSecret(
      { namespace, name, body: { metadata: { labels: { touched: String(Date.now()) } } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    return s.metadata!.resourceVersion!;
  }

  async events(namespace: string, name: string): Promise<k8s.CoreV1Event[]> {
    return (await this.#core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` })).items;
  }

  plural(kind: Kind): string {
    return PLURAL[kind];
  }
}

export interface RunningRollouts {
  controller: RolloutController;
  registry: Registry;
  logs: string[];
  triggered(): Promise<number>;
}

export async function startRollouts(kc: k8s.KubeConfig, options: { namespace: string; debounceMs: number; clock?: Clock }): Promise<RunningRollouts> {
  const logs: string[] = [];
  const logger = createLogger({
    level: "debug",
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        done();
      },
    }),
  });
  const registry = new Registry();
  const controller = new RolloutController({
    kubeConfig: kc,
    namespace: options.namespace,
    debounceMs: options.debounceMs,
    ...(options.clock ? { clock: options.clock } : {}),
    events: new KubeEventRecorder({ kubeConfig: kc, component: "ferry-rollout" }),
    metrics: new RolloutMetrics(registry),
    logger,
  });
  await controller.start();
  return {
    controller,
    registry,
    logs,
    async triggered() {
      const m = await registry.getSingleMetric("ferry_rollouts_triggered_total")?.get();
      return (m?.values ?? []).reduce((n, v) => n + v.value, 0);
    },
  };
}
