import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import type { Logger } from "../runtime/logger.ts";
import { NamespacedWatchPool } from "../runtime/namespaced-watch-pool.ts";

/**
 * Watches the source Secrets of PushSecrets so a change is pushed within seconds (ESO notices it only at
 * the next refreshInterval). Scoped: a pool retained per PushSecret key (runtime/namespaced-watch-pool.ts),
 * so only namespaces that have PushSecrets are watched, and each cached Secret is reduced to its identity and
 * labels (no data, annotations or managedFields), so memory grows with the number of Secrets in those
 * namespaces, never with their contents. Labels are kept for `selector.secret.selector`: a Secret that gains
 * or loses a selected label is a change of what a PushSecret pushes. The reconciler reads a source Secret's
 * data from the API when it pushes.
 */
export function sourceSecretWatch(options: {
  kubeConfig: KubeConfig;
  logger: Logger;
  onChange: (change: SourceSecretChange) => void;
  /**
   * Whether the Secrets a namespace's first LIST finds are changes. They are not when every PushSecret of the
   * namespace reconciled after that LIST (it read at least what the LIST saw); see PushSecretManager.
   */
  listedIsChange: (namespace: string) => boolean;
  /** The namespace's first LIST is in. */
  onListed: (namespace: string) => void;
}): NamespacedWatchPool<KubeObject> {
  const changed = (o: KubeObject, labels: Array<Record<string, string>>) =>
    options.onChange({ namespace: o.metadata?.namespace ?? "", name: o.metadata?.name ?? "", labels });
  const labelsOf = (o: KubeObject) => o.metadata?.labels ?? {};
  return new NamespacedWatchPool<KubeObject>({
    name: "source secrets",
    pathOf: (namespace) => `/api/v1/namespaces/${namespace}/secrets`,
    transform: identityAndLabels,
    handlers: {
      listed: (o) => {
        if (options.listedIsChange(o.metadata?.namespace ?? "")) changed(o, [labelsOf(o)]);
      },
      add: (o) => changed(o, [labelsOf(o)]),
      // Both label sets: a Secret that stops matching a selector is a change for that PushSecret too.
      update: (before, after) => changed(after, [labelsOf(before), labelsOf(after)]),
      delete: (o) => changed(o, [labelsOf(o)]),
      synced: options.onListed,
    },
    kubeConfig: options.kubeConfig,
    logger: options.logger,
  });
}

/** A source Secret was added, changed or deleted; `labels`: its label sets before and after. */
export interface SourceSecretChange {
  namespace: string;
  name: string;
  labels: ReadonlyArray<Readonly<Record<string, string>>>;
}

function identityAndLabels(obj: KubeObject): KubeObject {
  const m = obj.metadata ?? {};
  return { metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, labels: m.labels } } as KubeObject;
}
