import type { KubeConfig } from "../../runtime/kube/kubeconfig.ts";
import type { ClusterExternalSecret, ClusterExternalSecretStatus } from "../../apis/cluster-external-secret.ts";
import { API_VERSION_V1, KIND_CLUSTER_EXTERNAL_SECRET, PLURAL_CLUSTER_EXTERNAL_SECRETS } from "../../apis/constants.ts";
import { formatIssues, parseClusterExternalSecret } from "../../apis/parse.ts";
import { Controller } from "../../runtime/controller.ts";
import type { Informer } from "../../runtime/informer.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";
import type { Logger } from "../../runtime/logger.ts";
import { metadataChanged } from "../informer-events.ts";
import { GROUP_PATH, type SyncInformers } from "../sync-informers.ts";
import type { SyncObserver } from "../sync-observer.ts";
import { externalSecretNameOf, isControlledBy, type ExternalSecretObject } from "./desired-external-secret.ts";
import { ClusterExternalSecretWrites } from "./external-secret-writer.ts";
import { selectsNamespace, type NamespaceView } from "./namespaces-to-provision.ts";
import { ClusterExternalSecretReconciler, type CachedClusterExternalSecret } from "./reconciler.ts";

export interface ClusterExternalSecretControllerOptions {
  kubeConfig: KubeConfig;
  informers: SyncInformers;
  /** The Namespace informer: a ClusterExternalSecret needs every namespace's labels. */
  namespaces: Informer<KubeObject>;
  logger: Logger;
  metrics?: SyncObserver | undefined;
}

function namespaceView(ns: KubeObject): NamespaceView {
  return { name: ns.metadata?.name ?? "", labels: ns.metadata?.labels ?? {}, terminating: Boolean(ns.metadata?.deletionTimestamp) };
}

function controllerCesOf(es: KubeObject): string | undefined {
  const owner = (es as ExternalSecretObject).metadata?.ownerReferences?.find((r) => r.controller && r.kind === KIND_CLUSTER_EXTERNAL_SECRET);
  return owner?.name;
}

/**
 * The ClusterExternalSecret controller over the shared informers. It is enqueued by its own changes, by
 * Namespace changes that may change what it selects (a label added or removed, a namespace created or
 * deleted: the ExternalSecret follows within seconds, where ESO only reacts to namespaces that match after
 * the change and notices an unlabelled one at its next refreshTime), and by changes to the ExternalSecrets
 * it controls or that block it.
 */
export class ClusterExternalSecretController {
  readonly controller: Controller;
  readonly clusterExternalSecrets: Informer<KubeObject>;

  constructor(options: ClusterExternalSecretControllerOptions) {
    const { informers, namespaces, logger } = options;
    const externalSecrets = informers.externalSecrets;
    const cesInformer = (this.clusterExternalSecrets = informers.add(`${GROUP_PATH}/${PLURAL_CLUSTER_EXTERNAL_SECRETS}`));

    // Informer objects are replaced, never mutated, on change: their identity keys the parse.
    const parsedByObject = new WeakMap<KubeObject, CachedClusterExternalSecret>();
    const cached = (raw: KubeObject): CachedClusterExternalSecret => {
      let hit = parsedByObject.get(raw);
      if (!hit) {
        const result = parseClusterExternalSecret({ apiVersion: API_VERSION_V1, kind: KIND_CLUSTER_EXTERNAL_SECRET, ...raw });
        hit = result.ok
          ? { ces: result.value, rawExternalSecretSpec: (raw as { spec?: { externalSecretSpec?: unknown } }).spec?.externalSecretSpec, resourceVersion: raw.metadata?.resourceVersion ?? "" }
          : { invalid: formatIssues(result.errors), name: raw.metadata?.name ?? "", status: (raw as { status?: ClusterExternalSecretStatus }).status };
        parsedByObject.set(raw, hit);
      }
      return hit;
    };
    const parsedAll = (): ClusterExternalSecret[] =>
      cesInformer.list().flatMap((raw) => {
        const c = cached(raw);
        return "ces" in c ? [c.ces] : [];
      });

    const reconciler = new ClusterExternalSecretReconciler({
      getClusterExternalSecret: (name) => {
        const raw = cesInformer.get(undefined, name);
        return raw ? cached(raw) : undefined;
      },
      namespaces: () => namespaces.list().map(namespaceView),
      getExternalSecret: (namespace, name) => externalSecrets.get(namespace, name),
      // The owner index, not a scan of every cached ExternalSecret per reconcile.
      controlledBy: (cesName) => informers.externalSecretsByController.byIndex(`${KIND_CLUSTER_EXTERNAL_SECRET}/${cesName}`).filter((es) => isControlledBy(es as ExternalSecretObject, cesName)),
      writes: new ClusterExternalSecretWrites(options.kubeConfig),
      logger: logger.child({ controller: "clusterexternalsecret" }),
    });
    const controller = (this.controller = new Controller({
      name: "clusterexternalsecret",
      concurrency: 2,
      logger: logger.child({ controller: "clusterexternalsecret" }),
      reconciler: {
        reconcile: async (req) => {
          const started = performance.now();
          try {
            return await reconciler.reconcile(req);
          } finally {
            // Not for a deleted one: its series went with it and must not come back.
            if (cesInformer.get(undefined, req.name)) options.metrics?.clusterExternalSecretReconciled?.({ namespace: "", name: req.name }, performance.now() - started);
          }
        },
      },
      ...(options.metrics?.controller ? { metrics: options.metrics.controller("clusterexternalsecret") } : {}),
    }));
    const enqueue = (name: string) => controller.enqueue({ name });

    cesInformer.addEventHandler({
      add: (o) => enqueue(o.metadata?.name ?? ""),
      // Status writes are not changes; spec (generation), labels, annotations (force-sync) and deletion are.
      update: (o, n) => {
        if (metadataChanged(o, n)) enqueue(n.metadata?.name ?? "");
      },
    });

    // Condition gauges follow the cluster's objects; a deleted object's series go with it.
    const metrics = options.metrics;
    if (metrics?.clusterExternalSecretConditions) {
      const ref = (o: KubeObject) => ({ namespace: "", name: o.metadata?.name ?? "" });
      const conditions = (o: KubeObject) => (o as { status?: ClusterExternalSecretStatus }).status?.conditions ?? [];
      cesInformer.addEventHandler({
        add: (o) => metrics.clusterExternalSecretConditions?.(ref(o), conditions(o)),
        update: (_o, n) => metrics.clusterExternalSecretConditions?.(ref(n), conditions(n)),
        delete: (o) => metrics.clusterExternalSecretConditions?.(ref(o), undefined),
      });
    }

    // A namespace created, deleted, relabelled or terminating: the ClusterExternalSecrets it was or is selected by.
    const onNamespace = (before: KubeObject | undefined, after: KubeObject | undefined) => {
      const views = [before, after].filter((n): n is KubeObject => n !== undefined).map(namespaceView);
      for (const ces of parsedAll()) {
        const provisioned = ces.status?.provisionedNamespaces ?? [];
        if (views.some((v) => selectsNamespace(ces.spec, v) || provisioned.includes(v.name))) enqueue(ces.metadata.name ?? "");
      }
    };
    namespaces.addEventHandler({
      add: (n) => onNamespace(undefined, n),
      update: (o, n) => {
        const labelsChanged = JSON.stringify(o.metadata?.labels ?? {}) !== JSON.stringify(n.metadata?.labels ?? {});
        if (labelsChanged || o.metadata?.deletionTimestamp !== n.metadata?.deletionTimestamp) onNamespace(o, n);
      },
      delete: (o) => onNamespace(o, undefined),
    });

    // An ExternalSecret it controls was edited or deleted by someone else: restore it. One of its name that
    // blocked a namespace appeared or went away: try that namespace again.
    const onExternalSecret = (es: KubeObject) => {
      const owner = controllerCesOf(es);
      if (owner) enqueue(owner);
      const namespace = { name: es.metadata?.namespace ?? "", labels: namespaces.get(undefined, es.metadata?.namespace ?? "")?.metadata?.labels ?? {} };
      for (const ces of parsedAll()) {
        if (ces.metadata.name !== owner && externalSecretNameOf(ces) === es.metadata?.name && selectsNamespace(ces.spec, namespace)) enqueue(ces.metadata.name ?? "");
      }
    };
    externalSecrets.addEventHandler({
      add: (es) => {
        if (!controllerCesOf(es)) onExternalSecret(es);
      },
      update: (o, n) => {
        if (metadataChanged(o, n) && controllerCesOf(n)) onExternalSecret(n);
      },
      delete: (es) => onExternalSecret(es),
    });
  }

  start(): void {
    this.controller.start();
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.controller.stop(options);
  }
}
