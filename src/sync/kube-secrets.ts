import * as k8s from "@kubernetes/client-node";
import type { Informer } from "../runtime/informer.ts";
import { kubeCallOptions } from "../runtime/kube-call.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";

/**
 * Target Secret access for the reconciler. Reads come from the informer of managed Secrets (label
 * reconcile.external-secrets.io/managed=true, so memory does not grow with the cluster's other Secrets, ESO
 * #2608); a Secret not in that cache (not created yet, or an existing unlabelled Merge target) is read from the
 * API once, exactly as ESO does when its partial and full caches disagree.
 */
export class KubeSecrets {
  readonly #core: k8s.CoreV1Api;
  readonly #cache: Informer<KubeObject>;
  readonly #timeoutMs: number | undefined;

  /** `timeoutMs`: each API call's deadline (DEFAULT_KUBE_REQUEST_TIMEOUT_MS); every call also takes the reconcile's signal. */
  constructor(kubeConfig: k8s.KubeConfig, managedSecrets: Informer<KubeObject>, options: { timeoutMs?: number | undefined } = {}) {
    this.#core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    this.#cache = managedSecrets;
    this.#timeoutMs = options.timeoutMs;
  }

  #options(signal: AbortSignal | undefined) {
    return kubeCallOptions({ signal, timeoutMs: this.#timeoutMs });
  }

  /** `cacheOnly`: a Secret not in the cache is reported absent without asking the API (see the reconciler). */
  async get(namespace: string, name: string, signal?: AbortSignal, options: { cacheOnly?: boolean } = {}): Promise<k8s.V1Secret | undefined> {
    const cached = this.#cache.get(namespace, name);
    // The cache holds raw JSON; every field the reconciler reads (data, type, labels, annotations, owner
    // references, managedFields' fieldsV1, resourceVersion, uid, immutable) has the same shape in V1Secret.
    if (cached) return structuredClone(cached) as unknown as k8s.V1Secret;
    if (options.cacheOnly) return undefined;
    try {
      return await this.#core.readNamespacedSecret({ namespace, name }, this.#options(signal));
    } catch (err) {
      if (err instanceof k8s.ApiException && err.code === 404) return undefined;
      throw err;
    }
  }

  /** The cached Secret only (no API call): for decisions that may be approximate, like read-ahead. */
  async cached(namespace: string, name: string): Promise<k8s.V1Secret | undefined> {
    const cached = this.#cache.get(namespace, name);
    return cached ? (cached as unknown as k8s.V1Secret) : undefined;
  }

  async create(secret: k8s.V1Secret, fieldManager: string, signal?: AbortSignal): Promise<void> {
    await this.#core.createNamespacedSecret({ namespace: secret.metadata!.namespace!, body: secret, fieldManager }, this.#options(signal));
  }

  /** A PUT carrying the resourceVersion it was computed from: a concurrent change is a 409, retried from fresh state. */
  async update(secret: k8s.V1Secret, fieldManager: string, signal?: AbortSignal): Promise<void> {
    await this.#core.replaceNamespacedSecret({ namespace: secret.metadata!.namespace!, name: secret.metadata!.name!, body: secret, fieldManager }, this.#options(signal));
  }

  /** Deletes only the exact Secret that was decided on (UID precondition), never a same-named successor. */
  async delete(namespace: string, name: string, uid: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.#core.deleteNamespacedSecret({ namespace, name, body: { preconditions: { uid } } }, this.#options(signal));
    } catch (err) {
      if (err instanceof k8s.ApiException && err.code === 404) return;
      throw err;
    }
  }
}

const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

/** Writes `/status` of external-secrets.io objects with a merge patch, never a full PUT (KES lesson 3). */
export class StatusWriter {
  readonly #custom: k8s.CustomObjectsApi;
  readonly #timeoutMs: number | undefined;

  constructor(kubeConfig: k8s.KubeConfig, options: { timeoutMs?: number | undefined } = {}) {
    this.#custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
    this.#timeoutMs = options.timeoutMs;
  }

  async patch(plural: string, target: { namespace?: string | undefined; name: string }, status: object, signal?: AbortSignal): Promise<void> {
    const common = { group: "external-secrets.io", version: "v1", plural, name: target.name, body: { status } };
    const options = kubeCallOptions({ signal, timeoutMs: this.#timeoutMs }, merge);
    if (target.namespace) await this.#custom.patchNamespacedCustomObjectStatus({ ...common, namespace: target.namespace }, options);
    else await this.#custom.patchClusterCustomObjectStatus(common, options);
  }
}
