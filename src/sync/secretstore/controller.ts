import { unsupportedProviderMessage } from "../../apis/parse.ts";
import { kubeOutageRetryCap } from "../kube-outage-retry.ts";
import type { KubeAccess } from "../../providers/kube-access.ts";
import type { Provider } from "../../providers/provider.ts";
import type { AwsStoreSpec } from "../../providers/aws/spec.ts";
import { Controller } from "../../runtime/controller.ts";
import type { EventRecorder } from "../../runtime/event-recorder.ts";
import type { Informer } from "../../runtime/informer.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";
import type { Logger } from "../../runtime/logger.ts";
import type { Condition } from "../conditions.ts";
import { durationMs } from "../externalsecret/reconciler.ts";
import { conditionsOf, requestOf } from "../informer-events.ts";
import type { StatusWriter } from "../kube-secrets.ts";
import { providerStoreRef, type StoreResolver } from "../store-resolver.ts";
import type { SyncInformers } from "../sync-informers.ts";
import type { SyncObserver } from "../sync-observer.ts";
import { SecretStoreReconciler, type StoreKind, type StoreValidation } from "./reconciler.ts";

export interface StoreControllersOptions {
  informers: SyncInformers;
  resolver: StoreResolver;
  provider: Provider<AwsStoreSpec>;
  kube: KubeAccess;
  status: StatusWriter;
  events: EventRecorder;
  logger: Logger;
  now: () => number;
  random?: (() => number) | undefined;
  storeRequeueMs?: number | undefined;
  metrics?: SyncObserver | undefined;
}

/**
 * The SecretStore and ClusterSecretStore controllers: validation (spec, provider config, credentials through
 * the provider's cached client), `Ready` and `capabilities` in status, condition metrics.
 */
export class StoreControllers {
  readonly secretStore: Controller;
  readonly clusterSecretStore: Controller;

  constructor(options: StoreControllersOptions) {
    const { informers, resolver, provider, kube, status, logger, metrics } = options;
    const informerOf = (kind: StoreKind): Informer<KubeObject> => (kind === "SecretStore" ? informers.secretStores : informers.clusterSecretStores);
    const reconciler = new SecretStoreReconciler({
      getStore: (kind, namespace, name) => {
        const raw = informerOf(kind).get(namespace, name);
        if (!raw) return undefined;
        const spec = (raw as { spec?: { refreshInterval?: number | string } }).spec;
        const interval = spec?.refreshInterval;
        return {
          kind,
          name,
          namespace,
          uid: raw.metadata?.uid,
          // ESO: int-or-string, seconds or a Go duration.
          refreshIntervalMs: typeof interval === "number" ? interval * 1000 : typeof interval === "string" ? durationMs(interval) : undefined,
          status: (raw as { status?: { conditions?: Condition[]; capabilities?: string } }).status,
        };
      },
      validate: async (kind, namespace, name): Promise<StoreValidation> => {
        const found = resolver.lookup(kind, namespace, name);
        if ("error" in found) return { result: "Error", reason: "InvalidProviderConfig", message: `unable to create client: ${found.error}` };
        const aws = (found.store.spec.provider as { aws?: unknown }).aws;
        if (!aws) {
          const other = Object.keys(found.store.spec.provider)[0] ?? "none";
          return { result: "Error", reason: "InvalidProviderConfig", message: unsupportedProviderMessage(other) };
        }
        const ref = providerStoreRef(found);
        const checked = provider.validateStore(ref.spec, { kind, namespace });
        if (checked.errors.length > 0) return { result: "Error", reason: "InvalidProviderConfig", message: `unable to create client: ${checked.errors.join("; ")}` };
        const client = await provider.clientFor({ store: ref, kube });
        const result = await client.validate();
        if (result === "Ready") return { result: "Ready", capabilities: provider.capabilities() };
        // ESO: a referent store's Validate() answers (Unknown, nil), and a nil error marks the store Valid
        // (secretstore/common.go validateStore; ValidationUnknown is only for Unknown with an error).
        if (result === "Unknown") return { result: "Ready", capabilities: provider.capabilities() };
        return { result: "Error", reason: "InvalidProviderConfig", message: "unable to validate store: the provider rejected the store's credentials" };
      },
      writeStatus: (store, s) => status.patch(store.kind === "SecretStore" ? "secretstores" : "clustersecretstores", store, s),
      events: options.events,
      now: options.now,
      random: options.random,
      defaultRequeueMs: options.storeRequeueMs,
    });

    const controller = (kind: StoreKind) =>
      new Controller({
        name: kind.toLowerCase(),
        concurrency: 2,
        logger: logger.child({ controller: kind.toLowerCase() }),
        reconciler: { reconcile: (req) => reconciler.reconcile(kind, req) },
        maxRetryDelayMs: kubeOutageRetryCap,
        ...(metrics?.controller ? { metrics: metrics.controller(kind.toLowerCase()) } : {}),
      });
    this.secretStore = controller("SecretStore");
    this.clusterSecretStore = controller("ClusterSecretStore");

    for (const kind of ["SecretStore", "ClusterSecretStore"] as const) {
      const target = kind === "SecretStore" ? this.secretStore : this.clusterSecretStore;
      informerOf(kind).addEventHandler({
        add: (obj) => target.enqueue(requestOf(obj)),
        update: (_old, obj) => target.enqueue(requestOf(obj)),
      });
      // A deleted store's cached clients and credentials go with it, instead of waiting for LRU eviction
      // (a recreated store has a new uid, so nothing would ever use them again).
      informerOf(kind).addEventHandler({
        delete: (o) => {
          if (o.metadata?.uid) provider.forgetStore(o.metadata.uid);
        },
      });
      // Condition gauges follow the cluster's objects; a deleted object's series go with it.
      if (metrics?.storeConditions) {
        const ref = (o: KubeObject) => ({ namespace: o.metadata?.namespace ?? "", name: o.metadata?.name ?? "" });
        informerOf(kind).addEventHandler({
          add: (o) => metrics.storeConditions?.(kind, ref(o), conditionsOf(o)),
          update: (_o, n) => metrics.storeConditions?.(kind, ref(n), conditionsOf(n)),
          delete: (o) => metrics.storeConditions?.(kind, ref(o), undefined),
        });
      }
    }
  }

  start(): void {
    this.secretStore.start();
    this.clusterSecretStore.start();
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    await Promise.all([this.secretStore.stop(options), this.clusterSecretStore.stop(options)]);
  }
}
