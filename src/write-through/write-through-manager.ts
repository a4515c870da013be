import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import type { Registry } from "prom-client";
import { SecretsManagerWriterProvider } from "../providers/aws/secretsmanager/writer-provider.ts";
import type { AwsStoreSpec } from "../providers/aws/spec.ts";
import { ApiServerKubeAccess, type KubeAccess } from "../providers/kube-access.ts";
import type { WriterProvider } from "../providers/provider.ts";
import { Controller, type Reconciler } from "../runtime/controller.ts";
import { LeaderElector } from "../runtime/leader-election.ts";
import { LeaderLoop } from "../runtime/leader-loop.ts";
import { KubeEventRecorder, type EventRecorder } from "../runtime/event-recorder.ts";
import { Informer } from "../runtime/informer.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import { silentLogger, type Logger } from "../runtime/logger.ts";
import type { ClientAuthPolicy } from "../runtime/webhook/client-auth.ts";
import { WebhookServer, type ReviewEvent } from "../runtime/webhook/webhook-server.ts";
import { StoreResolver } from "../sync/store-resolver.ts";
import { writeThroughHandler } from "./admission-handler.ts";
import { ContentHasher } from "./content-hash.ts";
import { kubeCalls, type WriteThroughKube } from "./kube-calls.ts";
import { SYSTEM_NAMESPACES, WRITE_THROUGH_LABEL } from "./names.ts";
import { checkNameTemplate, DEFAULT_NAME_TEMPLATE } from "./remote-name.ts";
import { SecretReconciler, type DeletionPolicy } from "./secret-controller.ts";
import { informerStoreLookup, type WriteStore } from "./store-lookup.ts";
import { WEBHOOK_PATH } from "./webhook-configuration.ts";

export interface WriteThroughManagerOptions {
  kubeConfig: KubeConfig;
  /** HTTPS listen address of the admission server; default ":9443". */
  address?: string | number;
  certFile: string;
  keyFile: string;
  /** Who may call the admission server: the apiserver's client certificate (see docs/security.md). */
  clientAuth: ClientAuthPolicy;
  /** The HMAC key for content hashes and version tokens, at least 32 bytes, the same for every replica. */
  hashKey: Uint8Array;
  nameTemplate?: string;
  /** The cluster's identity in ownership tags: `--cluster-name` or the kube-system UID (resolveClusterIdentity). */
  cluster: string;
  defaultDeletionPolicy?: DeletionPolicy;
  defaultRecoveryWindowDays?: number | undefined;
  /** Namespaces refused besides kube-system, kube-public and kube-node-lease. */
  excludeNamespaces?: string[];
  logger?: Logger;
  registry?: Registry;
  onReview?: (event: ReviewEvent) => void;
  writers?: WriterProvider<AwsStoreSpec>;
  kube?: WriteThroughKube;
  kubeAccess?: KubeAccess;
  events?: EventRecorder;
  certPollIntervalMs?: number;
  /**
   * Run the Secret controller (finalizer, deletion policy, read-back) only on the replica holding this
   * Lease. Every replica serves admission requests regardless. Without it the controller runs here.
   */
  leaderElection?: { namespace: string; name: string; identity: string; leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
}

/**
 * `ferry webhook` in one object: informers for stores, namespaces and labelled Secrets, the admission server
 * with the write-through handler, and the Secret controller (deletion policy, read-back). The server starts
 * listening only once the caches are synced, so it never refuses a write because a store is not cached yet.
 */
export class WriteThroughManager {
  readonly server: WebhookServer;
  readonly secrets: Informer<KubeObject>;
  /** The cluster identity in ownership tags. */
  readonly cluster: string;
  readonly #informers: Informer<KubeObject>[];
  readonly #writers: WriterProvider<AwsStoreSpec>;
  readonly #logger: Logger;
  readonly #reconciler: Reconciler;
  readonly #leaderLoop: LeaderLoop | undefined;
  #controller: Controller | undefined;
  #unregister: (() => void) | undefined;
  #stopping: Promise<void> | undefined;
  #draining = false;
  #shutdownBudget: { timeoutMs?: number } = {};

  constructor(options: WriteThroughManagerOptions) {
    const logger = (this.#logger = options.logger ?? silentLogger);
    const nameTemplate = options.nameTemplate ?? DEFAULT_NAME_TEMPLATE;
    const cluster = (this.cluster = options.cluster);
    // Without it, clusters sharing an AWS account would own each other's secrets.
    if (!cluster) throw new Error("write-through needs a cluster identity (resolveClusterIdentity)");
    checkNameTemplate(nameTemplate, cluster);
    const hasher = new ContentHasher(options.hashKey);
    const { kubeConfig } = options;
    const informer = (path: string, extra: { labelSelector?: string; transform?: (o: KubeObject) => KubeObject } = {}) =>
      new Informer<KubeObject>({ kubeConfig, path, logger: logger.child({ informer: path }), ...extra });

    const secretStores = informer("/apis/external-secrets.io/v1/secretstores");
    const clusterSecretStores = informer("/apis/external-secrets.io/v1/clustersecretstores");
    const namespaces = informer("/api/v1/namespaces");
    // The controller needs metadata only: the data (already stripped) is dropped from the cache.
    this.secrets = informer("/api/v1/secrets", { labelSelector: WRITE_THROUGH_LABEL, transform: withoutData });
    this.#informers = [secretStores, clusterSecretStores, namespaces, this.secrets];

    const resolver = new StoreResolver({ secretStores, clusterSecretStores, namespaces, capabilities: "ReadWrite" });
    const kube = options.kube ?? kubeCalls(kubeConfig);
    const kubeAccess = options.kubeAccess ?? new ApiServerKubeAccess(kubeConfig);
    this.#writers = options.writers ?? new SecretsManagerWriterProvider({ logger: logger.child({ provider: "aws" }) });
    const writerFor = (store: WriteStore, namespace: string) => this.#writers.writerFor({ store: store.ref, namespace, kube: kubeAccess });
    const systemNamespaces = new Set([...SYSTEM_NAMESPACES, ...(options.excludeNamespaces ?? [])]);

    this.server = new WebhookServer({
      ...(options.address !== undefined ? { address: options.address } : {}),
      certFile: options.certFile,
      keyFile: options.keyFile,
      clientAuth: options.clientAuth,
      handlers: {
        [WEBHOOK_PATH]: writeThroughHandler(
          { nameTemplate, cluster, hasher, systemNamespaces },
          { lookupStore: informerStoreLookup(resolver, namespaces), writerFor, secretExists: (ns, name, signal) => kube.secretExists(ns, name, signal), getSecret: (ns, name, signal) => kube.getSecret(ns, name, signal) },
        ),
      },
      logger,
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.onReview ? { onReview: options.onReview } : {}),
      ...(options.certPollIntervalMs !== undefined ? { certPollIntervalMs: options.certPollIntervalMs } : {}),
    });

    const events =
      options.events ??
      new KubeEventRecorder({ kubeConfig, component: "ferry-write-through", onError: (err) => logger.warn({ err: String(err) }, "could not record event") });
    this.#reconciler = new SecretReconciler({
      getSecret: (ns, name) => this.secrets.get(ns, name),
      namespaceTerminating: (ns) => !!namespaces.get(undefined, ns)?.metadata?.deletionTimestamp,
      // Deletion proceeds with a store that reports not Ready: its credentials may still delete.
      lookupStore: informerStoreLookup(resolver, namespaces, { requireReady: false }),
      writerFor,
      kube,
      events,
      logger: logger.child({ controller: "write-through" }),
      defaultDeletionPolicy: options.defaultDeletionPolicy ?? "Delete",
      defaultRecoveryWindowDays: options.defaultRecoveryWindowDays,
      cluster,
    });
    const election = options.leaderElection;
    this.#leaderLoop = election
      ? new LeaderLoop({
          newElector: () => new LeaderElector({ kubeConfig, ...election, logger }),
          lead: (signal) => this.#lead(signal),
          logger,
        })
      : undefined;
  }

  /** The Secret controller of the current leadership term (always, without leader election); undefined on a standby. */
  get controller(): Controller | undefined {
    return this.#controller;
  }

  /** Whether this replica runs the Secret controller now. */
  get leading(): boolean {
    return this.#leaderLoop ? this.#leaderLoop.leading : this.#controller !== undefined;
  }

  /** Caches synced and the server listening, and not draining for shutdown. */
  get ready(): boolean {
    return !this.#draining && this.server.listening && this.#informers.every((i) => i.hasSynced);
  }

  async start(signal?: AbortSignal): Promise<void> {
    for (const i of this.#informers) i.start();
    await Promise.all(this.#informers.map((i) => i.waitForSync(signal)));
    if (this.#leaderLoop) this.#leaderLoop.start();
    else this.#controller = this.#startController();
    await this.server.start();
    this.#logger.info({ url: this.server.url, leaderElection: !!this.#leaderLoop }, "write-through webhook started");
  }

  /**
   * Readiness off (the Service stops sending new calls once the endpoint update propagates) while the server
   * keeps answering whatever still arrives: with failurePolicy Fail, a refused connection during a rollout
   * fails a user's write. stop() then closes.
   */
  drain(): void {
    this.#draining = true;
    this.server.drain();
  }

  /**
   * Closes the server (in-flight reviews get `closeTimeoutMs` to finish), stops the controller (releasing
   * the Lease after its last write) and the informers. Idempotent.
   */
  stop(options: { closeTimeoutMs?: number } = {}): Promise<void> {
    this.#stopping ??= this.#stop(options.closeTimeoutMs);
    return this.#stopping;
  }

  async #stop(closeTimeoutMs: number | undefined): Promise<void> {
    this.#draining = true;
    const budget = closeTimeoutMs === undefined ? {} : { timeoutMs: closeTimeoutMs };
    // In parallel, so the whole stop fits one budget (plus the controller's abort grace) inside the pod's
    // grace period, and the Lease is released before the kubelet's SIGKILL.
    await Promise.all([
      this.server.stop(budget),
      (async () => {
        this.#shutdownBudget = budget;
        if (this.#leaderLoop) await this.#leaderLoop.stop();
        else if (this.#controller) await this.#stopController(this.#controller, budget);
      })(),
    ]);
    await Promise.all(this.#informers.map((i) => i.stop()));
    (this.#writers as { close?: () => void }).close?.();
  }

  /** A Controller runs once: every leadership term gets a new one, fed by the shared Secret informer. */
  #startController(): Controller {
    const controller = new Controller({ name: "write-through", concurrency: 2, logger: this.#logger, reconciler: this.#reconciler });
    // Replays the cached Secrets as adds: a new leader looks at every labelled Secret once.
    this.#unregister = this.secrets.addEventHandler(controller.handlers());
    controller.start();
    return controller;
  }

  async #stopController(controller: Controller, options: { timeoutMs?: number } = {}): Promise<void> {
    this.#unregister?.();
    this.#unregister = undefined;
    await controller.stop(options);
    if (this.#controller === controller) this.#controller = undefined;
  }

  /** One leadership term: the controller runs until the signal aborts. */
  async #lead(signal: AbortSignal): Promise<void> {
    const controller = (this.#controller = this.#startController());
    this.#logger.info({}, "leading: write-through Secret controller started");
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
    // Leadership lost: another replica may already be deleting, so in-flight reconciles are aborted at once.
    const lost = !this.#stopping;
    await this.#stopController(controller, lost ? { timeoutMs: 0 } : this.#shutdownBudget);
    this.#logger.info({ lost }, "write-through Secret controller stopped");
  }
}

function withoutData(obj: KubeObject): KubeObject {
  const { data: _data, stringData: _stringData, ...rest } = obj as KubeObject & { data?: unknown; stringData?: unknown };
  return rest;
}
