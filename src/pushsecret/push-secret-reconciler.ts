import { FINALIZER_PUSH_SECRET, PushSecretMessage, PushSecretReason } from "../apis/constants.ts";
import { parseDuration } from "../apis/duration.ts";
import { formatIssues, parsePushSecret } from "../apis/parse.ts";
import type { PushSecret, PushSecretData, PushSecretStatus } from "../apis/push-secret.ts";
import type { Request, ReconcileResult } from "../runtime/controller.ts";
import { TerminalError } from "../runtime/controller.ts";
import type { EventRecorder, EventTarget } from "../runtime/event-recorder.ts";
import { jitter } from "../runtime/jitter.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import { silentLogger, type Logger } from "../runtime/logger.ts";
import { sameConditions, setCondition, type Condition } from "../sync/conditions.ts";
import type { LabelSelector } from "../sync/label-selector.ts";
import { hasTemplateSources, NO_TEMPLATE_SOURCES, templateSourceRefs, type TemplateSourceRefs, type TemplateSources } from "../sync/template/template-sources.ts";
import { RewriteError, RewriteNotSupportedError, type KeyTransformer } from "../sync/transform/rewrite.ts";
import { syncedResourceVersion } from "../sync/synced-resource-version.ts";
import {
  dataToEntries,
  mergeSourcedPushes,
  mergeSynced,
  planDeletions,
  planPushes,
  storeKeyOf,
  syncedOf,
  syncedPatch,
  wasSynced,
  type PlannedPush,
  type SourcedPush,
  type StoreKey,
  type SyncedPushSecrets,
} from "./plan.ts";
import { MissingKeyError, reverseKeys, sourceDataOf, type SourceData } from "./source-values.ts";
import type { TemplateResult } from "./template.ts";
import { PushConfigError, type PushTarget } from "./targets/push-target.ts";
import { unsupportedPushSecretFields } from "./unsupported.ts";
import { generatorDueInMs, lastRefreshOf } from "./generator-source.ts";
import type { GeneratorRunner } from "../generators/registry.ts";

/** A store a PushSecret writes to, resolved and checked (exists, aws, the namespace may use it). */
export interface ResolvedPushStore extends StoreKey {
  /** Opaque to the reconciler: what `targetFor` needs. */
  handle: unknown;
}

export interface PushSecretReconcilerDeps {
  getPushSecret(namespace: string, name: string): KubeObject | undefined;
  /** The source Secret from the API (its data is never cached), or undefined when it does not exist. */
  getSourceSecret(namespace: string, name: string, signal?: AbortSignal): Promise<{ data?: Record<string, string> | undefined } | undefined>;
  /** The Secrets of the namespace a label selector selects (`selector.secret.selector`), from the API. */
  listSourceSecrets(namespace: string, selector: LabelSelector, signal?: AbortSignal): Promise<Array<{ metadata?: { name?: string | undefined } | undefined; data?: Record<string, string> | undefined }>>;
  /** The stores a reference names; throws with a message naming the store when one cannot be used. */
  resolveStores(ref: { name?: string | undefined; labelSelector?: unknown; kind: "SecretStore" | "ClusterSecretStore" }, namespace: string): ResolvedPushStore[];
  /** A store named in the status by an earlier sync (for deletions): no access re-check beyond existence. */
  lookupStore(store: StoreKey, namespace: string): ResolvedPushStore;
  targetFor(store: ResolvedPushStore, namespace: string): Promise<PushTarget>;
  /** Applies `spec.template` to a copy of the source data (ESO's engine), templateFrom objects from `sources`. */
  applyTemplate(template: NonNullable<PushSecret["spec"]["template"]>, data: SourceData, sources: TemplateSources): Promise<TemplateResult>;
  /** The ConfigMaps and Secrets `template.templateFrom` names, read from the PushSecret's namespace. */
  readTemplateSources(namespace: string, refs: TemplateSourceRefs, signal?: AbortSignal): Promise<TemplateSources>;
  /** `dataTo[].rewrite[].transform`: renames keys through ESO's template engine (the sync path's transformKeys). */
  transformKeys: KeyTransformer;
  patchStatus(target: { namespace: string; name: string }, status: object): Promise<void>;
  /** Replaces metadata.finalizers, conditional on the resourceVersion read. */
  setFinalizers(target: { namespace: string; name: string; resourceVersion: string }, finalizers: string[]): Promise<void>;
  events: EventRecorder;
  /** Runs `selector.generatorRef`; without it such a PushSecret gets a clear error. */
  generators?: GeneratorRunner | undefined;
  logger?: Logger | undefined;
  now?: (() => number) | undefined;
  random?: (() => number) | undefined;
}

type Handles = Map<string, ResolvedPushStore>;

/** A source Secret's name and (decoded, templated) data. */
interface Source {
  name: string;
  data: SourceData;
}

type Sourced = SourcedPush<SourceData>;

interface Outcome {
  pushed: PlannedPush[];
  wrote: number;
  error?: { message: string; cause: unknown } | undefined;
}

/**
 * Reconciles one PushSecret as ESO's controller (pkg/controllers/pushsecret) does, with these differences:
 * the source Secret's changes trigger a push at once (the manager watches it); nothing is written when the
 * remote value already matches; Events are emitted when something changed, not on every refresh; and
 * stores found by labelSelector are limited to the PushSecret's namespace for SecretStores.
 *
 * Failures never delete anything: a missing source Secret (SourceDeleted) or a provider error leaves every
 * remote secret as it is. Deletion (deletionPolicy Delete) removes only what the status records this
 * PushSecret pushed, and the writer's ownership check refuses anything not tagged managed-by=external-secrets.
 */
export class PushSecretReconciler {
  readonly #deps: PushSecretReconcilerDeps;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #random: () => number;
  /** When each PushSecret (`ns/name/uid`) last ran its generator: the informer may lag behind the status patch. */
  readonly #generatedAt = new Map<string, number>();

  constructor(deps: PushSecretReconcilerDeps) {
    this.#deps = deps;
    this.#logger = deps.logger ?? silentLogger;
    this.#now = deps.now ?? Date.now;
    this.#random = deps.random ?? Math.random;
  }

  async reconcile(request: Request, signal?: AbortSignal): Promise<ReconcileResult> {
    const namespace = request.namespace ?? "";
    const raw = this.#deps.getPushSecret(namespace, request.name);
    if (!raw) return {};
    const parsed = parsePushSecret({ apiVersion: "external-secrets.io/v1alpha1", kind: "PushSecret", ...raw });
    const target = { namespace, name: request.name };
    const status = (raw as { status?: PushSecretStatus }).status;
    if (!parsed.ok) {
      await this.#fail(raw, status, `invalid PushSecret: ${formatIssues(parsed.errors)}`);
      throw new TerminalError(`invalid PushSecret ${namespace}/${request.name}`);
    }
    const ps = parsed.value;
    const finalizers = ps.metadata.finalizers ?? [];
    const hasFinalizer = finalizers.includes(FINALIZER_PUSH_SECRET);
    const resourceVersion = ps.metadata.resourceVersion ?? "";

    if (ps.metadata.deletionTimestamp) {
      if (!hasFinalizer) return {};
      if (ps.spec.deletionPolicy === "Delete") {
        const failed = await this.#deleteRemoved(ps, status?.syncedPushSecrets, {}, new Map(), signal);
        if (failed) {
          await this.#fail(raw, status, `Failed to Delete Secrets from Provider: ${failed.message}`, failed.remaining);
          throw failed.cause;
        }
      }
      await this.#deps.setFinalizers({ ...target, resourceVersion }, finalizers.filter((f) => f !== FINALIZER_PUSH_SECRET));
      return {};
    }
    // The finalizer exists only while there is something to delete on deletion.
    if (ps.spec.deletionPolicy === "Delete" && !hasFinalizer) {
      await this.#deps.setFinalizers({ ...target, resourceVersion }, [...finalizers, FINALIZER_PUSH_SECRET]);
      return {};
    }
    if (ps.spec.deletionPolicy !== "Delete" && hasFinalizer) {
      await this.#deps.setFinalizers({ ...target, resourceVersion }, finalizers.filter((f) => f !== FINALIZER_PUSH_SECRET));
      return {};
    }

    const unsupported = unsupportedPushSecretFields(ps.spec);
    if (unsupported.length > 0) {
      await this.#fail(raw, status, unsupported.map((u) => `${u.path}: ${u.message}`).join("; "));
      throw new TerminalError(`PushSecret ${namespace}/${request.name} uses unsupported fields`);
    }

    // selector.generatorRef: the generator's output is the one source (src/generators, generator-source.ts).
    const generatorRef = ps.spec.selector.generatorRef;
    let generated: Source | undefined;
    if (generatorRef) {
      const key = `${namespace}/${request.name}/${ps.metadata.uid ?? ""}`;
      const now = this.#now();
      const dueIn = generatorDueInMs(ps, status, lastRefreshOf(status, this.#generatedAt.get(key)), now);
      if (dueIn === undefined) return {};
      if (dueIn > 0) return { requeueAfterMs: dueIn };
      if (!this.#deps.generators) throw new TerminalError("generators are not enabled in this controller");
      try {
        generated = { name: `${generatorRef.kind}/${generatorRef.name}`, data: (await this.#deps.generators.run(generatorRef, namespace, signal)).data };
      } catch (err) {
        // ESO's words (resolveSecretFromGenerator); the message names the generator, never a value.
        await this.#fail(raw, status, `could not resolve secret from generator ref ${generatorRef.kind}/${generatorRef.name}: ${errorMessage(err)}`);
        throw err;
      }
      this.#generatedAt.set(key, now);
      if (this.#generatedAt.size > 10_000) this.#generatedAt.delete(this.#generatedAt.keys().next().value!);
    }
    const selected = generated ? { ok: true as const, sources: [generated], bySelector: false } : await this.#sources(ps, namespace, signal);
    if (!selected.ok) {
      // The values already pushed stay where they are: a deleted source is not a request to delete them.
      await this.#writeStatus(raw, status, {
        condition: { type: "Ready", status: "False", reason: PushSecretReason.SourceDeleted, message: `${PushSecretMessage.SourceMissing}: ${selected.missing}; values already pushed are kept` },
        event: { type: "Warning", reason: PushSecretReason.SourceDeleted, message: `source ${selected.missing}` },
      });
      return {};
    }
    const sources: Source[] = [];
    const refs = templateSourceRefs(ps.spec.template);
    // Read once per push, shared by every selected Secret (ESO reads them per Secret); not watched: a change of
    // a templateFrom object is pushed with the next change of the source or the PushSecret, or at refreshInterval.
    const templateSources = hasTemplateSources(refs) ? await this.#deps.readTemplateSources(namespace, refs, signal) : NO_TEMPLATE_SOURCES;
    for (const source of selected.sources) {
      if (!ps.spec.template) {
        sources.push(source);
        continue;
      }
      // On a copy: the source Secret is never modified (ESO #5018 copies too).
      const templated = await this.#deps.applyTemplate(ps.spec.template, source.data, templateSources);
      if (!templated.ok) {
        const message = selected.bySelector ? `Secret ${source.name}: ${templated.message}` : templated.message;
        await this.#fail(raw, status, message);
        throw new TerminalError(`PushSecret ${namespace}/${request.name}: template failed`);
      }
      sources.push({ name: source.name, data: templated.data });
    }

    let plan: Sourced[];
    let storeKeys: StoreKey[];
    let handles: Handles;
    try {
      ({ plan, storeKeys, handles } = await this.#plan(ps, sources, namespace));
    } catch (err) {
      const message = err instanceof DataToError ? `set secret failed: failed to expand dataTo: ${err.message}` : errorMessage(err);
      await this.#fail(raw, status, message);
      if (err instanceof DataToError) throw new TerminalError(message);
      throw err;
    }
    if (selected.bySelector) {
      // ESO stops at the first selected Secret that lacks a key of `data[]`; so does Ferry, before writing
      // anything, and the message names that Secret.
      const missing = missingKey(ps.spec.data ?? [], sources);
      if (missing) {
        const message = `set secret failed: ${missing}`;
        await this.#fail(raw, status, message);
        throw new TerminalError(message);
      }
    }

    const outcome = await this.#push(ps, status, plan, handles, signal);
    const synced = syncedOf(outcome.pushed, storeKeys);
    if (outcome.error) {
      const message = `set secret failed: ${outcome.error.message}`;
      await this.#fail(raw, status, message, mergeSynced(synced, status?.syncedPushSecrets));
      if (outcome.error.cause instanceof PushConfigError) throw new TerminalError(message);
      throw outcome.error.cause;
    }

    let deleted = 0;
    if (ps.spec.deletionPolicy === "Delete") {
      const failed = await this.#deleteRemoved(ps, status?.syncedPushSecrets, synced, handles, signal);
      if (failed) {
        await this.#fail(raw, status, `Failed to Delete Secrets from Provider: ${failed.message}`, failed.remaining);
        throw failed.cause;
      }
      deleted = planDeletions(status?.syncedPushSecrets, synced).length;
    }

    const message = ps.spec.updatePolicy === "IfNotExists" ? PushSecretMessage.SyncedIfNotExists : PushSecretMessage.Synced;
    const changed = outcome.wrote > 0 || deleted > 0;
    await this.#writeStatus(raw, status, {
      condition: { type: "Ready", status: "True", reason: PushSecretReason.Synced, message },
      synced,
      syncedResourceVersion: syncedResourceVersion(ps.metadata),
      refreshed: true,
      changed,
      event: changed ? { type: "Normal", reason: PushSecretReason.Synced, message: `${message} (${outcome.wrote} written, ${deleted} deleted)` } : undefined,
    });
    const intervalMs = parseDuration(ps.spec.refreshInterval);
    return intervalMs > 0 ? { requeueAfterMs: jitter(intervalMs, 0.1, this.#random) } : {};
  }

  /**
   * The source Secrets: the one `selector.secret.name` names, or every Secret of the namespace that
   * `selector.secret.selector` selects, by name (the API's list order, which is ESO's push order). Not ok
   * when the named Secret does not exist, or the selector selects none while earlier syncs pushed something.
   */
  async #sources(
    ps: PushSecret,
    namespace: string,
    signal?: AbortSignal,
  ): Promise<{ ok: true; sources: Source[]; bySelector: boolean } | { ok: false; missing: string }> {
    const secret = ps.spec.selector.secret!;
    if (secret.name) {
      const found = await this.#deps.getSourceSecret(namespace, secret.name, signal);
      if (!found) return { ok: false, missing: `Secret ${secret.name} not found` };
      return { ok: true, sources: [{ name: secret.name, data: sourceDataOf(found) }], bySelector: false };
    }
    const listed = await this.#deps.listSourceSecrets(namespace, secret.selector ?? {}, signal);
    const sources = listed
      .map((s) => ({ name: s.metadata?.name ?? "", data: sourceDataOf(s) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // ESO reports an empty selection as synced and forgets what it pushed (so a later Delete policy cannot
    // clean it up); Ferry keeps the record and says so.
    if (sources.length === 0 && Object.keys(ps.status?.syncedPushSecrets ?? {}).some((k) => Object.keys(ps.status!.syncedPushSecrets![k] ?? {}).length > 0)) {
      return { ok: false, missing: "no Secret matches selector.secret.selector" };
    }
    return { ok: true, sources, bySelector: true };
  }

  async #plan(ps: PushSecret, sources: readonly Source[], namespace: string): Promise<{ plan: Sourced[]; storeKeys: StoreKey[]; handles: Handles }> {
    const stores = ps.spec.secretStoreRefs.flatMap((ref) => this.#deps.resolveStores(ref, namespace));
    const dataStores = [...stores];
    const blocks = (ps.spec.dataTo ?? []).map((block) => ({ block, stores: this.#deps.resolveStores(block.storeRef!, namespace) }));
    for (const b of blocks) stores.push(...b.stores);
    const perSource: Sourced[][] = [];
    for (const source of sources) {
      const plan = planPushes(ps.spec.data ?? [], dataStores);
      for (const [i, { block, stores: blockStores }] of blocks.entries()) {
        let entries;
        try {
          entries = await dataToEntries(block, [...source.data.keys()], this.#deps.transformKeys);
        } catch (err) {
          if (err instanceof RewriteError || err instanceof RewriteNotSupportedError) throw new DataToError(`dataTo[${i}]: rewrite failed: ${err.message}`, { cause: err });
          throw err;
        }
        plan.push(...planPushes(entries, blockStores));
      }
      perSource.push(plan.map((item) => ({ item, source: source.name, data: source.data })));
    }
    const handles = new Map(stores.map((s) => [storeKeyOf(s), s]));
    return { plan: mergeSourcedPushes(perSource), storeKeys: [...handles.values()].map((s) => ({ kind: s.kind, name: s.name })), handles };
  }

  async #push(ps: PushSecret, status: PushSecretStatus | undefined, plan: readonly Sourced[], handles: Handles, signal?: AbortSignal): Promise<Outcome> {
    const namespace = ps.metadata.namespace ?? "";
    const pushed: PlannedPush[] = [];
    let wrote = 0;
    for (const { item, data } of plan) {
      const store = handles.get(item.storeKey)!;
      try {
        const target = await this.#deps.targetFor(store, namespace);
        const result = await target.push(
          item.entry,
          data,
          { createOnly: ps.spec.updatePolicy === "IfNotExists", expectExisting: wasSynced(status, item.storeKey, item.statusKey), previous: status?.syncedPushSecrets?.[item.storeKey]?.[item.statusKey] },
          signal,
        );
        if (result.outcome !== "unchanged" && result.outcome !== "exists") wrote++;
        this.#logger.debug({ pushSecret: `${namespace}/${ps.metadata.name}`, store: item.storeKey, remoteKey: item.statusKey, outcome: result.outcome, calls: result.calls }, "pushed");
        pushed.push(item);
      } catch (err) {
        const key = item.entry.match.secretKey ?? "";
        return { pushed, wrote, error: { message: `could not write remote ref ${key} to target secretstore ${item.store.name}: ${errorMessage(err)}`, cause: err } };
      }
    }
    return { pushed, wrote };
  }

  /** Deletes what `previous` records and `current` no longer pushes; on failure, what is still recorded. */
  async #deleteRemoved(
    ps: PushSecret,
    previous: SyncedPushSecrets | undefined,
    current: SyncedPushSecrets,
    handles: Handles,
    signal?: AbortSignal,
  ): Promise<{ message: string; cause: unknown; remaining: SyncedPushSecrets } | undefined> {
    const namespace = ps.metadata.namespace ?? "";
    const remaining = mergeSynced(current, previous);
    for (const d of planDeletions(previous, current)) {
      try {
        const store = handles.get(d.storeKey) ?? this.#deps.lookupStore(d.store, namespace);
        const target = await this.#deps.targetFor(store, namespace);
        const result = await target.delete(d.entry, signal);
        this.#logger.info({ pushSecret: `${namespace}/${ps.metadata.name}`, store: d.storeKey, remoteKey: d.statusKey, outcome: result.outcome, deletionDate: result.deletionDate?.toISOString(), calls: result.calls }, "deleted what the PushSecret no longer pushes");
        // Every entry of the same remote secret is gone with it.
        for (const [key, entry] of Object.entries(remaining[d.storeKey] ?? {})) {
          if (entry.match.remoteRef.remoteKey === d.entry.match.remoteRef.remoteKey && !Object.hasOwn(current[d.storeKey] ?? {}, key)) delete remaining[d.storeKey]![key];
        }
        if (remaining[d.storeKey] && Object.keys(remaining[d.storeKey]!).length === 0 && !Object.hasOwn(current, d.storeKey)) delete remaining[d.storeKey];
      } catch (err) {
        return { message: `could not delete remote ref ${d.statusKey} from store ${d.store.name}: ${errorMessage(err)}`, cause: err, remaining };
      }
    }
    return undefined;
  }

  async #fail(raw: KubeObject, status: PushSecretStatus | undefined, message: string, synced?: SyncedPushSecrets): Promise<void> {
    await this.#writeStatus(raw, status, {
      condition: { type: "Ready", status: "False", reason: PushSecretReason.Errored, message },
      synced,
      event: { type: "Warning", reason: PushSecretReason.Errored, message },
    });
  }

  async #writeStatus(
    raw: KubeObject,
    status: PushSecretStatus | undefined,
    next: {
      condition: Omit<Condition, "lastTransitionTime">;
      synced?: SyncedPushSecrets | undefined;
      syncedResourceVersion?: string | undefined;
      refreshed?: boolean;
      changed?: boolean;
      event?: { type: "Normal" | "Warning"; reason: string; message: string } | undefined;
    },
  ): Promise<void> {
    const now = new Date(this.#now());
    const conditions = setCondition(status?.conditions, next.condition, now);
    const conditionChanged = !sameConditions(status?.conditions, conditions);
    const syncedChanged = next.synced !== undefined && canonicalJson(next.synced) !== canonicalJson(status?.syncedPushSecrets ?? {});
    const versionChanged = next.syncedResourceVersion !== undefined && next.syncedResourceVersion !== status?.syncedResourceVersion;
    const target: EventTarget = { apiVersion: "external-secrets.io/v1alpha1", kind: "PushSecret", name: raw.metadata?.name ?? "", namespace: raw.metadata?.namespace, uid: raw.metadata?.uid };
    if (next.event && (conditionChanged || next.changed)) this.#deps.events.event(target, next.event.type, next.event.reason, next.event.message);
    if (!conditionChanged && !syncedChanged && !versionChanged && !next.changed) return;
    const patch: Record<string, unknown> = { conditions };
    if (next.synced !== undefined) patch.syncedPushSecrets = syncedPatch(status?.syncedPushSecrets, next.synced);
    if (next.syncedResourceVersion !== undefined) patch.syncedResourceVersion = next.syncedResourceVersion;
    if (next.refreshed) patch.refreshTime = now.toISOString().replace(/\.\d{3}Z$/, "Z");
    await this.#deps.patchStatus({ namespace: raw.metadata?.namespace ?? "", name: raw.metadata?.name ?? "" }, patch);
  }
}

/** JSON with object keys sorted: the apiserver hands maps back in its own key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** A `dataTo` block could not be expanded (its rewrite failed): the spec must change. */
class DataToError extends Error {
  override readonly name = "DataToError";
}

/** The first `data[]` key a selected Secret lacks (after its conversion strategy), as ESO words it plus the Secret. */
function missingKey(data: readonly PushSecretData[], sources: readonly Source[]): string | undefined {
  for (const source of sources) {
    for (const entry of data) {
      const key = entry.match.secretKey;
      if (!key) continue;
      try {
        if (!reverseKeys(source.data, entry.conversionStrategy).has(key)) return `Secret ${source.name}: secret key ${key} does not exist`;
      } catch (err) {
        if (err instanceof MissingKeyError) return `Secret ${source.name}: ${err.message}`;
        throw err;
      }
    }
  }
  return undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export type { PushSecretData };
