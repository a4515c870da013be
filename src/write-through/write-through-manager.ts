import type * as k8s from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import { SecretsManagerWriterProvider } from "../providers/aws/secretsmanager/writer-provider.ts";
import type { AwsStoreSpec } from "../providers/aws/spec.ts";
import { ClientNodeKubeAccess, type KubeAccess } from "../providers/kube-access.ts";
import type { WriterProvider } from "../providers/provider.ts";
import { Controller } from "../runtime/controller.ts";
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
  kubeConfig: k8s.KubeConfig;
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
}

/**
 * `ferry webhook` in one object: informers for stores, namespaces and labelled Secrets, the admission server
 * with the write-through handler, and the Secret controller (deletion policy, read-back). The server starts
 * listening only once the caches are synced, so it never refuses a write because a store is not cached yet.
 */
export class WriteThroughManager {
  readonly server: WebhookServer;
  readonly controller: Controller;
  readonly secrets: Informer<KubeObject>;
  /** The cluster identity in ownership tags. */
  readonly cluster: string;
  readonly #informers: Informer<KubeObject>[];
  readonly #writers: WriterProvider<AwsStoreSpec>;
  readonly #logger: Logger;

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
    const kubeAccess = options.kubeAccess ?? new ClientNodeKubeAccess(kubeConfig);
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
    const reconciler = new SecretReconciler({
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
    this.controller = new Controller({ name: "write-through", concurrency: 2, logger, reconciler });
    this.secrets.addEventHandler(this.controller.handlers());
  }

  /** Caches synced and the server listening. */
  get ready(): boolean {
    return this.server.listening && this.#informers.every((i) => i.hasSynced);
  }

  async start(signal?: AbortSignal): Promise<void> {
    for (const i of this.#informers) i.start();
    await Promise.all(this.#informers.map((i) => i.waitForSync(signal)));
    this.controller.start();
    await this.server.start();
    this.#logger.info({ url: this.server.url }, "write-through webhook started");
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.controller.stop();
    await Promise.all(this.#informers.map((i) => i.stop()));
    (this.#writers as { close?: () => void }).close?.();
  }
}

function withoutData(obj: KubeObject): KubeObject {
  const { data: _data, stringData: _stringData, ...rest } = obj as KubeObject & { data?: unknown; stringData?: unknown };
  return rest;
}
