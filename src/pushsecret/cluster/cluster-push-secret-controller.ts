import { GROUP, KIND_CLUSTER_PUSH_SECRET, PLURAL_CLUSTER_PUSH_SECRETS, PLURAL_PUSH_SECRETS, VERSION_V1ALPHA1 } from "../../apis/constants.ts";
import { Controller, type ControllerMetrics } from "../../runtime/controller.ts";
import type { Informer } from "../../runtime/informer.ts";
import { kubeClient } from "../../runtime/kube/kube-client.ts";
import type { KubeConfig } from "../../runtime/kube/kubeconfig.ts";
import { resourcePath } from "../../runtime/kube/paths.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";
import type { Logger } from "../../runtime/logger.ts";
import { ClusterPushSecretReconciler } from "./cluster-push-secret-reconciler.ts";

/**
 * The ClusterPushSecret controller over shared informers (PushSecrets and Namespaces from the PushSecret
 * manager). Namespaces are watched, so labelling a namespace provisions its PushSecret within seconds; a
 * PushSecret deleted or edited by hand is put back.
 */
export class ClusterPushSecretController {
  readonly clusterPushSecrets: Informer<KubeObject>;
  readonly controller: Controller;

  constructor(options: {
    /** The ClusterPushSecret informer (added to the shared informers by the caller). */
    clusterPushSecrets: Informer<KubeObject>;
    kubeConfig: KubeConfig;
    pushSecrets: Informer<KubeObject>;
    namespaces: Informer<KubeObject>;
    logger: Logger;
    now?: (() => number) | undefined;
    metrics?: ControllerMetrics | undefined;
  }) {
    const { kubeConfig, pushSecrets, namespaces, logger } = options;
    this.clusterPushSecrets = options.clusterPushSecrets;
    const kube = kubeClient(kubeConfig);
    const pushSecretPath = (namespace: string, name?: string) => resourcePath({ group: GROUP, version: VERSION_V1ALPHA1, plural: PLURAL_PUSH_SECRETS, namespace, name });
    const reconciler = new ClusterPushSecretReconciler({
      getClusterPushSecret: (name) => this.clusterPushSecrets.get(undefined, name),
      namespaces: () =>
        namespaces.list().map((ns) => ({ name: ns.metadata?.name ?? "", labels: ns.metadata?.labels ?? {}, terminating: !!ns.metadata?.deletionTimestamp })),
      getPushSecret: (namespace, name) => pushSecrets.get(namespace, name),
      createPushSecret: async (body) => {
        const namespace = (body.metadata as { namespace: string }).namespace;
        await kube.create(pushSecretPath(namespace), body);
      },
      updatePushSecret: async (existing, desired) => {
        const d = desired as { metadata: Record<string, unknown>; spec: unknown };
        await kube.replace(pushSecretPath(existing.metadata?.namespace ?? "", existing.metadata?.name ?? ""), {
          ...existing,
          metadata: { ...existing.metadata, labels: d.metadata.labels, annotations: d.metadata.annotations, ownerReferences: d.metadata.ownerReferences },
          spec: d.spec,
        });
      },
      deletePushSecret: async (namespace, name, uid) => {
        await kube.delete(pushSecretPath(namespace, name), { body: { preconditions: { uid } } });
      },
      patchStatus: async (name, status) => {
        await kube.patch(resourcePath({ group: GROUP, version: VERSION_V1ALPHA1, plural: PLURAL_CLUSTER_PUSH_SECRETS, name, subresource: "status" }), "merge", { status });
      },
      logger: logger.child({ controller: "clusterpushsecret" }),
      now: options.now,
    });
    this.controller = new Controller({ name: "clusterpushsecret", concurrency: 2, logger: logger.child({ controller: "clusterpushsecret" }), reconciler: { reconcile: (req) => reconciler.reconcile(req) }, ...(options.metrics ? { metrics: options.metrics } : {}) });

    const all = () => {
      for (const cps of this.clusterPushSecrets.list()) this.controller.enqueue({ name: cps.metadata?.name ?? "" });
    };
    this.clusterPushSecrets.addEventHandler({
      add: (o) => this.controller.enqueue({ name: o.metadata?.name ?? "" }),
      update: (a, b) => {
        if (a.metadata?.generation !== b.metadata?.generation || a.metadata?.deletionTimestamp !== b.metadata?.deletionTimestamp) this.controller.enqueue({ name: b.metadata?.name ?? "" });
      },
    });
    namespaces.addEventHandler({
      add: all,
      update: (a, b) => {
        if (JSON.stringify(a.metadata?.labels ?? {}) !== JSON.stringify(b.metadata?.labels ?? {}) || a.metadata?.deletionTimestamp !== b.metadata?.deletionTimestamp) all();
      },
      delete: all,
    });
    const owner = (ps: KubeObject) => (ps.metadata as { ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }> } | undefined)?.ownerReferences?.find((r) => r.controller && r.kind === KIND_CLUSTER_PUSH_SECRET);
    pushSecrets.addEventHandler({
      update: (a, b) => {
        const o = owner(b);
        if (o && a.metadata?.generation !== b.metadata?.generation) this.controller.enqueue({ name: o.name });
      },
      delete: (ps) => {
        const o = owner(ps);
        if (o) this.controller.enqueue({ name: o.name });
      },
    });
  }
}
