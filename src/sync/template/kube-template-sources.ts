import { withoutManagedFields } from "../../runtime/cache-transforms.ts";
import { Informer } from "../../runtime/informer.ts";
import { isNotFound } from "../../runtime/kube/api-error.ts";
import { kubeClient } from "../../runtime/kube/kube-client.ts";
import type { KubeConfig } from "../../runtime/kube/kubeconfig.ts";
import { corePath } from "../../runtime/kube/paths.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";
import type { Logger } from "../../runtime/logger.ts";
import { TemplateSourceCache, type SourceKind } from "./template-source-cache.ts";

const PLURAL: Record<SourceKind, string> = { ConfigMap: "configmaps", Secret: "secrets" };

/** The template source cache over the apiserver: one name-selected informer per object, GETs with a deadline. */
export function kubeTemplateSourceCache(
  kubeConfig: KubeConfig,
  options: { logger: Logger; onChange: (users: readonly string[]) => void; timeoutMs?: number | undefined; maxWatches?: number | undefined },
): TemplateSourceCache {
  const kube = kubeClient(kubeConfig);
  return new TemplateSourceCache({
    logger: options.logger,
    onChange: options.onChange,
    maxWatches: options.maxWatches,
    watch: (kind, namespace, name) =>
      new Informer<KubeObject>({
        kubeConfig,
        path: `/api/v1/namespaces/${namespace}/${PLURAL[kind]}`,
        fieldSelector: `metadata.name=${name}`,
        // The template reads data only; managedFields would be cached for nothing (ADR 13).
        transform: withoutManagedFields,
        logger: options.logger,
      }),
    get: async (kind, namespace, name, signal) => {
      try {
        return await kube.get<KubeObject>(corePath(PLURAL[kind], namespace, name), { signal, timeoutMs: options.timeoutMs });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
  });
}
