import { formatIssues, parseExternalSecret } from "../../apis/parse.ts";
import type { ExternalSecret } from "../../apis/external-secret.ts";
import type { KubeAccess } from "../../providers/kube-access.ts";
import type { Provider } from "../../providers/provider.ts";
import type { AwsStoreSpec } from "../../providers/aws/spec.ts";
import { Controller } from "../../runtime/controller.ts";
import { kubeOutageRetryCap } from "../kube-outage-retry.ts";
import type { EventRecorder } from "../../runtime/event-recorder.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";
import type { Logger } from "../../runtime/logger.ts";
import type { Condition } from "../conditions.ts";
import { CREATED_BY_LABEL } from "../desired-secret.ts";
import { conditionsOf, metadataChanged, readyStatus, requestOf } from "../informer-events.ts";
import type { KubeSecrets, StatusWriter } from "../kube-secrets.ts";
import type { ReadCoalescerOptions } from "../read-coalescer.ts";
import type { ValueTransforms } from "../remote-data.ts";
import type { StoreKind } from "../secretstore/reconciler.ts";
import { providerStoreRef, type ParsedStore, type StoreResolver } from "../store-resolver.ts";
import type { SyncInformers } from "../sync-informers.ts";
import type { SyncObserver } from "../sync-observer.ts";
import { ExternalSecretsByStore } from "./by-store-index.ts";
import { parseOnce } from "../parse-once.ts";
import { ReadAheadReaders } from "./read-ahead-reader.ts";
import { RemoteChanges, type RemoteChangeTiming } from "./remote-changes.ts";
import { plannedReads } from "../remote-data.ts";
import { ExternalSecretReconciler, type InvalidExternalSecret } from "./reconciler.ts";
import type { TemplateSourceCache } from "../template/template-source-cache.ts";
import type { GeneratorRunner } from "../../generators/registry.ts";
import type { RenewalSettings } from "../refresh-policy.ts";

export interface ExternalSecretControllerOptions {
  informers: SyncInformers;
  resolver: StoreResolver;
  provider: Provider<AwsStoreSpec>;
  kube: KubeAccess;
  secrets: KubeSecrets;
  status: StatusWriter;
  events: EventRecorder;
  transforms: ValueTransforms;
  logger: Logger;
  now: () => number;
  random?: (() => number) | undefined;
  concurrency?: number | undefined;
  coalescing?: ReadCoalescerOptions | undefined;
  readAhead?: boolean | undefined;
  onSync?: ((es: ExternalSecret, outcome: "success" | "error") => void) | undefined;
  metrics?: SyncObserver | undefined;
  /** How long after a change event its ExternalSecret's Secret was synced (refreshChanged), by stage. */
  onRemoteChangeSynced?: ((timing: RemoteChangeTiming) => void) | undefined;
  /** The cache of templateFrom ConfigMaps and Secrets, told which ExternalSecrets to enqueue on a change. */
  templateSources?: ((onChange: (users: readonly string[]) => void) => TemplateSourceCache) | undefined;
  /** The refresh interval to apply instead of the spec's (change events may stretch it). */
  refreshIntervalFor?: ((key: string, specMs: number) => number) | undefined;
  generators?: GeneratorRunner | undefined;
  renewal?: RenewalSettings | undefined;
}

/**
 * The ExternalSecret controller: the reconciler over the shared informers, its provider readers (coalescing
 * and read-ahead), and the events that enqueue it — its own changes, its managed Secrets', and its stores'.
 */
export class ExternalSecretController {
  readonly controller: Controller;
  readonly reconciler: ExternalSecretReconciler;
  readonly #informers: SyncInformers;
  readonly #remoteChanges = new RemoteChanges();
  readonly #readers: ReadAheadReaders;
  readonly #templateSources: TemplateSourceCache | undefined;

  constructor(options: ExternalSecretControllerOptions) {
    const { informers, resolver, provider, kube, metrics } = options;
    this.#informers = informers;
    const externalSecrets = informers.externalSecrets;
    const byStore = new ExternalSecretsByStore();

    // Informer objects are replaced, never mutated, on change: their identity keys the parse (reconciles and
    // read-ahead share it).
    const parseResult = parseOnce((raw: KubeObject) => parseExternalSecret({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", ...raw }));
    const parse = (raw: KubeObject) => {
      const result = parseResult(raw);
      return result.ok ? result.value : undefined;
    };

    const readers = (this.#readers = new ReadAheadReaders({
      externalSecrets,
      byStore,
      queue: () => this.controller.queue,
      enqueue: (request, priority) => this.controller.enqueue(request, priority),
      parse,
      withLastSync: (es) => this.reconciler.withLastSync(es),
      cachedSecret: (namespace, name) => options.secrets.cached(namespace, name),
      sameClient: async (es, client) => {
        const resolved = resolver.resolve(es);
        const other = await provider.clientFor({ store: providerStoreRef(resolved.parsed), namespace: es.metadata.namespace ?? "", kube });
        return other === client;
      },
      coalescing: options.coalescing,
      readAhead: options.readAhead ?? true,
      now: options.now,
      random: options.random,
      onBatch: metrics?.readBatch?.bind(metrics),
      logger: options.logger,
    }));

    const templateSources = (this.#templateSources = options.templateSources?.((users) => {
      for (const user of users) {
        const [namespace, name] = user.split("/") as [string, string];
        this.controller.enqueue({ namespace, name });
      }
    }));
    this.reconciler = new ExternalSecretReconciler({
      templateSources,
      getExternalSecret: (namespace, name) => {
        const raw = externalSecrets.get(namespace, name);
        if (!raw) return undefined;
        const parsed = parseResult(raw);
        if (parsed.ok) return parsed.value;
        const invalid: InvalidExternalSecret = {
          invalid: formatIssues(parsed.errors),
          uid: raw.metadata?.uid,
          conditions: (raw as { status?: { conditions?: Condition[] } }).status?.conditions,
        };
        return invalid;
      },
      resolveStore: (es) => resolver.resolve(es),
      readerFor: async (store, requester, signal) => {
        const parsed = (store as { parsed?: ParsedStore }).parsed!;
        const client = await provider.clientFor({ store: providerStoreRef(parsed), namespace: requester.namespace, kube });
        return readers.readerFor(client, store, requester, signal);
      },
      hasPrefetched: (es) => readers.hasPrefetched(es),
      remoteChanges: this.#remoteChanges,
      onRemoteChangeSynced: (timing, request) => {
        // Stage times only (no names of remote secrets, no values): where an event's latency went.
        options.logger.debug({ externalSecret: `${request.namespace}/${request.name}`, ...roundedTiming(timing) }, "change event synced");
        options.onRemoteChangeSynced?.(timing);
      },
      refreshIntervalFor: options.refreshIntervalFor,
      // Batch-aware scheduling (ADR 14): the next refresh joins a refresh group of the same provider client.
      planRefresh: async (es, window) => {
        if (options.readAhead === false) return undefined;
        const namespace = es.metadata.namespace ?? "";
        const resolved = resolver.resolve(es);
        const client = await provider.clientFor({ store: providerStoreRef(resolved.parsed), namespace, kube });
        return readers.planRefresh(client, `${namespace}/${es.metadata.name}`, plannedReads(es.spec), window);
      },
      groupDue: (es) => readers.groupDue(`${es.metadata.namespace}/${es.metadata.name}`),
      valuesReadAt: (request) => readers.valuesReadAt(`${request.namespace}/${request.name}`),
      transforms: options.transforms,
      secrets: options.secrets,
      writeStatus: (target, s, signal) => options.status.patch("externalsecrets", target, s, signal),
      events: options.events,
      now: options.now,
      random: options.random,
      generators: options.generators,
      renewal: options.renewal,
      onSync: metrics?.synced
        ? (es, outcome) => {
            options.onSync?.(es, outcome);
            const ref = { namespace: es.metadata.namespace ?? "", name: es.metadata.name ?? "" };
            if (externalSecrets.get(ref.namespace, ref.name)) metrics.synced?.(ref, outcome);
          }
        : options.onSync,
    });

    const reconciler = this.reconciler;
    this.controller = new Controller({
      name: "externalsecret",
      // A reconcile mostly waits for API writes in turn (Secret, then status): 32 in flight (ADR 20). Periodic
      // refreshes take at most a quarter of the workers, so a new or edited ExternalSecret always finds one free
      // and shares the CPU with few refreshes.
      concurrency: options.concurrency ?? 32,
      periodicConcurrency: Math.max(1, Math.ceil((options.concurrency ?? 32) / 4)),
      logger: options.logger.child({ controller: "externalsecret" }),
      reconciler: {
        reconcile: (req, signal) => timed(metrics, { namespace: req.namespace ?? "", name: req.name }, (r) => reconciler.reconcile(r, signal), (r) => externalSecrets.get(r.namespace, r.name) !== undefined),
      },
      maxRetryDelayMs: kubeOutageRetryCap,
      ...(metrics?.controller ? { metrics: metrics.controller("externalsecret") } : {}),
    });

    externalSecrets.addEventHandler({
      add: (o) => byStore.add(o),
      update: (o, n) => {
        byStore.remove(o);
        byStore.add(n);
      },
      delete: (o) => {
        byStore.remove(o);
        reconciler.forget(o.metadata?.namespace ?? "", o.metadata?.name ?? "");
        this.#remoteChanges.forget(`${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`);
        templateSources?.forget(`${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`);
        readers.forget(`${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`);
      },
    });
    externalSecrets.addEventHandler({
      add: (obj) => this.controller.enqueue(requestOf(obj)),
      // Status writes are not changes: only generation, labels, annotations (force-sync) and deletion are
      // (ESO's predicate; KES re-polled on its own status writes).
      update: (oldObj, newObj) => {
        if (metadataChanged(oldObj, newObj)) this.controller.enqueue(requestOf(newObj));
      },
    });
    informers.managedSecrets.addEventHandler({
      add: (s) => this.#enqueueOwnersOf(s),
      update: (_o, s) => this.#enqueueOwnersOf(s),
      delete: (s) => this.#enqueueOwnersOf(s),
    });
    for (const kind of ["SecretStore", "ClusterSecretStore"] as const) {
      (kind === "SecretStore" ? informers.secretStores : informers.clusterSecretStores).addEventHandler({
        update: (oldObj, newObj) => {
          // A store fixed or edited: its ExternalSecrets retry now instead of at the end of their backoff.
          if (metadataChanged(oldObj, newObj) || readyStatus(oldObj) !== readyStatus(newObj)) this.#enqueueUsersOf(kind, newObj);
        },
      });
    }
    // Condition gauges follow the cluster's objects; a deleted object's series go with it.
    if (metrics?.externalSecretConditions) {
      const ref = (o: KubeObject) => ({ namespace: o.metadata?.namespace ?? "", name: o.metadata?.name ?? "" });
      externalSecrets.addEventHandler({
        add: (o) => metrics.externalSecretConditions?.(ref(o), conditionsOf(o)),
        update: (_o, n) => metrics.externalSecretConditions?.(ref(n), conditionsOf(n)),
        delete: (o) => metrics.externalSecretConditions?.(ref(o), undefined),
      });
    }
  }

  /**
   * The remote secret these ExternalSecrets read changed (a change event, src/changeevents): each reads it
   * now rather than at its next refresh, past anything read ahead before the change.
   */
  refreshChanged(request: { namespace: string; name: string }, sentAt?: number): void {
    const key = `${request.namespace}/${request.name}`;
    this.#readers.forgetPrefetched(key);
    this.#remoteChanges.mark(key, sentAt);
    this.controller.enqueue(request);
  }

  /** A managed Secret changed or vanished: the ExternalSecret that controls it, or targets it by name. */
  #enqueueOwnersOf(secret: KubeObject): void {
    const namespace = secret.metadata?.namespace;
    const refs = (secret.metadata as { ownerReferences?: Array<{ kind: string; name: string; controller?: boolean; apiVersion: string }> } | undefined)?.ownerReferences;
    const owner = refs?.find((r) => r.controller && r.kind === "ExternalSecret" && r.apiVersion.startsWith("external-secrets.io/"));
    if (owner) {
      this.controller.enqueue({ namespace, name: owner.name });
      return;
    }
    if (!secret.metadata?.labels?.[CREATED_BY_LABEL]) {
      for (const es of this.#informers.externalSecrets.list(namespace)) {
        const target = (es as { spec?: { target?: { name?: string } } }).spec?.target?.name ?? es.metadata?.name;
        if (target === secret.metadata?.name) this.controller.enqueue(requestOf(es));
      }
    }
  }

  #enqueueUsersOf(kind: StoreKind, store: KubeObject): void {
    const candidates = kind === "SecretStore" ? this.#informers.externalSecrets.list(store.metadata?.namespace) : this.#informers.externalSecrets.list();
    for (const es of candidates) {
      const ref = (es as { spec?: { secretStoreRef?: { name?: string; kind?: string } } }).spec?.secretStoreRef;
      if (ref?.name === store.metadata?.name && (ref?.kind ?? "SecretStore") === kind) this.controller.enqueue(requestOf(es));
    }
  }

  start(): void {
    this.controller.start();
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.controller.stop(options);
    await this.#templateSources?.stop();
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

/** A change's stage times in whole milliseconds, for a log line. */
function roundedTiming(t: RemoteChangeTiming): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(t)) if (typeof v === "number") out[k] = Math.round(v);
  return out;
}
