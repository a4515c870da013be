import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import { composeTransforms, keepManagedFieldsOf, withoutAnnotations, withoutManagedFields, type CacheTransform } from "../runtime/cache-transforms.ts";
import { Informer } from "../runtime/informer.ts";
import { controllerOwnerOf, InformerIndex } from "../runtime/informer-index.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import type { Logger } from "../runtime/logger.ts";
import { FIELD_MANAGER_PREFIX, MANAGED_LABEL } from "./desired-secret.ts";

export const GROUP_PATH = "/apis/external-secrets.io/v1";

/**
 * What the caches keep (ADR 13). Every kind drops managedFields; ExternalSecrets also drop kubectl's
 * last-applied-configuration (a second copy of the spec; never copied to the Secret either, desired-secret.ts);
 * managed Secrets keep their data (the reconciler compares and merges it, as ESO's cache of managed Secrets
 * does) and only ESO's own field managers' entries, which say which keys a Merge owns (keysManagedBy).
 */
export const CACHE_TRANSFORMS = {
  default: withoutManagedFields,
  externalSecrets: composeTransforms(withoutManagedFields, withoutAnnotations(["kubectl.kubernetes.io/last-applied-configuration"])),
  managedSecrets: keepManagedFieldsOf(FIELD_MANAGER_PREFIX),
} satisfies Record<string, CacheTransform>;

export interface SyncInformersOptions {
  kubeConfig: KubeConfig;
  /** Watch only this namespace (ESO --namespace). Cluster-scoped kinds are still watched. */
  namespace?: string | undefined;
  logger: Logger;
}

/**
 * The informers every sync controller shares, created in one place so each kind is watched once however many
 * controllers read it. Secrets are watched only when they carry the managed label, so memory does not grow
 * with the cluster's other Secrets (ESO #2608, #3145). Namespaces are watched only when watching all of them
 * (ClusterSecretStore namespace conditions need their labels).
 */
export class SyncInformers {
  readonly externalSecrets: Informer<KubeObject>;
  readonly secretStores: Informer<KubeObject>;
  readonly clusterSecretStores: Informer<KubeObject>;
  readonly namespaces: Informer<KubeObject> | undefined;
  readonly managedSecrets: Informer<KubeObject>;
  /**
   * ExternalSecrets by their controller owner (`<Kind>/<name>`, e.g. `ClusterExternalSecret/registry`): a
   * ClusterExternalSecret finds the ExternalSecrets it controls without scanning every cached one. Registered
   * here, before any controller's handlers, so it is current when they run.
   */
  readonly externalSecretsByController: InformerIndex<KubeObject>;
  readonly #all: Informer<KubeObject>[] = [];
  readonly #kubeConfig: KubeConfig;
  readonly #logger: Logger;
  readonly #scope: string;

  constructor(options: SyncInformersOptions) {
    this.#kubeConfig = options.kubeConfig;
    this.#logger = options.logger;
    this.#scope = options.namespace ? `/namespaces/${options.namespace}` : "";
    this.externalSecrets = this.add(`${GROUP_PATH}${this.#scope}/externalsecrets`, { transform: CACHE_TRANSFORMS.externalSecrets });
    this.externalSecretsByController = new InformerIndex(this.externalSecrets, controllerOwnerOf);
    this.secretStores = this.add(`${GROUP_PATH}${this.#scope}/secretstores`);
    this.clusterSecretStores = this.add(`${GROUP_PATH}/clustersecretstores`);
    this.managedSecrets = this.add(`/api/v1${this.#scope}/secrets`, { labelSelector: `${MANAGED_LABEL}=true`, transform: CACHE_TRANSFORMS.managedSecrets });
    this.namespaces = options.namespace ? undefined : this.add("/api/v1/namespaces");
  }

  /** The path prefix of namespaced collections: "" for all namespaces, or "/namespaces/<ns>". */
  get scope(): string {
    return this.#scope;
  }

  /**
   * A further informer (a new kind's), started, synced and stopped with the others. Its cache drops
   * managedFields unless `transform` says otherwise.
   */
  add(path: string, extra: { labelSelector?: string; transform?: CacheTransform } = {}): Informer<KubeObject> {
    const informer = new Informer<KubeObject>({ kubeConfig: this.#kubeConfig, path, logger: this.#logger.child({ informer: path }), transform: CACHE_TRANSFORMS.default, ...extra });
    this.#all.push(informer);
    return informer;
  }

  async start(signal?: AbortSignal): Promise<void> {
    for (const i of this.#all) i.start();
    await Promise.all(this.#all.map((i) => i.waitForSync(signal)));
  }

  get synced(): boolean {
    return this.#all.every((i) => i.hasSynced);
  }

  async stop(): Promise<void> {
    await Promise.all(this.#all.map((i) => i.stop()));
  }
}
