import type { V1ConfigMap, V1Secret, V1SecretList } from "@kubernetes/client-node";
import { GROUP, PLURAL_CLUSTER_PUSH_SECRETS, PLURAL_PUSH_SECRETS, VERSION_V1ALPHA1 } from "../apis/constants.ts";
import { SecretsManagerWriterProvider } from "../providers/aws/secretsmanager/writer-provider.ts";
import type { AwsStoreSpec } from "../providers/aws/spec.ts";
import { ApiServerKubeAccess, type KubeAccess } from "../providers/kube-access.ts";
import { Controller, type Request } from "../runtime/controller.ts";
import { KubeEventRecorder, type EventRecorder } from "../runtime/event-recorder.ts";
import type { Informer } from "../runtime/informer.ts";
import { isNotFound, kubeStatusCode } from "../runtime/kube/api-error.ts";
import { kubeClient, type KubeClient } from "../runtime/kube/kube-client.ts";
import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import { corePath, resourcePath } from "../runtime/kube/paths.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import { silentLogger, type Logger } from "../runtime/logger.ts";
import type { NamespacedWatchPool } from "../runtime/namespaced-watch-pool.ts";
import { StoreUnavailableError } from "../sync/externalsecret/reconciler.ts";
import { labelSelectorQuery, matchesLabelSelector, type LabelSelector } from "../sync/label-selector.ts";
import { StoreResolver, type ParsedStore } from "../sync/store-resolver.ts";
import { SyncInformers } from "../sync/sync-informers.ts";
import type { SyncObserver } from "../sync/sync-observer.ts";
import type { ApiCallObserver } from "../providers/provider.ts";
import { ClusterPushSecretController } from "./cluster/cluster-push-secret-controller.ts";
import { PushSecretReconciler, type ResolvedPushStore } from "./push-secret-reconciler.ts";
import { sourceSecretWatch } from "./source-watch.ts";
import { ParameterStoreTarget } from "./targets/parameter-store-target.ts";
import type { PushTarget } from "./targets/push-target.ts";
import { SecretsManagerTarget } from "./targets/secrets-manager-target.ts";
import { VersionTokens } from "./version-tokens.ts";
import type { ResourcePolicyMetadata } from "./metadata.ts";
import { transformKeys } from "../sync/template/key-transform.ts";
import type { TemplateSourceRefs, TemplateSources } from "../sync/template/template-sources.ts";
import { applyPushTemplate } from "./template.ts";
import { sharedTemplateEngine, type TemplateEngine } from "../lib/gotemplate/index.ts";
import { createGeneratorRegistry, type GeneratorRunner } from "../generators/index.ts";

export interface PushSecretManagerOptions {
  kubeConfig: KubeConfig;
  /** Watch and reconcile only this namespace. */
  namespace?: string | undefined;
  /**
   * The sync path's shared informers: the store and namespace informers are reused and the PushSecret and
   * ClusterPushSecret informers are added to them (started, synced and stopped with the others). Without
   * them (tests, a PushSecret-only process) this manager creates its own.
   */
  informers?: SyncInformers | undefined;
  /** The writers, shared with write-through's implementation (one writer, one ownership check). */
  writers?: SecretsManagerWriterProvider | undefined;
  /** ESO's template engine for `spec.template`; the process-wide one when absent (loaded on first use). */
  templates?: TemplateEngine | undefined;
  /** HMAC key of version tokens; a random per-process key when absent. */
  tokenKey?: Uint8Array | undefined;
  concurrency?: number | undefined;
  /** Work queue and reconcile metrics of both controllers (SyncMetrics). */
  metrics?: SyncObserver | undefined;
  /** Every AWS call of the writers this manager creates (ESO's provider_api_calls_count). */
  onApiCall?: ApiCallObserver | undefined;
  logger?: Logger | undefined;
  events?: EventRecorder | undefined;
  kube?: KubeAccess | undefined;
  now?: (() => number) | undefined;
  random?: (() => number) | undefined;
  /** Runs `selector.generatorRef` (shared with the sync path); one of its own when absent. */
  generators?: GeneratorRunner | undefined;
}


/** How long a PushSecret's reconcile waits for its namespace's Secrets to be listed (#awaitSourceList). */
const sourceListWaitMs = 10_000;

/**
 * The PushSecret controller: an informer on PushSecrets, the source-Secret watch (scoped to namespaces with
 * PushSecrets, identity only), the store informers (shared with the sync path when given), and a work queue.
 */
export class PushSecretManager {
  readonly pushSecrets: Informer<KubeObject>;
  readonly controller: Controller;
  /** Source Secrets (identity and labels) of the namespaces that have PushSecrets, retained per PushSecret key. */
  readonly sources: NamespacedWatchPool<KubeObject>;
  /** ClusterPushSecrets (cluster-wide mode only: they need every namespace). */
  readonly cluster: ClusterPushSecretController | undefined;
  readonly #informers: SyncInformers;
  readonly #ownsInformers: boolean;
  readonly #writers: SecretsManagerWriterProvider;
  readonly #ownsWriters: boolean;
  readonly #logger: Logger;
  /** The generator registry this manager made itself (closed on stop). */
  #ownGenerators: { close(): void } | undefined;
  /** Source Secret (`ns/name`) → PushSecrets (`ns/name`) that push it. */
  readonly #bySource = new Map<string, Set<string>>();
  readonly #sourceOf = new Map<string, string>();
  /** Namespace → PushSecrets (`ns/name`) that select their sources by label → their selector. */
  readonly #bySelector = new Map<string, Map<string, LabelSelector>>();
  /** Namespaces where a PushSecret reconciled before their Secrets were listed (#awaitSourceList gave up waiting). */
  readonly #reconciledBeforeListed = new Set<string>();

  constructor(options: PushSecretManagerOptions) {
    const { kubeConfig } = options;
    const logger = (this.#logger = options.logger ?? silentLogger);
    // Shared with the sync path when given; otherwise this manager's own set, which it starts and stops.
    const informers = (this.#informers = options.informers ?? new SyncInformers({ kubeConfig, namespace: options.namespace, logger }));
    this.#ownsInformers = !options.informers;
    this.pushSecrets = informers.add(`/apis/${GROUP}/${VERSION_V1ALPHA1}${informers.scope}/${PLURAL_PUSH_SECRETS}`);
    const { secretStores, clusterSecretStores, namespaces } = informers;

    this.#ownsWriters = !options.writers;
    this.#writers = options.writers ?? new SecretsManagerWriterProvider({ logger: logger.child({ provider: "aws" }), onApiCall: options.onApiCall });
    const tokens = new VersionTokens(options.tokenKey);
    const kube = options.kube ?? new ApiServerKubeAccess(kubeConfig);
    const resolver = new StoreResolver({ secretStores, clusterSecretStores, namespaces, capabilities: "ReadWrite" });
    const core = kubeClient(kubeConfig);
    const pushSecretPath = (target: { namespace: string; name: string }, subresource?: string) =>
      resourcePath({ group: GROUP, version: VERSION_V1ALPHA1, plural: PLURAL_PUSH_SECRETS, namespace: target.namespace, name: target.name, subresource });
    const events = options.events ?? new KubeEventRecorder({ kubeConfig, component: "ferry-pushsecret", onError: (err) => logger.warn({ err: String(err) }, "could not record event") });

    const resolveNamed = (kind: "SecretStore" | "ClusterSecretStore", name: string, namespace: string): ResolvedPushStore => {
      // StoreResolver checks existence, the provider, namespace access (ClusterSecretStore conditions) and readiness.
      const resolved = resolver.resolve({ metadata: { namespace }, spec: { secretStoreRef: { name, kind } } } as Parameters<StoreResolver["resolve"]>[0]);
      return { kind, name, handle: resolved.parsed };
    };
    const targetFor = async (store: ResolvedPushStore, namespace: string): Promise<PushTarget> => {
      const parsed = store.handle as ParsedStore;
      const aws = parsed.store.spec.provider.aws!;
      const request = {
        store: {
          kind: parsed.kind,
          name: parsed.store.metadata.name ?? "",
          namespace: parsed.store.metadata.namespace,
          uid: parsed.store.metadata.uid ?? "",
          generation: parsed.store.metadata.generation ?? 0,
          spec: { provider: { aws }, retrySettings: parsed.store.spec.retrySettings } satisfies AwsStoreSpec,
        },
        namespace,
        kube,
      };
      if (aws.service === "ParameterStore") return new ParameterStoreTarget(await this.#writers.parameterStoreWriterFor(request), aws.prefix);
      return new SecretsManagerTarget({
        writer: await this.#writers.writerFor(request),
        tokens,
        prefix: aws.prefix,
        deletion: aws.secretsManager,
        policySource: (ref) => readPolicySource(core, namespace, ref),
      });
    };

    const reconciler = new PushSecretReconciler({
      getPushSecret: (namespace, name) => this.pushSecrets.get(namespace, name),
      getSourceSecret: async (namespace, name) => {
        try {
          return await core.get<V1Secret>(corePath("secrets", namespace, name));
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
      },
      listSourceSecrets: async (namespace, selector) => {
        // One LIST with the selector, as ESO's client.List with a LabelSelector: only the selected Secrets' data.
        const list = await core.get<V1SecretList>(corePath("secrets", namespace), { query: { labelSelector: labelSelectorQuery(selector) } });
        return list.items;
      },
      resolveStores: (ref, namespace) => {
        if (ref.name) return [resolveNamed(ref.kind, ref.name, namespace)];
        // Unlike ESO (which lists SecretStores of every namespace), a label selector finds SecretStores of the
        // PushSecret's own namespace only: another namespace's store is never written through.
        const candidates = ref.kind === "SecretStore" ? secretStores.list(namespace) : clusterSecretStores.list();
        const selected = candidates.filter((s) => matchesLabelSelector((ref.labelSelector ?? {}) as LabelSelector, s.metadata?.labels ?? {}));
        return selected.map((s) => resolveNamed(ref.kind, s.metadata?.name ?? "", namespace));
      },
      lookupStore: (store, namespace) => {
        const found = resolver.lookup(store.kind, store.kind === "SecretStore" ? namespace : undefined, store.name);
        if ("error" in found) throw new StoreUnavailableError(`could not get secrets client for store ${store.name}: ${found.error}`);
        return { ...store, handle: found };
      },
      targetFor,
      applyTemplate: (template, data, sources) => applyPushTemplate(options.templates ?? sharedTemplateEngine(), template, data, sources),
      readTemplateSources: (namespace, refs) => readTemplateSources(core, namespace, refs),
      transformKeys: (template, keys) => transformKeys(options.templates ?? sharedTemplateEngine(), template, keys),
      patchStatus: async (target, status) => {
        await core.patch(pushSecretPath(target, "status"), "merge", { status });
      },
      setFinalizers: async (target, finalizers) => {
        await core.patch(pushSecretPath(target), "merge", { metadata: { finalizers, resourceVersion: target.resourceVersion } });
      },
      events,
      generators: options.generators ?? (this.#ownGenerators = createGeneratorRegistry({ kubeConfig, kube })),
      logger: logger.child({ controller: "pushsecret" }),
      now: options.now,
      random: options.random,
    });

    this.controller = new Controller({
      name: "pushsecret",
      concurrency: options.concurrency ?? 4,
      logger: logger.child({ controller: "pushsecret" }),
      reconciler: {
        reconcile: async (req, signal) => {
          await this.#awaitSourceList(req, signal);
          return reconciler.reconcile(req, signal);
        },
      },
      ...(options.metrics?.controller ? { metrics: options.metrics.controller("pushsecret") } : {}),
    });
    this.sources = sourceSecretWatch({
      kubeConfig,
      logger,
      onChange: ({ namespace, name, labels }) => {
        for (const key of this.#bySource.get(`${namespace}/${name}`) ?? []) this.controller.enqueue(requestOf(key));
        // A Secret that matches a PushSecret's selector before or after the change (labels added, removed).
        for (const [key, selector] of this.#bySelector.get(namespace) ?? []) {
          if (labels.some((l) => matchesLabelSelector(selector, l))) this.controller.enqueue(requestOf(key));
        }
      },
      listedIsChange: (namespace) => this.#reconciledBeforeListed.has(namespace),
      onListed: (namespace) => void this.#reconciledBeforeListed.delete(namespace),
    });
    this.cluster = namespaces
      ? new ClusterPushSecretController({
          clusterPushSecrets: informers.add(`/apis/${GROUP}/${VERSION_V1ALPHA1}/${PLURAL_CLUSTER_PUSH_SECRETS}`),
          kubeConfig,
          pushSecrets: this.pushSecrets,
          namespaces,
          logger,
          now: options.now,
          metrics: options.metrics?.controller?.("clusterpushsecret"),
        })
      : undefined;
    this.#wire(secretStores, clusterSecretStores);
  }

  #wire(secretStores: Informer<KubeObject>, clusterSecretStores: Informer<KubeObject>): void {
    this.pushSecrets.addEventHandler({
      add: (o) => {
        this.#track(o);
        this.controller.enqueue(requestOfObject(o));
      },
      update: (before, after) => {
        this.#track(after);
        // Status writes are not changes (ESO's predicate): generation, labels, annotations, finalizers, deletion.
        if (metadataChanged(before, after)) this.controller.enqueue(requestOfObject(after));
      },
      delete: (o) => this.#untrack(keyOf(o)),
    });
    // A store created, fixed or edited: its PushSecrets retry now rather than at the end of their backoff.
    const onStore = { add: () => this.#enqueueAll(), update: (a: KubeObject, b: KubeObject) => metadataChanged(a, b) && this.#enqueueAll() };
    secretStores.addEventHandler(onStore);
    clusterSecretStores.addEventHandler(onStore);
  }

  #enqueueAll(): void {
    if (!this.pushSecrets.hasSynced) return;
    for (const o of this.pushSecrets.list()) this.controller.enqueue(requestOfObject(o));
  }

  /**
   * Indexes the source a PushSecret reads — the Secret it names, or its label selector — and watches its
   * namespace's Secrets (identity and labels only) while it has one.
   */
  #track(ps: KubeObject): void {
    const key = keyOf(ps);
    const namespace = ps.metadata?.namespace ?? "";
    const secret = (ps as { spec?: { selector?: { secret?: { name?: string; selector?: LabelSelector } } } }).spec?.selector?.secret;
    const source = secret?.name ? `${namespace}/${secret.name}` : undefined;
    const selector = !secret?.name ? secret?.selector : undefined;
    const previous = this.#sourceOf.get(key);
    if (previous !== source) {
      if (previous) this.#forgetSource(key, previous);
      if (source) {
        this.#sourceOf.set(key, source);
        let set = this.#bySource.get(source);
        if (!set) this.#bySource.set(source, (set = new Set()));
        set.add(key);
      }
    }
    const selectors = this.#bySelector.get(namespace);
    if (selector) {
      if (!selectors) this.#bySelector.set(namespace, new Map([[key, selector]]));
      else selectors.set(key, selector);
    } else if (selectors?.delete(key) && selectors.size === 0) this.#bySelector.delete(namespace);
    if (source || selector) this.sources.retain(namespace, key);
    else this.sources.release(namespace, key);
  }

  /**
   * A PushSecret whose source Secrets are watched reconciles once its namespace's Secrets are listed, so it reads
   * at least what the LIST saw and the listed Secrets are not changes for it: otherwise each namespace's first
   * LIST (every namespace at startup) would reconcile its PushSecrets a second time, with its AWS reads. A LIST
   * slower than sourceListWaitMs lets the reconcile go on; that LIST's Secrets then count as changes, since one
   * created meanwhile may not have been read.
   */
  async #awaitSourceList(req: Request, signal: AbortSignal): Promise<void> {
    const namespace = req.namespace ?? "";
    const key = `${namespace}/${req.name}`;
    if (!this.#sourceOf.has(key) && !this.#bySelector.get(namespace)?.has(key)) return;
    if (this.sources.synced(namespace)) return;
    if (await this.sources.waitForSync(namespace, AbortSignal.any([signal, AbortSignal.timeout(sourceListWaitMs)]))) return;
    if (!signal.aborted && !this.sources.synced(namespace)) this.#reconciledBeforeListed.add(namespace);
  }

  #forgetSource(key: string, source: string): void {
    this.#sourceOf.delete(key);
    const set = this.#bySource.get(source);
    set?.delete(key);
    if (set?.size === 0) this.#bySource.delete(source);
  }

  #untrack(key: string): void {
    const namespace = key.slice(0, key.indexOf("/"));
    const source = this.#sourceOf.get(key);
    if (source) this.#forgetSource(key, source);
    const selectors = this.#bySelector.get(namespace);
    if (selectors?.delete(key) && selectors.size === 0) this.#bySelector.delete(namespace);
    this.sources.release(namespace, key);
  }

  /** Starts the informers (when they are this manager's own) or waits for the shared ones, then the controllers. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#ownsInformers) await this.#informers.start(signal);
    else await Promise.all([this.pushSecrets, ...(this.cluster ? [this.cluster.clusterPushSecrets] : [])].map((i) => i.waitForSync(signal)));
    this.sources.start();
    this.controller.start();
    this.cluster?.controller.start();
    this.#logger.info({ pushSecrets: this.pushSecrets.size }, "PushSecret controller started");
  }

  get synced(): boolean {
    return this.#informers.synced;
  }

  /** `timeoutMs`: how long in-flight reconciles may finish before their signal aborts (Controller.stop). */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    await Promise.all([this.cluster?.controller.stop(options), this.controller.stop(options)]);
    await this.sources.stop();
    if (this.#ownsInformers) await this.#informers.stop();
    if (this.#ownsWriters) this.#writers.close();
    this.#ownGenerators?.close();
  }
}

/**
 * A resource policy document from a ConfigMap or Secret of the PushSecret's namespace (ESO's
 * resolveResourcePolicy, with its messages); never another namespace's.
 */
async function readPolicySource(core: KubeClient, namespace: string, ref: ResourcePolicyMetadata["policySourceRef"]): Promise<string> {
  const what = `${ref.kind} ${namespace}/${ref.name}`;
  try {
    if (ref.kind === "ConfigMap") {
      const cm = await core.get<V1ConfigMap>(corePath("configmaps", namespace, ref.name));
      const policy = cm.data?.[ref.key];
      if (policy === undefined) throw new PolicySourceError(`key ${ref.key} not found in ${what}`);
      return policy;
    }
    const secret = await core.get<V1Secret>(corePath("secrets", namespace, ref.name));
    const encoded = secret.data?.[ref.key];
    if (encoded === undefined) throw new PolicySourceError(`key ${ref.key} not found in ${what}`);
    return Buffer.from(encoded, "base64").toString("utf8");
  } catch (err) {
    if (err instanceof PolicySourceError) throw new Error(`failed to resolve resource policy: ${err.message}`, { cause: err });
    const code = kubeStatusCode(err);
    const reason = code !== undefined ? (code === 404 ? "not found" : `HTTP ${code}`) : String(err);
    throw new Error(`failed to resolve resource policy: failed to get ${what}: ${reason}`, { cause: err });
  }
}

class PolicySourceError extends Error {}

/**
 * The ConfigMaps and Secrets a PushSecret's templateFrom names, read with one GET each from its namespace (as
 * ESO's templating.Parser reads them); one that does not exist is left out (templatePlan reports it).
 */
async function readTemplateSources(core: KubeClient, namespace: string, refs: TemplateSourceRefs): Promise<TemplateSources> {
  const absent = (err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  };
  const configMaps = new Map<string, Record<string, string>>();
  const secrets = new Map<string, Record<string, Uint8Array>>();
  for (const name of refs.configMaps) {
    const cm = await core.get<V1ConfigMap>(corePath("configmaps", namespace, name)).catch(absent);
    if (cm) configMaps.set(name, cm.data ?? {});
  }
  for (const name of refs.secrets) {
    const secret = await core.get<V1Secret>(corePath("secrets", namespace, name)).catch(absent);
    if (secret) secrets.set(name, Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, "base64"))])));
  }
  return { configMaps, secrets };
}

function keyOf(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}

function requestOf(key: string): Request {
  const slash = key.indexOf("/");
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

function requestOfObject(obj: KubeObject): Request {
  return { namespace: obj.metadata?.namespace, name: obj.metadata?.name ?? "" };
}

function metadataChanged(a: KubeObject, b: KubeObject): boolean {
  const m1 = a.metadata ?? {};
  const m2 = b.metadata ?? {};
  return (
    m1.generation !== m2.generation ||
    JSON.stringify(m1.labels ?? {}) !== JSON.stringify(m2.labels ?? {}) ||
    JSON.stringify(m1.annotations ?? {}) !== JSON.stringify(m2.annotations ?? {}) ||
    JSON.stringify(m1.finalizers ?? []) !== JSON.stringify(m2.finalizers ?? []) ||
    m1.deletionTimestamp !== m2.deletionTimestamp
  );
}
