import * as k8s from "@kubernetes/client-node";
import { withoutManagedFields } from "../../runtime/cache-transforms.ts";
import { Informer } from "../../runtime/informer.ts";
import { kubeCallOptions } from "../../runtime/kube-call.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";
import type { Logger } from "../../runtime/logger.ts";
import { TemplateSourceCache, type SourceKind } from "./template-source-cache.ts";

const PLURAL: Record<SourceKind, string> = { ConfigMap: "configmaps", Secret: "secrets" };

/** The template source cache over the apiserver: one name-selected informer per object, GETs with a deadline. */
export function kubeTemplateSourceCache(
  kubeConfig: k8s.KubeConfig,
  options: { logger: Logger; onChange: (users: readonly string[]) => void; timeoutMs?: number | undefined; maxWatches?: number | undefined },
): TemplateSourceCache {
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
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
      const call = kubeCallOptions({ signal, timeoutMs: options.timeoutMs });
      try {
        const obj = kind === "ConfigMap" ? await core.readNamespacedConfigMap({ namespace, name }, call) : await core.readNamespacedSecret({ namespace, name }, call);
        return obj as unknown as KubeObject;
      } catch (err) {
        if (err instanceof k8s.ApiException && err.code === 404) return undefined;
        throw err;
      }
    },
  });
}
