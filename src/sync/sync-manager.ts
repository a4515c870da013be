import type * as k8s from "@kubernetes/client-node";
import { formatIssues, parseExternalSecret, unsupportedProviderMessage } from "../apis/parse.ts";
import type { ExternalSecret } from "../apis/external-secret.ts";
import { ClientNodeKubeAccess, type KubeAccess } from "../providers/kube-access.ts";
import type { Provider } from "../providers/provider.ts";
import type { AwsStoreSpec } from "../providers/aws/spec.ts";
import { Controller, type Request } from "../runtime/controller.ts";
import { KubeEventRecorder, type EventRecorder } from "../runtime/event-recorder.ts";
import { Informer } from "../runtime/informer.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import { silentLogger, type Logger } from "../runtime/logger.ts";
import type { Condition } from "./conditions.ts";
import { CREATED_BY_LABEL, MANAGED_LABEL } from "./desired-secret.ts";
import { ExternalSecretReconciler, type InvalidExternalSecret } from "./external-secret-reconciler.ts";
import { KubeSecrets, StatusWriter } from "./kube-secrets.ts";
import { ReadCoalescers, type ReadCoalescerOptions } from "./read-coalescer.ts";
import type { ValueTransforms } from "./remote-data.ts";
import { SecretStoreReconciler, type StoreKind, type StoreValidation } from "./secret-store-reconciler.ts";
import { StoreResolver, type ParsedStore } from "./store-resolver.ts";

export interface SyncManagerOptions {
  kubeConfig: k8s.KubeConfig;
  provider: Provider<AwsStoreSpec>;
  transforms: ValueTransforms;
  /** Watch and reconcile only this namespace (ESO --namespace). ClusterSecretStores are still watched. */
  namespace?: string | undefined;
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
}

const GROUP_PATH = "/apis/external-secrets.io/v1";

/**
 * The sync path: ExternalSecret, SecretStore and ClusterSecretStore controllers over shared informers.
 * Secrets are watched only when they carry the managed label, so memory does not grow with the cluster's
 * other Secrets (ESO #2608, #3145).
 */
export class SyncManager {
  readonly externalSecrets: Informer<KubeObject>;
  readonly secretStores: Informer<KubeObject>;
  readonly clusterSecretStores: Informer<KubeObject>;
  readonly namespaces: Informer<KubeObject> | undefined;
  readonly managedSecrets: Informer<KubeObject>;
  readonly externalSecretController: Controller;
  readonly secretStoreController: Controller;
  readonly clusterSecretStoreController: Controller;
  readonly #informers: Informer<KubeObject>[];
  readonly #logger: Logger;

  constructor(options: SyncManagerOptions) {
    const { kubeConfig, provider } = options;
    const logger = (this.#logger = options.logger ?? silentLogger);
    const now = options.now ?? Date.now;
    const scope = options.namespace ? `/namespaces/${options.namespace}` : "";
    const informer = (path: string, extra: { labelSelector?: string } = {}) =>
      new Informer<KubeObject>({ kubeConfig, path, logger: logger.child({ informer: path }), ...extra });

    this.externalSecrets = informer(`${GROUP_PATH}${scope}/externalsecrets`);
    this.secretStores = informer(`${GROUP_PATH}${scope}/secretstores`);
    this.clusterSecretStores = informer(`${GROUP_PATH}/clustersecretstores`);
    this.namespaces = options.namespace ? undefined : informer("/api/v1/namespaces");
    this.managedSecrets = informer(`/api/v1${scope}/secrets`, { labelSelector: `${MANAGED_LABEL}=true` });
    this.#informers = [this.externalSecrets, this.secretStores, this.clusterSecretStores, this.managedSecrets, ...(this.namespaces ? [this.namespaces] : [])];

    const events = options.events ?? new KubeEventRecorder({ kubeConfig, component: "ferry-controller", onError: (err) => logger.warn({ err: String(err) }, "could not record event") });
    const kube = options.kube ?? new ClientNodeKubeAccess(kubeConfig);
    const status = new StatusWriter(kubeConfig);
    const secrets = new KubeSecrets(kubeConfig, this.managedSecrets);
    const coalescers = new ReadCoalescers(options.coalescing);
    const resolver = new StoreResolver({
      secretStores: this.secretStores,
      clusterSecretStores: this.clusterSecretStores,
      namespaces: this.namespaces,
      capabilities: provider.capabilities(),
    });
    const storeRef = (parsed: ParsedStore) => ({
      kind: parsed.kind,
      name: parsed.store.metadata.name ?? "",
      namespace: parsed.store.metadata.namespace,
      uid: parsed.store.metadata.uid ?? "",
      generation: parsed.store.metadata.generation ?? 0,
      spec: parsed.store.spec as unknown as AwsStoreSpec,
    });

    const esReconciler = new ExternalSecretReconciler({
      getExternalSecret: (namespace, name) => {
        const raw = this.externalSecrets.get(namespace, name);
        if (!raw) return undefined;
        const parsed = parseExternalSecret({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", ...raw });
        if (parsed.ok) return parsed.value;
        const invalid: InvalidExternalSecret = {
          invalid: formatIssues(parsed.errors),
          uid: raw.metadata?.uid,
          conditions: (raw as { status?: { conditions?: Condition[] } }).status?.conditions,
        };
        return invalid;
      },
      resolveStore: (es) => resolver.resolve(es),
      readerFor: async (store, namespace) => {
        const parsed = (store as { parsed?: ParsedStore }).parsed!;
        const client = await provider.clientFor({ store: storeRef(parsed), namespace, kube });
        const coalescer = coalescers.for(client);
        return { read: (ids) => coalescer.read(ids), find: (query) => client.findSecrets(query) };
      },
      transforms: options.transforms,
      secrets,
      writeStatus: (target, s) => status.patch("externalsecrets", target, s),
      events,
      now,
      random: options.random,
      onSync: options.onSync,
    });

    const storeReconciler = new SecretStoreReconciler({
      getStore: (kind, namespace, name) => {
        const raw = (kind === "SecretStore" ? this.secretStores : this.clusterSecretStores).get(namespace, name);
        if (!raw) return undefined;
        const spec = (raw as { spec?: { refreshInterval?: number } }).spec;
        return {
          kind,
          name,
          namespace,
          uid: raw.metadata?.uid,
          refreshIntervalMs: typeof spec?.refreshInterval === "number" ? spec.refreshInterval * 1000 : undefined,
          status: (raw as { status?: { conditions?: Condition[]; capabilities?: string } }).status,
        };
      },
      validate: async (kind, namespace, name): Promise<StoreValidation> => {
        const found = resolver.lookup(kind, namespace, name);
        if ("error" in found) return { result: "Error", reason: "InvalidStoreConfiguration", message: found.error };
        const aws = (found.store.spec.provider as { aws?: unknown }).aws;
        if (!aws) {
          const other = Object.keys(found.store.spec.provider)[0] ?? "none";
          return { result: "Error", reason: "InvalidProviderConfig", message: unsupportedProviderMessage(other) };
        }
        const ref = storeRef(found);
        const checked = provider.validateStore(ref.spec, { kind, namespace });
        if (checked.errors.length > 0) return { result: "Error", reason: "InvalidProviderConfig", message: checked.errors.join("; ") };
        const client = await provider.clientFor({ store: ref, kube });
        const result = await client.validate();
        if (result === "Ready") return { result: "Ready", capabilities: provider.capabilities() };
        if (result === "Unknown") {
          return { result: "Unknown", capabilities: provider.capabilities(), message: "credentials are resolved per ExternalSecret namespace (referent authentication) and cannot be checked on the store" };
        }
        return { result: "Error", reason: "ValidationFailed", message: "the provider rejected the store's credentials" };
      },
      writeStatus: (store, s) => status.patch(store.kind === "SecretStore" ? "secretstores" : "clustersecretstores", store, s),
      events,
      now,
      random: options.random,
      defaultRequeueMs: options.storeRequeueMs,
    });

    this.externalSecretController = new Controller({
      name: "externalsecret",
      concurrency: options.concurrency ?? 8,
      logger: logger.child({ controller: "externalsecret" }),
      reconciler: { reconcile: (req) => esReconciler.reconcile({ namespace: req.namespace ?? "", name: req.name }) },
    });
    const storeController = (kind: StoreKind) =>
      new Controller({
        name: kind.toLowerCase(),
        concurrency: 2,
        logger: logger.child({ controller: kind.toLowerCase() }),
        reconciler: { reconcile: (req) => storeReconciler.reconcile(kind, req) },
      });
    this.secretStoreController = storeController("SecretStore");
    this.clusterSecretStoreController = storeController("ClusterSecretStore");
    this.#wireEvents();
  }

  #wireEvents(): void {
    const es = this.externalSecretController;
    this.externalSecrets.addEventHandler({
      add: (obj) => es.enqueue(requestOf(obj)),
      // Status writes are not changes: only generation, labels, annotations (force-sync) and deletion are
      // (ESO's predicate; KES re-polled on its own status writes).
      update: (oldObj, newObj) => {
        if (metadataChanged(oldObj, newObj)) es.enqueue(requestOf(newObj));
      },
    });
    this.managedSecrets.addEventHandler({
      add: (s) => this.#enqueueOwnersOf(s),
      update: (_o, s) => this.#enqueueOwnersOf(s),
      delete: (s) => this.#enqueueOwnersOf(s),
    });
    const onStore = (kind: StoreKind, controller: Controller) => ({
      add: (obj: KubeObject) => controller.enqueue(requestOf(obj)),
      update: (oldObj: KubeObject, newObj: KubeObject) => {
        controller.enqueue(requestOf(newObj));
        // A store fixed or edited: its ExternalSecrets retry now instead of at the end of their backoff.
        if (metadataChanged(oldObj, newObj) || readyStatus(oldObj) !== readyStatus(newObj)) this.#enqueueUsersOf(kind, newObj);
      },
    });
    this.secretStores.addEventHandler(onStore("SecretStore", this.secretStoreController));
    this.clusterSecretStores.addEventHandler(onStore("ClusterSecretStore", this.clusterSecretStoreController));
  }

  /** A managed Secret changed or vanished: the ExternalSecret that controls it, or targets it by name. */
  #enqueueOwnersOf(secret: KubeObject): void {
    const namespace = secret.metadata?.namespace;
    const refs = (secret.metadata as { ownerReferences?: Array<{ kind: string; name: string; controller?: boolean; apiVersion: string }> } | undefined)?.ownerReferences;
    const owner = refs?.find((r) => r.controller && r.kind === "ExternalSecret" && r.apiVersion.startsWith("external-secrets.io/"));
    if (owner) {
      this.externalSecretController.enqueue({ namespace, name: owner.name });
      return;
    }
    if (!secret.metadata?.labels?.[CREATED_BY_LABEL]) {
      for (const es of this.externalSecrets.list(namespace)) {
        const target = (es as { spec?: { target?: { name?: string } } }).spec?.target?.name ?? es.metadata?.name;
        if (target === secret.metadata?.name) this.externalSecretController.enqueue(requestOf(es));
      }
    }
  }

  #enqueueUsersOf(kind: StoreKind, store: KubeObject): void {
    const candidates = kind === "SecretStore" ? this.externalSecrets.list(store.metadata?.namespace) : this.externalSecrets.list();
    for (const es of candidates) {
      const ref = (es as { spec?: { secretStoreRef?: { name?: string; kind?: string } } }).spec?.secretStoreRef;
      if (ref?.name === store.metadata?.name && (ref?.kind ?? "SecretStore") === kind) this.externalSecretController.enqueue(requestOf(es));
    }
  }

  /** Starts the informers, waits until they have synced, then starts the controllers. */
  async start(signal?: AbortSignal): Promise<void> {
    for (const i of this.#informers) i.start();
    await Promise.all(this.#informers.map((i) => i.waitForSync(signal)));
    this.#logger.info({ externalSecrets: this.externalSecrets.size, managedSecrets: this.managedSecrets.size }, "caches synced, starting controllers");
    this.secretStoreController.start();
    this.clusterSecretStoreController.start();
    this.externalSecretController.start();
  }

  get synced(): boolean {
    return this.#informers.every((i) => i.hasSynced);
  }

  async stop(): Promise<void> {
    await Promise.all([this.externalSecretController.stop(), this.secretStoreController.stop(), this.clusterSecretStoreController.stop()]);
    await Promise.all(this.#informers.map((i) => i.stop()));
  }
}

function requestOf(obj: KubeObject): Request {
  return { namespace: obj.metadata?.namespace, name: obj.metadata?.name ?? "" };
}

function metadataChanged(a: KubeObject, b: KubeObject): boolean {
  const m1 = a.metadata ?? {};
  const m2 = b.metadata ?? {};
  return (
    m1.generation !== m2.generation ||
    JSON.stringify(m1.labels ?? {}) !== JSON.stringify(m2.labels ?? {}) ||
    JSON.stringify(m1.annotations ?? {}) !== JSON.stringify(m2.annotations ?? {}) ||
    m1.deletionTimestamp !== m2.deletionTimestamp
  );
}

function readyStatus(obj: KubeObject): string | undefined {
  return (obj as { status?: { conditions?: Condition[] } }).status?.conditions?.find((c) => c.type === "Ready")?.status;
}
