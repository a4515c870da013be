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
import { ExternalSecretReconciler, dueWithin, durationMs, type InvalidExternalSecret, type ResolvedStore } from "./external-secret-reconciler.ts";
import { KubeSecrets, StatusWriter } from "./kube-secrets.ts";
import { ReadCoalescer, type ReadCoalescerOptions } from "./read-coalescer.ts";
import { plannedReads, type PayloadReader, type ValueTransforms } from "./remote-data.ts";
import { PrefetchCache } from "./prefetch-cache.ts";
import { pickCompanions, type ReadAheadCandidate } from "./read-ahead.ts";
import { readAheadHorizonMs } from "./refresh-policy.ts";
import { syncedResourceVersion } from "./synced-resource-version.ts";
import { remoteSecretIdKey, type RemoteSecretId, type SecretsClient } from "../providers/provider.ts";
import { SecretStoreReconciler, type StoreKind, type StoreValidation } from "./secret-store-reconciler.ts";
import { StoreResolver, type ParsedStore } from "./store-resolver.ts";
import type { SyncObserver } from "./sync-observer.ts";

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
  /**
   * Read-ahead: fill each provider batch with the reads of other ExternalSecrets on the same client that are
   * due within their jitter window (default on). Off, every ExternalSecret reads only for itself.
   */
  readAhead?: boolean | undefined;
  /** Metrics hooks (SyncMetrics): syncs, reconcile durations, conditions, read batches, work queues. */
  metrics?: SyncObserver | undefined;
}

/** Per provider client: the coalescer that merges concurrent reads and the outcomes read ahead. */
interface ClientReader {
  coalescer: ReadCoalescer;
  prefetched: PrefetchCache;
}

const GROUP_PATH = "/apis/external-secrets.io/v1";
/** A companion claimed while its batch is being assembled. */
const CLAIMED: Promise<unknown> = Promise.resolve();
/** The longest read-ahead window (readAheadHorizonMs caps at 5 minutes). */
const MAX_READ_AHEAD_MS = 5 * 60_000;

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
  /** ExternalSecret keys by the store they name, for read-ahead. */
  readonly #byStore = new Map<string, Set<string>>();
  /** Where read-ahead outcomes for an ExternalSecret wait (its client's cache), until its reconcile takes them. */
  readonly #prefetchedIn = new Map<string, PrefetchCache>();
  /**
   * ExternalSecrets claimed as companions of a batch still in flight, and that batch. Claims are made
   * synchronously while companions are picked, so concurrent workers never read the same ones twice, and a
   * claimed ExternalSecret that a worker dequeues early waits for the batch instead of reading again.
   */
  readonly #inBatch = new Map<string, Promise<unknown>>();
  readonly #clientReaders = new WeakMap<SecretsClient, ClientReader>();
  readonly #coalescing: ReadCoalescerOptions | undefined;
  readonly #readAhead: boolean;
  readonly #now: () => number;
  readonly #resolveForReadAhead: (es: ExternalSecret, client: SecretsClient) => Promise<boolean>;
  readonly #parse: (raw: KubeObject) => ExternalSecret | undefined;
  readonly #secretsCache: KubeSecrets;
  readonly #reconciler: ExternalSecretReconciler;
  readonly #metrics: SyncObserver | undefined;

  constructor(options: SyncManagerOptions) {
    const { kubeConfig, provider } = options;
    const logger = (this.#logger = options.logger ?? silentLogger);
    const now = options.now ?? Date.now;
    const metrics = (this.#metrics = options.metrics);
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
    this.#coalescing = options.coalescing;
    this.#readAhead = options.readAhead ?? true;
    this.#now = now;
    this.#resolveForReadAhead = async (es, client) => {
      const resolved = resolver.resolve(es);
      const other = await provider.clientFor({ store: storeRef(resolved.parsed), namespace: es.metadata.namespace ?? "", kube });
      return other === client;
    };
    // Informer objects are replaced, never mutated, on change: their identity keys the parse.
    const parsedByObject = new WeakMap<KubeObject, ExternalSecret | null>();
    this.#parse = (raw) => {
      let parsed = parsedByObject.get(raw);
      if (parsed === undefined) {
        const result = parseExternalSecret({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", ...raw });
        parsed = result.ok ? result.value : null;
        parsedByObject.set(raw, parsed);
      }
      return parsed ?? undefined;
    };
    this.#secretsCache = secrets;
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
      // The zod-derived store type is structurally the provider's spec type: no cast, so a drift between
      // src/apis and src/providers/aws/spec.ts fails the type-check.
      spec: { provider: { aws: parsed.store.spec.provider.aws! }, retrySettings: parsed.store.spec.retrySettings } satisfies AwsStoreSpec,
    });

    const esReconciler = (this.#reconciler = new ExternalSecretReconciler({
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
      readerFor: async (store, requester) => {
        const parsed = (store as { parsed?: ParsedStore }).parsed!;
        const client = await provider.clientFor({ store: storeRef(parsed), namespace: requester.namespace, kube });
        return this.#readerFor(client, store, requester);
      },
      hasPrefetched: (es) => {
        const key = `${es.metadata.namespace}/${es.metadata.name}`;
        const cache = this.#prefetchedIn.get(key);
        if (cache?.has(key, syncedResourceVersion(es.metadata))) return true;
        this.#prefetchedIn.delete(key);
        return false;
      },
      transforms: options.transforms,
      secrets,
      writeStatus: (target, s) => status.patch("externalsecrets", target, s),
      events,
      now,
      random: options.random,
      onSync: metrics?.synced
        ? (es, outcome) => {
            options.onSync?.(es, outcome);
            const ref = { namespace: es.metadata.namespace ?? "", name: es.metadata.name ?? "" };
            if (this.externalSecrets.get(ref.namespace, ref.name)) metrics.synced?.(ref, outcome);
          }
        : options.onSync,
    }));

    const storeReconciler = new SecretStoreReconciler({
      getStore: (kind, namespace, name) => {
        const raw = (kind === "SecretStore" ? this.secretStores : this.clusterSecretStores).get(namespace, name);
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
      reconciler: {
        reconcile: (req) => timed(metrics, { namespace: req.namespace ?? "", name: req.name }, (r) => esReconciler.reconcile(r), (r) => this.externalSecrets.get(r.namespace, r.name) !== undefined),
      },
      ...(metrics?.controller ? { metrics: metrics.controller("externalsecret") } : {}),
    });
    const storeController = (kind: StoreKind) =>
      new Controller({
        name: kind.toLowerCase(),
        concurrency: 2,
        logger: logger.child({ controller: kind.toLowerCase() }),
        reconciler: { reconcile: (req) => storeReconciler.reconcile(kind, req) },
        ...(metrics?.controller ? { metrics: metrics.controller(kind.toLowerCase()) } : {}),
      });
    this.secretStoreController = storeController("SecretStore");
    this.clusterSecretStoreController = storeController("ClusterSecretStore");
    this.#wireEvents();
    if (metrics) this.#wireMetrics(metrics);
  }

  /** Condition gauges follow the cluster's objects; a deleted object's series go with it. */
  #wireMetrics(metrics: SyncObserver): void {
    const conditionsOf = (obj: KubeObject) => (obj as { status?: { conditions?: Condition[] } }).status?.conditions ?? [];
    const refOf = (obj: KubeObject) => ({ namespace: obj.metadata?.namespace ?? "", name: obj.metadata?.name ?? "" });
    this.externalSecrets.addEventHandler({
      add: (o) => metrics.externalSecretConditions?.(refOf(o), conditionsOf(o)),
      update: (_o, n) => metrics.externalSecretConditions?.(refOf(n), conditionsOf(n)),
      delete: (o) => metrics.externalSecretConditions?.(refOf(o), undefined),
    });
    for (const [kind, informer] of [["SecretStore", this.secretStores], ["ClusterSecretStore", this.clusterSecretStores]] as const) {
      informer.addEventHandler({
        add: (o) => metrics.storeConditions?.(kind, refOf(o), conditionsOf(o)),
        update: (_o, n) => metrics.storeConditions?.(kind, refOf(n), conditionsOf(n)),
        delete: (o) => metrics.storeConditions?.(kind, refOf(o), undefined),
      });
    }
  }

  #wireEvents(): void {
    const es = this.externalSecretController;
    this.externalSecrets.addEventHandler({
      add: (o) => this.#index(o),
      update: (o, n) => {
        this.#unindex(o);
        this.#index(n);
      },
      delete: (o) => {
        this.#unindex(o);
        this.#reconciler.forget(o.metadata?.namespace ?? "", o.metadata?.name ?? "");
      },
    });
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

  #index(es: KubeObject): void {
    const key = storeKeyOf(es);
    let set = this.#byStore.get(key);
    if (!set) this.#byStore.set(key, (set = new Set()));
    set.add(objectKeyOf(es));
  }

  #unindex(es: KubeObject): void {
    this.#byStore.get(storeKeyOf(es))?.delete(objectKeyOf(es));
  }

  #clientReader(client: SecretsClient): ClientReader {
    let r = this.#clientReaders.get(client);
    if (!r) {
      r = { coalescer: new ReadCoalescer(client, this.#coalescing, { onBatch: this.#metrics?.readBatch?.bind(this.#metrics) }), prefetched: new PrefetchCache({ ttlMs: 60_000, now: this.#now }) };
      this.#clientReaders.set(client, r);
    }
    return r;
  }

  /**
   * Reads for one ExternalSecret: outcomes read ahead for it are used as they are; the rest goes out in one
   * batch that read-ahead fills with the ids of other ExternalSecrets on the same client due within their
   * jitter window. Those get the outcomes cached for a minute and are enqueued to refresh now.
   */
  #readerFor(client: SecretsClient, store: ResolvedStore, requester: { namespace: string; name: string }): PayloadReader {
    const { coalescer, prefetched } = this.#clientReader(client);
    const requesterKey = `${requester.namespace}/${requester.name}`;
    return {
      read: async (ids) => {
        // A batch already reading for this ExternalSecret: wait for it rather than read again.
        const pending = this.#inBatch.get(requesterKey);
        if (pending) await pending.catch(() => undefined);
        // Outcomes read ahead for this very ExternalSecret, at its current version, are used once.
        const raw = this.externalSecrets.get(requester.namespace, requester.name);
        const version = raw ? syncedResourceVersion(raw.metadata ?? {}) : "";
        const mine = prefetched.take(requesterKey, version);
        this.#prefetchedIn.delete(requesterKey);
        if (mine && ids.every((id) => mine.has(remoteSecretIdKey(id)))) return mine;

        const companions = this.#readAhead ? await this.#companions(client, store, requester, ids) : [];
        const picked = pickCompanions(ids, companions, 20);
        for (const c of companions) if (!picked.companions.includes(c)) this.#inBatch.delete(c.key);
        const reading = coalescer.read(picked.ids);
        for (const c of picked.companions) this.#inBatch.set(c.key, reading);
        let outcomes: Awaited<typeof reading>;
        try {
          outcomes = await reading;
        } finally {
          for (const c of picked.companions) if (this.#inBatch.get(c.key) === reading) this.#inBatch.delete(c.key);
        }
        this.#logger.debug(
          {
            externalSecret: requesterKey,
            ids: picked.ids.map((id) => id.key),
            companions: picked.companions.map((c) => c.key),
            failed: [...outcomes].filter(([, o]) => !o.ok).map(([k]) => k),
          },
          "provider batch read",
        );
        prefetched.sweep();
        for (const companion of picked.companions) {
          prefetched.put(companion.key, companion.version, new Map(companion.ids.map((id) => [remoteSecretIdKey(id), outcomes.get(remoteSecretIdKey(id))!])));
          this.#prefetchedIn.set(companion.key, prefetched);
          const slash = companion.key.indexOf("/");
          this.externalSecretController.enqueue({ namespace: companion.key.slice(0, slash), name: companion.key.slice(slash + 1) });
        }
        return new Map(ids.map((id) => [remoteSecretIdKey(id), outcomes.get(remoteSecretIdKey(id))!]));
      },
      find: (query) => client.findSecrets(query),
    };
  }

  /**
   * ExternalSecrets on the same store and client that the queue will hand out soon (queued, or requeued to
   * refresh within the longest jitter window) and that are due within their own window, not in flight and not
   * already read ahead. Driven by the queue, not a scan of every ExternalSecret, so a read costs O(batch).
   */
  async #companions(client: SecretsClient, store: ResolvedStore, requester: { namespace: string; name: string }, requested: readonly RemoteSecretId[]): Promise<Array<ReadAheadCandidate & { version: string }>> {
    const onStore = this.#byStore.get(storeKey(store.kind, store.kind === "SecretStore" ? store.namespace : undefined, store.name));
    if (!onStore || onStore.size < 2) return [];
    const now = this.#now();
    const out: Array<ReadAheadCandidate & { version: string }> = [];
    let budget = 20 - requested.length;
    let examined = 0;
    for (const key of this.externalSecretController.queue.pending(MAX_READ_AHEAD_MS)) {
      if (budget <= 0 || examined >= 4 * 20) break;
      if (!onStore.has(key) || key === `${requester.namespace}/${requester.name}` || this.#prefetchedIn.has(key) || this.#inBatch.has(key)) continue;
      examined++;
      // Claimed now, before any await, so a concurrent search skips it; released by the caller if unused.
      this.#inBatch.set(key, CLAIMED);
      const slash = key.indexOf("/");
      const raw = this.externalSecrets.get(key.slice(0, slash), key.slice(slash + 1));
      const parsed = raw && this.#parse(raw);
      if (!parsed) {
        this.#inBatch.delete(key);
        continue;
      }
      const es = this.#reconciler.withLastSync(parsed);
      const target = await this.#secretsCache.cached(es.metadata.namespace ?? "", es.spec.target.name ?? es.metadata.name ?? "");
      const eligible =
        dueWithin(es, target, now, readAheadHorizonMs(durationMs(es.spec.refreshInterval))) &&
        // Same client means same credentials and region: never read for a namespace the store does not serve.
        (await this.#resolveForReadAhead(es, client).catch(() => false));
      if (!eligible) {
        this.#inBatch.delete(key);
        continue;
      }
      const ids = plannedReads(es.spec);
      out.push({ key, ids, version: syncedResourceVersion(es.metadata) });
      budget -= ids.length;
    }
    return out;
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

/**
 * Runs one ExternalSecret reconcile and reports its duration whatever the outcome, unless the ExternalSecret
 * is gone by then (its series were removed on delete and must not come back).
 */
async function timed<T>(metrics: SyncObserver | undefined, es: { namespace: string; name: string }, run: (es: { namespace: string; name: string }) => Promise<T>, exists: (es: { namespace: string; name: string }) => boolean): Promise<T> {
  if (!metrics?.reconciled) return run(es);
  const started = performance.now();
  try {
    return await run(es);
  } finally {
    if (exists(es)) metrics.reconciled(es, performance.now() - started);
  }
}

function storeKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ""}/${name}`;
}

function storeKeyOf(es: KubeObject): string {
  const ref = (es as { spec?: { secretStoreRef?: { name?: string; kind?: string } } }).spec?.secretStoreRef;
  const kind = ref?.kind === "ClusterSecretStore" ? "ClusterSecretStore" : "SecretStore";
  return storeKey(kind, kind === "SecretStore" ? es.metadata?.namespace : undefined, ref?.name ?? "");
}

function objectKeyOf(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
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
