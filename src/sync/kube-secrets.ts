import type { V1Secret } from "@kubernetes/client-node";
import type { Informer } from "../runtime/informer.ts";
import { isNotFound } from "../runtime/kube/api-error.ts";
import { kubeClient, type CallOptions, type KubeClient } from "../runtime/kube/kube-client.ts";
import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import { corePath, resourcePath } from "../runtime/kube/paths.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";

/**
 * Target Secret access for the reconciler. Reads come from the informer of managed Secrets (label
 * reconcile.external-secrets.io/managed=true, so memory does not grow with the cluster's other Secrets, ESO
 * #2608); a Secret not in that cache (not created yet, or an existing unlabelled Merge target) is read from the
 * API once, exactly as ESO does when its partial and full caches disagree.
 */
export class KubeSecrets {
  readonly #kube: KubeClient;
  readonly #cache: Informer<KubeObject>;
  readonly #timeoutMs: number | undefined;

  /** `timeoutMs`: each API call's deadline (DEFAULT_KUBE_REQUEST_TIMEOUT_MS); every call also takes the reconcile's signal. */
  constructor(kubeConfig: KubeConfig, managedSecrets: Informer<KubeObject>, options: { timeoutMs?: number | undefined } = {}) {
    this.#kube = kubeClient(kubeConfig);
    this.#cache = managedSecrets;
    this.#timeoutMs = options.timeoutMs;
  }

  #options(signal: AbortSignal | undefined, fieldManager?: string): CallOptions {
    return { signal, timeoutMs: this.#timeoutMs, ...(fieldManager ? { query: { fieldManager } } : {}) };
  }

  /** `cacheOnly`: a Secret not in the cache is reported absent without asking the API (see the reconciler). */
  async get(namespace: string, name: string, signal?: AbortSignal, options: { cacheOnly?: boolean } = {}): Promise<V1Secret | undefined> {
    const cached = this.#cache.get(namespace, name);
    // The cache holds raw JSON; every field the reconciler reads (data, type, labels, annotations, owner
    // references, managedFields' fieldsV1, resourceVersion, uid, immutable) has the same shape in V1Secret.
    if (cached) return structuredClone(cached) as unknown as V1Secret;
    if (options.cacheOnly) return undefined;
    try {
      return await this.#kube.get<V1Secret>(corePath("secrets", namespace, name), this.#options(signal));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** The cached Secret only (no API call): for decisions that may be approximate, like read-ahead. */
  async cached(namespace: string, name: string): Promise<V1Secret | undefined> {
    const cached = this.#cache.get(namespace, name);
    return cached ? (cached as unknown as V1Secret) : undefined;
  }

  async create(secret: V1Secret, fieldManager: string, signal?: AbortSignal): Promise<void> {
    await this.#kube.create(corePath("secrets", secret.metadata!.namespace), secret, this.#options(signal, fieldManager));
  }

  /** A PUT carrying the resourceVersion it was computed from: a concurrent change is a 409, retried from fresh state. */
  async update(secret: V1Secret, fieldManager: string, signal?: AbortSignal): Promise<void> {
    await this.#kube.replace(corePath("secrets", secret.metadata!.namespace, secret.metadata!.name), secret, this.#options(signal, fieldManager));
  }

  /** Deletes only the exact Secret that was decided on (UID precondition), never a same-named successor. */
  async delete(namespace: string, name: string, uid: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.#kube.delete(corePath("secrets", namespace, name), { ...this.#options(signal), body: { preconditions: { uid } } });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }
}

/** Writes `/status` of external-secrets.io objects with a merge patch, never a full PUT (KES lesson 3). */
export class StatusWriter {
  readonly #kube: KubeClient;
  readonly #timeoutMs: number | undefined;

  constructor(kubeConfig: KubeConfig, options: { timeoutMs?: number | undefined } = {}) {
    this.#kube = kubeClient(kubeConfig);
    this.#timeoutMs = options.timeoutMs;
  }

  async patch(plural: string, target: { namespace?: string | undefined; name: string }, status: object, signal?: AbortSignal): Promise<void> {
    const path = resourcePath({ group: "external-secrets.io", version: "v1", plural, namespace: target.namespace, name: target.name, subresource: "status" });
    await this.#kube.patch(path, "merge", { status }, { signal, timeoutMs: this.#timeoutMs });
  }
}
