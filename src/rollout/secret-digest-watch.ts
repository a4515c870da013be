import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import type { Logger } from "../runtime/logger.ts";
import { NamespacedWatchPool } from "../runtime/namespaced-watch-pool.ts";
import { secretView, type SecretView } from "./views.ts";

/**
 * Watches Secrets only in namespaces that have a workload opted in to rollouts (a pool retained per workload
 * key, runtime/namespaced-watch-pool.ts), and keeps of each Secret its identity and a digest of its data
 * (views.ts), never the data. So memory grows with the number of Secrets in those namespaces, not with the
 * cluster's Secrets or their sizes.
 *
 * `onContentChange` fires only when a Secret's data digest changed: a write that bumps the resourceVersion but
 * not the data (a no-op refresh, a label or annotation edit) is not a change. Creation and deletion are not
 * either (Reloader's defaults, --reload-on-create and --reload-on-delete off): a workload whose Secret is
 * missing is not running on old data, and deleting a Secret does not change what running pods have.
 */
export function secretDigestWatch(options: { kubeConfig: KubeConfig; logger: Logger; onContentChange: (secret: SecretView) => void }): NamespacedWatchPool<SecretView> {
  return new NamespacedWatchPool<SecretView>({
    name: "rollout secrets",
    pathOf: (namespace) => `/api/v1/namespaces/${namespace}/secrets`,
    transform: secretView,
    handlers: {
      update: (before, after) => {
        if (before.digest !== after.digest) options.onContentChange(after);
      },
    },
    kubeConfig: options.kubeConfig,
    logger: options.logger,
  });
}
