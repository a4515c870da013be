import type { KubeConfig } from "../../runtime/kube/kubeconfig.ts";
import { GROUP, PLURAL_CLUSTER_EXTERNAL_SECRETS, PLURAL_EXTERNAL_SECRETS, VERSION_V1 } from "../../apis/constants.ts";
import { KubeApiError, kubeRequest } from "../../runtime/kube-request.ts";
import type { ExternalSecretObject } from "./desired-external-secret.ts";

const BASE = `/apis/${GROUP}/${VERSION_V1}`;

/** A failed write: the HTTP status and the apiserver's own message (no method, path or body). */
export class WriteError extends Error {
  override readonly name = "WriteError";
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

async function request<T>(kubeConfig: KubeConfig, method: "POST" | "PUT" | "DELETE" | "PATCH", path: string, body?: unknown, contentType?: string): Promise<T> {
  try {
    return await kubeRequest<T>(kubeConfig, { method, path, body, ...(contentType ? { contentType } : {}) });
  } catch (err) {
    if (err instanceof KubeApiError) throw new WriteError(err.statusCode, err.message.replace(/^.*?: HTTP \d+: /, ""));
    throw err;
  }
}

/** The writes the ClusterExternalSecret controller makes: its ExternalSecrets, its status, ESO's finalizer. */
export class ClusterExternalSecretWrites {
  readonly #kubeConfig: KubeConfig;

  constructor(kubeConfig: KubeConfig) {
    this.#kubeConfig = kubeConfig;
  }

  async createExternalSecret(es: ExternalSecretObject): Promise<void> {
    await request(this.#kubeConfig, "POST", `${BASE}/namespaces/${es.metadata!.namespace}/${PLURAL_EXTERNAL_SECRETS}`, es);
  }

  /** A PUT carrying the resourceVersion it was computed from: a concurrent change is a 409, retried from fresh state. */
  async updateExternalSecret(es: ExternalSecretObject): Promise<void> {
    await request(this.#kubeConfig, "PUT", `${BASE}/namespaces/${es.metadata!.namespace}/${PLURAL_EXTERNAL_SECRETS}/${es.metadata!.name}`, es);
  }

  /** Deletes only the ExternalSecret that was decided on (UID precondition); already gone is fine. */
  async deleteExternalSecret(namespace: string, name: string, uid: string): Promise<void> {
    try {
      await request(this.#kubeConfig, "DELETE", `${BASE}/namespaces/${namespace}/${PLURAL_EXTERNAL_SECRETS}/${name}`, { preconditions: { uid } });
    } catch (err) {
      if (err instanceof WriteError && err.statusCode === 404) return;
      throw err;
    }
  }

  async patchStatus(name: string, status: Record<string, unknown>): Promise<void> {
    await request(this.#kubeConfig, "PATCH", `${BASE}/${PLURAL_CLUSTER_EXTERNAL_SECRETS}/${name}/status`, { status }, "application/merge-patch+json");
  }

  /** Sets metadata.finalizers with the resourceVersion as precondition (JSON merge patch replaces the list). */
  async setFinalizers(name: string, resourceVersion: string, finalizers: string[]): Promise<void> {
    await request(this.#kubeConfig, "PATCH", `${BASE}/${PLURAL_CLUSTER_EXTERNAL_SECRETS}/${name}`, { metadata: { resourceVersion, finalizers } }, "application/merge-patch+json");
  }
}
