import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import type { ExternalSecret } from "../apis/external-secret.ts";
import { ApiServerKubeAccess, type KubeAccess } from "../providers/kube-access.ts";
import type { Provider } from "../providers/provider.ts";
import type { AwsStoreSpec } from "../providers/aws/spec.ts";
import type { Controller } from "../runtime/controller.ts";
import { KubeEventRecorder, type EventRecorder } from "../runtime/event-recorder.ts";
import type { Informer } from "../runtime/informer.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import { silentLogger, type Logger } from "../runtime/logger.ts";
import { ClusterExternalSecretController } from "./clusterexternalsecret/controller.ts";
import { ExternalSecretController } from "./externalsecret/controller.ts";
import { KubeSecrets, StatusWriter } from "./kube-secrets.ts";
import type { ReadCoalescerOptions } from "./read-coalescer.ts";
import type { ValueTransforms } from "./remote-data.ts";
import { StoreControllers } from "./secretstore/controller.ts";
import { StoreResolver } from "./store-resolver.ts";
import { SyncInformers } from "./sync-informers.ts";
import { kubeTemplateSourceCache } from "./template/kube-template-sources.ts";
import type { SyncObserver } from "./sync-observer.ts";
import { createGeneratorRegistry, type GeneratorRunner } from "../generators/index.ts";
import type { RenewalSettings } from "./refresh-policy.ts";
import type { RemoteChangeTiming } from "./externalsecret/remote-changes.ts";

export interface SyncManagerOptions {
  kubeConfig: KubeConfig;
  provider: Provider<AwsStoreSpec>;
  transforms: ValueTransforms;
  /** Watch and reconcile only this namespace (ESO --namespace). ClusterSecretStores are still watched. */
  namespace?: string | undefined;
  /** Reconcile ClusterExternalSecrets (default on; only when watching all namespaces). */
  clusterExternalSecrets?: boolean | undefined;
  /** Concurrent ExternalSecret reconciles; default 8 (ESO's default of 1 is the root of ESO #2878). */
  concurrency?: number | undefined;
  logger?: Logger | undefined;
  events?: EventRecorder | undefined;
  kube?: KubeAccess | undefined;
  now?: (() => number) | undefined;
  random?: (() => number) | undefined;
  coalescing?: ReadCoalescerOptions | undefined;
  /** Observes each sync that read the provider (metrics). */
  onSync?: ((es: ExternalSecret, outcome: "success" | "error") => void) | undefined;
  /** Store validation interval when a store sets none (ESO --store-requeue-interval, 5 min). */
  storeRequeueMs?: number | undefined;
  /**
   * Read-ahead: fill each provider batch with the reads of other ExternalSecrets on the same client that are
   * due within their jitter window (default on). Off, every ExternalSecret reads only for itself.
   */
  readAhead?: boolean | undefined;
  /** Metrics hooks (SyncMetrics): syncs, reconcile durations, conditions, read batches, work queues. */
  metrics?: SyncObserver | undefined;
  /** Deadline of each Kubernetes API call a reconcile makes (DEFAULT_KUBE_REQUEST_TIMEOUT_MS, 30 s). */
  kubeRequestTimeoutMs?: number | undefined;
  /** How long after a change event its ExternalSecret's Secret was synced (src/changeevents metrics). */
  onRemoteChangeSynced?: ((timing: RemoteChangeTiming) => void) | undefined;
  /** The refresh interval to apply instead of an ExternalSecret's spec ("namespace/name", ms); change events may stretch it. */
  refreshIntervalFor?: ((key: string, specMs: number) => number) | undefined;
  /** Runs generatorRefs; one of its own (sharing the AWS provider's default credentials) when not given. */
  generators?: GeneratorRunner | undefined;
  /** When expiring generated values (ECR tokens) are renewed (DEFAULT_RENEWAL). */
  renewal?: RenewalSettings | undefined;
}


/**
 * The sync path: the shared informers (sync-informers.ts) and one controller per kind over them — stores
 * (secretstore/), ExternalSecrets (externalsecret/), ClusterExternalSecrets (clusterexternalsecret/). This file only composes them and runs them in order.
 */
export class SyncManager {
  readonly informers: SyncInformers;
  readonly externalSecrets: Informer<KubeObject>;
  readonly secretStores: Informer<KubeObject>;
  readonly clusterSecretStores: Informer<KubeObject>;
  readonly namespaces: Informer<KubeObject> | undefined;
  readonly managedSecrets: Informer<KubeObject>;
  readonly externalSecretController: Controller;
  readonly secretStoreController: Controller;
  readonly clusterSecretStoreController: Controller;
  /** Only when watching every namespace: a ClusterExternalSecret selects among all of them. */
  readonly clusterExternalSecretController: Controller | undefined;
  readonly #clusterExternalSecrets: ClusterExternalSecretController | undefined;
  readonly #stores: StoreControllers;
  readonly #externalSecrets: ExternalSecretController;
  readonly #logger: Logger;
  /** The generator registry this manager made itself (closed on stop); an injected one belongs to its owner. */
  readonly #ownGenerators: { close(): void } | undefined;

  constructor(options: SyncManagerOptions) {
    const { kubeConfig, provider } = options;
    const logger = (this.#logger = options.logger ?? silentLogger);
    const now = options.now ?? Date.now;
    const informers = (this.informers = new SyncInformers({ kubeConfig, namespace: options.namespace, logger }));
    this.externalSecrets = informers.externalSecrets;
    this.secretStores = informers.secretStores;
    this.clusterSecretStores = informers.clusterSecretStores;
    this.namespaces = informers.namespaces;
    this.managedSecrets = informers.managedSecrets;

    const events = options.events ?? new KubeEventRecorder({ kubeConfig, component: "ferry-controller", onError: (err) => logger.warn({ err: String(err) }, "could not record event") });
    const kube = options.kube ?? new ApiServerKubeAccess(kubeConfig);
    const kubeTimeouts = { timeoutMs: options.kubeRequestTimeoutMs };
    const status = new StatusWriter(kubeConfig, kubeTimeouts);
    const resolver = new StoreResolver({
      secretStores: informers.secretStores,
      clusterSecretStores: informers.clusterSecretStores,
      namespaces: informers.namespaces,
      capabilities: provider.capabilities(),
    });

    this.#stores = new StoreControllers({
      informers,
      resolver,
      provider,
      kube,
      status,
      events,
      logger,
      now,
      random: options.random,
      storeRequeueMs: options.storeRequeueMs,
      metrics: options.metrics,
    });
    this.#externalSecrets = new ExternalSecretController({
      informers,
      resolver,
      provider,
      kube,
      secrets: new KubeSecrets(kubeConfig, informers.managedSecrets, kubeTimeouts),
      status,
      events,
      transforms: options.transforms,
      logger,
      now,
      random: options.random,
      concurrency: options.concurrency,
      coalescing: options.coalescing,
      readAhead: options.readAhead,
      onSync: options.onSync,
      metrics: options.metrics,
      onRemoteChangeSynced: options.onRemoteChangeSynced,
      templateSources: (onChange) => kubeTemplateSourceCache(kubeConfig, { logger, onChange, timeoutMs: options.kubeRequestTimeoutMs }),
      refreshIntervalFor: options.refreshIntervalFor,
      generators: options.generators ?? (this.#ownGenerators = createGeneratorRegistry({ kubeConfig, kube, provider, kubeRequestTimeoutMs: options.kubeRequestTimeoutMs })),
      renewal: options.renewal,
    });
    this.#clusterExternalSecrets =
      informers.namespaces && options.clusterExternalSecrets !== false
        ? new ClusterExternalSecretController({ kubeConfig, informers, namespaces: informers.namespaces, logger, metrics: options.metrics })
        : undefined;
    this.clusterExternalSecretController = this.#clusterExternalSecrets?.controller;
    this.secretStoreController = this.#stores.secretStore;
    this.clusterSecretStoreController = this.#stores.clusterSecretStore;
    this.externalSecretController = this.#externalSecrets.controller;
  }

  /** Starts the informers, waits until they have synced, then starts the controllers. */
  async start(signal?: AbortSignal): Promise<void> {
    await this.informers.start(signal);
    this.#logger.info({ externalSecrets: this.externalSecrets.size, managedSecrets: this.managedSecrets.size }, "caches synced, starting controllers");
    this.#stores.start();
    this.#externalSecrets.start();
    this.#clusterExternalSecrets?.start();
  }

  /** A change event: these ExternalSecrets read their remote secret now (ExternalSecretController.refreshChanged). */
  refreshChanged(request: { namespace: string; name: string }, sentAt?: number): void {
    this.#externalSecrets.refreshChanged(request, sentAt);
  }

  get synced(): boolean {
    return this.informers.synced;
  }

  /** `timeoutMs`: how long in-flight reconciles may finish before their signal aborts (Controller.stop). */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    await Promise.all([this.#externalSecrets.stop(options), this.#stores.stop(options), this.#clusterExternalSecrets?.stop(options)]);
    await this.informers.stop();
    this.#ownGenerators?.close();
  }
}
