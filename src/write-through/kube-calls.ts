import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import { KubeApiError, kubeRequest } from "../runtime/kube-request.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import type { SecretObject } from "./secret-object.ts";

/** The Kubernetes calls write-through makes besides its informers; a seam for counting fakes. */
export interface WriteThroughKube {
  secretExists(namespace: string, name: string, signal?: AbortSignal): Promise<boolean>;
  /** The live Secret (a consistent read from the apiserver, not a cache), or undefined when there is none. */
  getSecret(namespace: string, name: string, signal?: AbortSignal): Promise<SecretObject | undefined>;
  /**
   * Sets a Secret's finalizers, provided it is still at `resourceVersion` (a JSON patch `test`), so a
   * finalizer added meanwhile by someone else is never dropped. Rejects with KubeApiError 409/422 on a race.
   */
  setFinalizers(namespace: string, name: string, finalizers: string[], resourceVersion: string): Promise<void>;
  getExternalSecret(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** Server-side apply with Ferry's field manager. */
  applyExternalSecret(manifest: Record<string, unknown>): Promise<void>;
}

export const FIELD_MANAGER = "ferry-write-through";

export function kubeCalls(kubeConfig: KubeConfig): WriteThroughKube {
  const secretPath = (namespace: string, name: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`;
  const esPath = (namespace: string, name: string) => `/apis/external-secrets.io/v1/namespaces/${encodeURIComponent(namespace)}/externalsecrets/${encodeURIComponent(name)}`;
  return {
    async secretExists(namespace, name, signal) {
      try {
        // The body is dropped unread: only existence matters.
        await kubeRequest(kubeConfig, { method: "GET", path: secretPath(namespace, name), ...(signal ? { signal } : {}) });
        return true;
      } catch (err) {
        if (err instanceof KubeApiError && err.statusCode === 404) return false;
        throw err;
      }
    },
    async getSecret(namespace, name, signal) {
      try {
        return await kubeRequest<SecretObject>(kubeConfig, { method: "GET", path: secretPath(namespace, name), ...(signal ? { signal } : {}) });
      } catch (err) {
        if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
        throw err;
      }
    },
    async setFinalizers(namespace, name, finalizers, resourceVersion) {
      await kubeRequest(kubeConfig, {
        method: "PATCH",
        path: secretPath(namespace, name),
        contentType: "application/json-patch+json",
        body: [
          { op: "test", path: "/metadata/resourceVersion", value: resourceVersion },
          { op: "replace", path: "/metadata/finalizers", value: finalizers },
        ],
      });
    },
    async getExternalSecret(namespace, name) {
      try {
        return await kubeRequest<KubeObject>(kubeConfig, { method: "GET", path: esPath(namespace, name) });
      } catch (err) {
        if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
        throw err;
      }
    },
    async applyExternalSecret(manifest) {
      const meta = manifest.metadata as { namespace: string; name: string };
      await kubeRequest(kubeConfig, {
        method: "PATCH",
        path: esPath(meta.namespace, meta.name),
        query: { fieldManager: FIELD_MANAGER, force: true },
        contentType: "application/apply-patch+yaml",
        body: manifest,
      });
    },
  };
}
