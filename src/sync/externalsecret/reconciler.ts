import type { V1Secret } from "@kubernetes/client-node";
import { KubeApiError } from "../../runtime/kube/api-error.ts";
import type { ExternalSecret } from "../../apis/external-secret.ts";
import type { Capabilities } from "../../providers/provider.ts";
import { parseDuration } from "../../apis/duration.ts";
import { TerminalError } from "../../runtime/controller.ts";
import type { EventRecorder } from "../../runtime/event-recorder.ts";
import { findCondition, sameConditions, setCondition, type Condition } from "../conditions.ts";
import { dataHash } from "../data-hash.ts";
import { DATA_HASH_ANNOTATION, MANAGED_LABEL, desiredSecret, fieldManagerFor, type DesiredSecret } from "../desired-secret.ts";
import { nextRefreshDelayMs, refreshDecision, refreshWindow, renewAtMs, type RefreshInput, type RefreshWindow, type RenewalSettings, type TargetState } from "../refresh-policy.ts";
import { readsStore, resolveRemoteData, type PayloadReader, type ValueTransforms } from "../remote-data.ts";
import type { GeneratorRunner } from "../../generators/registry.ts";
import { generatorRefProblems, runGenerators } from "../generated-data.ts";
import { syncedResourceVersion } from "../synced-resource-version.ts";
import type { ReconcileStages, RemoteChangeTiming, RemoteChanges } from "./remote-changes.ts";
import { sharedTemplateEngine } from "../../lib/gotemplate/index.ts";
import {
  hasTemplateSources,
  NO_TEMPLATE_SOURCES,
  renderTemplate,
  templateSourceRefs,
  TemplateRenderError,
  unsupportedTargetFields,
  type TemplateRenderer,
  type TemplateSourceRefs,
  type TemplateSources,
} from "../template/index.ts";
import { RenderInputs } from "./render-inputs.ts";

export const EXTERNAL_SECRET_API_VERSION = "external-secrets.io/v1";

/** A store an ExternalSecret may use, resolved from the caches with its namespace rules already checked. */
export interface ResolvedStore {
  kind: "SecretStore" | "ClusterSecretStore";
  name: string;
  namespace?: string | undefined;
  uid: string;
  generation: number;
  capabilities: Capabilities;
}

/** Why an ExternalSecret cannot use its store; the message goes to status and Events as is. */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
}

/** The target Secret is in a state the sync cannot write over (another owner, immutable): retried. */
export class TargetConflictError extends Error {
  override readonly name = "TargetConflictError";
}

/** The ExternalSecret's spec is invalid: retrying cannot help until the spec changes (no requeue). */
export class InvalidSpecError extends TerminalError {
  constructor(message: string) {
    super(message);
    this.name = "InvalidSpecError";
  }
}

export interface ExternalSecretStatusUpdate {
  conditions: Condition[];
  refreshTime?: string | undefined;
  syncedResourceVersion?: string | undefined;
  binding?: { name: string } | undefined;
}

/** Everything the reconciler reads and writes, injected (informer caches and API calls in production). */
export interface ExternalSecretReconcilerDeps {
  /**
   * The ExternalSecret from the informer cache, parsed with defaults; when it does not parse, the problems
   * (field paths and messages) and the status it has now.
   */
  getExternalSecret(namespace: string, name: string): ExternalSecret | InvalidExternalSecret | undefined;
  resolveStore(es: ExternalSecret): ResolvedStore;
  /**
   * The provider reader for a store as used by this ExternalSecret (credentials and clients cached inside;
   * the requester lets the reader fill its batch with other ExternalSecrets' reads).
   */
  readerFor(store: ResolvedStore, requester: { namespace: string; name: string }, signal?: AbortSignal): Promise<PayloadReader>;
  /** Whether values were read ahead for this ExternalSecret at its current version (the reader then uses them). */
  hasPrefetched?: ((es: ExternalSecret) => boolean) | undefined;
  /** Change events not yet read (remote-changes.ts): a pending one refreshes now; a successful sync settles it. */
  remoteChanges?: RemoteChanges | undefined;
  /** How long after a change event its ExternalSecret's Secret was synced (event-to-Secret latency), by stage. */
  onRemoteChangeSynced?: ((timing: RemoteChangeTiming, request: { namespace: string; name: string }) => void) | undefined;
  /** The refresh interval to apply instead of the spec's ("namespace/name", spec ms); change events may stretch it. */
  refreshIntervalFor?: ((key: string, specMs: number) => number) | undefined;
  /**
   * Plans the next periodic refresh inside `window` into a refresh group of the ExternalSecret's provider
   * client (batch-aware scheduling, ADR 14) and returns its time (epoch ms); undefined when it cannot be
   * grouped (no client yet), and the refresh is then jittered on its own.
   */
  planRefresh?: ((es: ExternalSecret, window: RefreshWindow) => Promise<number | undefined>) | undefined;
  /** Whether the refresh group the ExternalSecret was planned in is due now (it refreshes with it). */
  groupDue?: ((es: ExternalSecret) => boolean) | undefined;
  /**
   * When the values this reconcile used were read (a batch that read ahead for it may have gone out before
   * the reconcile started): the next refresh is planned from then, so a group read in one batch stays whole.
   */
  valuesReadAt?: ((request: { namespace: string; name: string }) => number | undefined) | undefined;
  transforms: ValueTransforms;
  /** Renders target.template; the process-wide engine (started on first use) when not given. */
  templates?: TemplateRenderer | undefined;
  /** templateFrom ConfigMaps and Secrets (TemplateSourceCache); without it, an ExternalSecret using them fails. */
  templateSources?: TemplateSourceReader | undefined;
  secrets: {
    /**
     * The Secret from the managed-Secret cache, else from the API. With `cacheOnly`, a Secret not in the cache
     * is reported absent without an API call (the caller confirms with a plain get before relying on that).
     */
    get(namespace: string, name: string, signal?: AbortSignal, options?: { cacheOnly?: boolean }): Promise<V1Secret | undefined>;
    create(secret: V1Secret, fieldManager: string, signal?: AbortSignal): Promise<void>;
    update(secret: V1Secret, fieldManager: string, signal?: AbortSignal): Promise<void>;
    delete(namespace: string, name: string, uid: string, signal?: AbortSignal): Promise<void>;
  };
  /** Every call takes the reconcile's signal: a stopping controller cuts them instead of waiting out their deadline. */
  writeStatus(target: { namespace: string; name: string }, status: ExternalSecretStatusUpdate, signal?: AbortSignal): Promise<void>;
  events: EventRecorder;
  now(): number;
  random?: (() => number) | undefined;
  /** Runs generatorRefs (src/generators); without it an ExternalSecret using one gets a clear error. */
  generators?: GeneratorRunner | undefined;
  /** When expiring generated values (ECR tokens) are renewed; DEFAULT_RENEWAL when absent. */
  renewal?: RenewalSettings | undefined;
  /** Called once per reconcile that read the provider, for sync metrics. */
  onSync?: ((es: ExternalSecret, outcome: "success" | "error") => void) | undefined;
}

/** Reads templateFrom sources and tells when they changed (TemplateSourceCache). */
export interface TemplateSourceReader {
  use(user: string, namespace: string, refs: TemplateSourceRefs): void;
  fingerprint(namespace: string, refs: TemplateSourceRefs): string | undefined;
  read(namespace: string, refs: TemplateSourceRefs, signal?: AbortSignal): Promise<{ sources: TemplateSources; fingerprint: string }>;
}

export interface InvalidExternalSecret {
  invalid: string;
  uid?: string | undefined;
  conditions?: Condition[] | undefined;
}

export interface ReconcileOutcome {
  requeueAfterMs?: number;
}

const READY = "Ready";
/** ESO's exact message for a Merge target that does not exist (externalsecret_controller.go, msgMissing). */
export const MSG_SECRET_MISSING = "secret will not be created due to CreationPolicy=Merge";

/**
 * Reconciles one ExternalSecret from current state (controller-runtime style: the request names the object,
 * never the event). Provider errors never touch the existing Secret: the status and a Warning Event say what
 * failed and the error is rethrown so the queue retries with backoff (ESO's contract, which users rely on).
 */
export class ExternalSecretReconciler {
  readonly #deps: ExternalSecretReconcilerDeps;
  /**
   * The status this reconciler last wrote, per ExternalSecret. Its own Secret write re-enqueues the
   * ExternalSecret before the informer has seen the status write; without this the stale cache says "never
   * synced" and every first sync would read the provider twice.
   */
  readonly #lastSync = new Map<string, { uid: string | undefined; refreshTime: string; syncedResourceVersion: string }>();
  /** Provider data of ExternalSecrets with templateFrom sources, so a source change re-renders without AWS. */
  readonly #renderInputs = new RenderInputs();

  constructor(deps: ExternalSecretReconcilerDeps) {
    this.#deps = deps;
  }

  async reconcile(request: { namespace: string; name: string }, signal?: AbortSignal): Promise<ReconcileOutcome> {
    const d = this.#deps;
    let es = d.getExternalSecret(request.namespace, request.name);
    if (es === undefined) return {}; // Deleted: an Owner Secret goes with it through garbage collection.
    if ("invalid" in es) return this.#reportInvalid(request, es);
    if (es.metadata.deletionTimestamp) return {};
    es = this.withLastSync(es);

    const now = d.now();
    const { namespace, name } = request;
    const spec = es.spec;
    const targetName = spec.target.name ?? name;
    const creationPolicy = spec.target.creationPolicy;
    const deletionPolicy = spec.target.deletionPolicy;
    // A target this policy would create when absent is looked up in the managed-Secret cache only: a new
    // ExternalSecret's target is not there, and a GET that answers 404 was one of four API requests of every
    // first sync (issue #16). Absent from the cache, the refresh decision is the same as for an unmanaged
    // Secret (both refresh); the create then finds out (AlreadyExists), and every path that needs the live
    // Secret (the write, Delete, Retain) confirms it with a GET first (`confirmedTarget`).
    let existing = await d.secrets.get(namespace, targetName, signal, { cacheOnly: createsWhenAbsent(creationPolicy) });
    let assumedAbsent = existing === undefined && createsWhenAbsent(creationPolicy);
    const confirmedTarget = async () => {
      if (assumedAbsent) {
        existing = await d.secrets.get(namespace, targetName, signal);
        assumedAbsent = false;
      }
      return existing;
    };
    const input = refreshInputFor(es, existing, now, d.renewal);
    if (d.refreshIntervalFor) input.refreshIntervalMs = d.refreshIntervalFor(`${namespace}/${name}`, input.refreshIntervalMs);
    const { refreshPolicy, refreshIntervalMs, lastRefreshMs, currentResourceVersion: currentVersion } = input;
    const changeKey = `${namespace}/${name}`;
    const change = d.remoteChanges?.pending(changeKey);
    const decision = refreshDecision({ ...input, prefetched: d.hasPrefetched?.(es) ?? false, groupDue: d.groupDue?.(es) ?? false, remoteChanged: change !== undefined });
    // Where a change event's time goes (debug log and metrics), noted only while one is pending.
    const stages: ReconcileStages | undefined = change && d.remoteChanges ? { started: d.remoteChanges.monotonic() } : undefined;
    const stage = (name: "read" | "written") => {
      if (stages) stages[name] = d.remoteChanges!.monotonic();
    };
    const synced = () => {
      d.onSync?.(es, "success");
      const timing = change && d.remoteChanges?.settle(changeKey, change, stages);
      if (timing !== undefined) d.onRemoteChangeSynced?.(timing, request);
    };
    const planned = es;
    // The next refresh is planned from when the values were read, when a batch read them ahead of this reconcile.
    const readBasis = () => Math.min(now, d.valuesReadAt?.(request) ?? now);
    const requeue = async (last: number | undefined, valuesExpireAtMs = input.valuesExpireAtMs): Promise<ReconcileOutcome> => {
      const timing = { refreshPolicy, refreshIntervalMs, lastRefreshMs: last, now };
      const window = refreshWindow(timing);
      if (!window) return {};
      const at = d.planRefresh ? await d.planRefresh(planned, window).catch(() => undefined) : undefined;
      let after = at === undefined ? nextRefreshDelayMs(timing, d.random) : Math.max(0, at - d.now());
      // Expiring generated values (ECR tokens) come back on time, whatever the plan.
      const renewAt = renewAtMs({ ...timing, lastRefreshMs: last ?? now, valuesExpireAtMs, renewal: d.renewal });
      if (renewAt !== undefined && after !== undefined) after = Math.min(after, Math.max(0, renewAt - d.now()));
      return after === undefined ? {} : { requeueAfterMs: after };
    };
    const sourceRefs = templateSourceRefs(spec.target.template);
    d.templateSources?.use(`${namespace}/${name}`, namespace, sourceRefs);
    // A templateFrom ConfigMap or Secret changed since the last render: render again, from the provider data
    // kept for that, without reading the provider (ESO waits for the next refresh).
    const rerender = decision.refresh ? undefined : this.#sourceChange(es, sourceRefs, currentVersion);
    // A policy that never re-reads on its own (OnChange, CreatedOnce) drops the change.
    if (!decision.refresh && change) d.remoteChanges?.forget(changeKey);
    if (!decision.refresh && rerender === undefined) return requeue(lastRefreshMs);

    let phase: FailurePhase = "store";
    try {
      const unsupported = unsupportedTargetFields(spec);
      if (unsupported.length > 0) throw new InvalidSpecError(unsupported.map((u) => `${u.path}: ${u.message}`).join("; "));
      const badRefs = generatorRefProblems(spec);
      if (badRefs.length > 0) throw new InvalidSpecError(badRefs.join("; "));
      let resolved: { data: Map<string, Uint8Array>; missing: string[] };
      // When generated values expire: the new ones', or, on a re-render from kept data, the last sync's.
      let expiresAtMs: number | undefined;
      if (rerender?.data) {
        resolved = { data: new Map(rerender.data), missing: [] };
        expiresAtMs = input.valuesExpireAtMs;
      } else {
        // An ExternalSecret whose every entry is generated needs no store (ESO looks stores up per entry).
        const store = readsStore(spec) ? d.resolveStore(es) : undefined;
        phase = "provider";
        const reader = store ? await d.readerFor(store, request, signal) : NO_STORE;
        const generated = await runGenerators(spec, namespace, d.generators, signal);
        resolved = await resolveRemoteData(spec, reader, d.transforms, deletionPolicy, generated);
        expiresAtMs = generated.expiresAtMs;
        stage("read");
      }
      const refreshedAt = rerender?.data ? (lastRefreshMs ?? now) : now;
      for (const key of resolved.missing) {
        d.events.event(ref(es, request), "Normal", "MissingProviderSecret", `secret ${key} is missing in the provider (deletionPolicy ${deletionPolicy})`);
      }

      if (resolved.data.size === 0 && deletionPolicy !== "Merge") await confirmedTarget();
      if (resolved.data.size === 0 && deletionPolicy === "Delete") {
        const ours = existing?.metadata?.ownerReferences?.some((r) => r.controller && r.uid === es.metadata.uid);
        if (existing && ours) {
          await d.secrets.delete(namespace, targetName, existing.metadata!.uid!, signal);
          d.events.event(ref(es, request), "Normal", "Deleted", `deleted Secret ${targetName}: no data left in the provider (deletionPolicy Delete)`);
        }
        await this.#markReady(es, "SecretDeleted", "secret deleted due to DeletionPolicy=Delete", now, currentVersion, targetName, signal);
        synced();
        return requeue(readBasis());
      }
      if (resolved.data.size === 0 && deletionPolicy === "Retain" && existing) {
        await this.#markReady(es, "SecretSynced", "secret retained due to DeletionPolicy=Retain", now, currentVersion, targetName, signal);
        synced();
        return requeue(readBasis());
      }

      phase = "write";
      if (creationPolicy !== "None") {
        // A template that fails leaves the Secret exactly as it is: nothing is written before this succeeds.
        const sources = await this.#readSources(es, sourceRefs, resolved.data, currentVersion, signal);
        const render = (target: V1Secret | undefined) => renderedSecretOf(es, { namespace, name }, resolved.data, target, d.templates ?? sharedTemplateEngine(), sources, {
          [GENERATED_EXPIRY_ANNOTATION]: expiresAtMs === undefined ? undefined : expiryAnnotationValue(expiresAtMs),
        });
        let desired = await render(existing);
        const manager = fieldManagerFor(name);
        if (desired.ok && desired.changed && !existing && assumedAbsent) {
          // Not in the cache: create it, and only when it exists after all (unlabelled, or the cache lags
          // behind), read it and decide again from the live Secret.
          try {
            await d.secrets.create(desired.secret, manager, signal);
            d.events.event(ref(es, request), "Normal", "Created", `created Secret ${targetName}`);
            desired = { ok: true, secret: desired.secret, changed: false };
          } catch (err) {
            if (!isAlreadyExists(err)) throw err;
            desired = await render(await confirmedTarget());
          }
        }
        if (!desired.ok) {
          if (desired.reason === "TargetMissing") {
            // ESO waits for a Merge target without failing the app's health: Ready=True / SecretMissing, the
            // refresh recorded, a look again at the next interval (pkg/controllers/externalsecret,
            // externalsecret_controller.go, CreatePolicyMerge → markAsDone(ConditionReasonSecretMissing)).
            await this.#markReady(es, "SecretMissing", MSG_SECRET_MISSING, now, currentVersion, undefined, signal);
            synced();
            return requeue(readBasis());
          }
          // OwnedByAnother / Immutable are the target's state, not the spec's: the other owner may let go,
          // the immutable Secret may be deleted. ESO returns the error and requeues with backoff
          // (pkg/controllers/externalsecret: ErrSecretIsOwned), so a retry heals it without a spec edit.
          throw new TargetConflictError(desired.message);
        }
        if (desired.changed) {
          if (existing) await d.secrets.update(desired.secret, manager, signal);
          else await d.secrets.create(desired.secret, manager, signal);
          stage("written");
          d.events.event(ref(es, request), "Normal", existing ? "Updated" : "Created", `${existing ? "updated" : "created"} Secret ${targetName}`);
        }
      }
      await this.#markReady(es, "SecretSynced", "secret synced", refreshedAt, currentVersion, targetName, signal);
      if (!rerender?.data) synced();
      // A re-render keeps the last refresh's plan; a read plans from when its values were read.
      return requeue(rerender?.data ? refreshedAt : readBasis(), creationPolicy === "None" ? undefined : expiresAtMs);
    } catch (err) {
      if (!rerender?.data) d.onSync?.(es, "error");
      const message = failureMessage(phase, err);
      // Not the reconcile's signal: when it aborted (shutdown), the status still says why the sync stopped,
      // within the call's own deadline.
      await this.#setStatus(es, { type: READY, status: "False", reason: "SecretSyncedError", message }, {}).catch(() => undefined);
      d.events.event(ref(es, request), "Warning", "UpdateFailed", message);
      throw err;
    }
  }

  /** An ExternalSecret that does not parse: say why in status and an Event, and wait for the spec to change. */
  async #reportInvalid(request: { namespace: string; name: string }, invalid: InvalidExternalSecret): Promise<never> {
    const d = this.#deps;
    const message = `invalid ExternalSecret: ${invalid.invalid}`;
    const conditions = setCondition(invalid.conditions, { type: READY, status: "False", reason: "SecretSyncedError", message }, new Date(d.now()));
    if (!sameConditions(conditions, invalid.conditions)) {
      await d.writeStatus(request, { conditions });
      d.events.event({ apiVersion: EXTERNAL_SECRET_API_VERSION, kind: "ExternalSecret", ...request, uid: invalid.uid }, "Warning", "UpdateFailed", message);
    }
    throw new InvalidSpecError(message);
  }

  /** Ready=True with the refresh recorded; `targetName` undefined when there is no Secret to bind (SecretMissing). */
  async #markReady(es: ExternalSecret, reason: string, message: string, now: number, version: string, targetName: string | undefined, signal: AbortSignal | undefined): Promise<void> {
    const refreshTime = new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z");
    const binding = targetName === undefined ? {} : { binding: { name: targetName } };
    await this.#setStatus(es, { type: READY, status: "True", reason, message }, { refreshTime, syncedResourceVersion: version, ...binding }, signal);
    this.#lastSync.set(`${es.metadata.namespace}/${es.metadata.name}`, { uid: es.metadata.uid, refreshTime, syncedResourceVersion: version });
  }

  /** The ExternalSecret with the newest sync status known: the cache's, or the one this reconciler wrote since. */
  withLastSync(es: ExternalSecret): ExternalSecret {
    const key = `${es.metadata.namespace}/${es.metadata.name}`;
    const last = this.#lastSync.get(key);
    if (!last) return es;
    const cached = es.status?.refreshTime ? String(es.status.refreshTime) : "";
    if (last.uid !== es.metadata.uid || cached > last.refreshTime) {
      this.#lastSync.delete(key);
      return es;
    }
    if (cached === last.refreshTime && es.status?.syncedResourceVersion === last.syncedResourceVersion) return es;
    return { ...es, status: { ...es.status, refreshTime: last.refreshTime, syncedResourceVersion: last.syncedResourceVersion } };
  }

  /** Forgets a deleted ExternalSecret. */
  forget(namespace: string, name: string): void {
    this.#lastSync.delete(`${namespace}/${name}`);
    this.#renderInputs.forget(`${namespace}/${name}`);
  }

  /**
   * Whether the templateFrom sources changed since the last render: undefined when not (or not known yet);
   * the provider data to render again from when it is kept; `{}` when it is not (refresh from the provider).
   */
  #sourceChange(es: ExternalSecret, refs: TemplateSourceRefs, version: string): { data?: ReadonlyMap<string, Uint8Array> } | undefined {
    const sources = this.#deps.templateSources;
    if (!sources || !hasTemplateSources(refs)) return undefined;
    const key = `${es.metadata.namespace}/${es.metadata.name}`;
    const current = sources.fingerprint(es.metadata.namespace ?? "", refs);
    if (current === undefined) return undefined;
    const last = this.#renderInputs.get(key);
    if (!last || last.uid !== es.metadata.uid || last.version !== version) {
      // Nothing rendered by this process yet (a restart): what the watches see now is the baseline.
      this.#renderInputs.set(key, { uid: es.metadata.uid ?? "", version, fingerprint: current });
      return undefined;
    }
    if (last.fingerprint === current) return undefined;
    return last.data ? { data: last.data } : {};
  }

  /** The templateFrom sources for a render, remembered with the provider data they are rendered with. */
  async #readSources(es: ExternalSecret, refs: TemplateSourceRefs, data: ReadonlyMap<string, Uint8Array>, version: string, signal: AbortSignal | undefined): Promise<TemplateSources> {
    if (!hasTemplateSources(refs)) return NO_TEMPLATE_SOURCES;
    const reader = this.#deps.templateSources;
    if (!reader) throw new InvalidSpecError("spec.target.template.templateFrom: this process does not read ConfigMaps or Secrets for templates");
    const namespace = es.metadata.namespace ?? "";
    const { sources, fingerprint } = await reader.read(namespace, refs, signal);
    this.#renderInputs.set(`${namespace}/${es.metadata.name}`, { uid: es.metadata.uid ?? "", version, fingerprint, data });
    return sources;
  }

  /** Writes status only when something changes: a status write is an API call and a watch event for everyone. */
  async #setStatus(es: ExternalSecret, ready: Omit<Condition, "lastTransitionTime">, fields: Omit<ExternalSecretStatusUpdate, "conditions">, signal?: AbortSignal): Promise<void> {
    const conditions = setCondition(es.status?.conditions, ready, new Date(this.#deps.now()));
    const unchanged =
      sameConditions(conditions, es.status?.conditions) &&
      (fields.refreshTime === undefined || fields.refreshTime === String(es.status?.refreshTime ?? "")) &&
      (fields.syncedResourceVersion === undefined || fields.syncedResourceVersion === es.status?.syncedResourceVersion);
    if (unchanged) return;
    await this.#deps.writeStatus({ namespace: es.metadata.namespace ?? "", name: es.metadata.name ?? "" }, { conditions, ...fields }, signal);
  }
}

/**
 * The Secret an ExternalSecret produces from the provider data and the live Secret, target.template applied:
 * the one path shared by the reconciler and `ferry render`. Throws TemplateRenderError when a template fails.
 */
export async function renderedSecretOf(
  es: ExternalSecret,
  at: { namespace: string; name: string },
  providerData: ReadonlyMap<string, Uint8Array>,
  existing: V1Secret | undefined,
  engine: TemplateRenderer,
  sources: TemplateSources = NO_TEMPLATE_SOURCES,
  ferryAnnotations?: Readonly<Record<string, string | undefined>>,
): Promise<DesiredSecret> {
  const template = es.spec.target.template;
  if (!template) return desiredSecretOf(es, at, providerData, existing, undefined, ferryAnnotations);
  const rendered = await renderTemplate(template, providerData, engine, sources);
  return desiredSecretOf(es, at, rendered.data, existing, { labels: rendered.labels, annotations: rendered.annotations }, ferryAnnotations);
}

/**
 * The Secret an ExternalSecret produces from its final data (templates already applied) and the live Secret:
 * the one mapping from spec to desiredSecret's input. `templated` is the metadata the templates rendered.
 */
export function desiredSecretOf(
  es: ExternalSecret,
  at: { namespace: string; name: string },
  data: ReadonlyMap<string, Uint8Array>,
  existing: V1Secret | undefined,
  templated?: { labels: Record<string, string>; annotations: Record<string, string> },
  ferryAnnotations?: Readonly<Record<string, string | undefined>>,
): DesiredSecret {
  const { target } = es.spec;
  return desiredSecret({
    owner: {
      apiVersion: EXTERNAL_SECRET_API_VERSION,
      kind: "ExternalSecret",
      name: at.name,
      namespace: at.namespace,
      uid: es.metadata.uid ?? "",
      labels: es.metadata.labels,
      annotations: es.metadata.annotations,
    },
    targetName: target.name ?? at.name,
    creationPolicy: target.creationPolicy,
    type: target.template?.type,
    // Rendered, never the raw template text (ESO renders labels and annotations as templates too).
    templateMetadata: target.template ? (templated ?? { labels: {}, annotations: {} }) : undefined,
    hasTemplate: target.template !== undefined,
    immutable: target.immutable ?? false,
    data,
    existing,
    ferryAnnotations,
  });
}

/** What the refresh policies need about an ExternalSecret and its target, at `now`. */
export function refreshInputFor(es: ExternalSecret, existing: V1Secret | undefined, now: number, renewal?: RenewalSettings): RefreshInput {
  return {
    valuesExpireAtMs: expiryOf(existing),
    renewal,
    refreshPolicy: es.spec.refreshPolicy ?? "Periodic",
    refreshIntervalMs: durationMs(es.spec.refreshInterval),
    lastRefreshMs: es.status?.refreshTime ? Date.parse(String(es.status.refreshTime)) : undefined,
    syncedResourceVersion: es.status?.syncedResourceVersion,
    currentResourceVersion: syncedResourceVersion(es.metadata),
    target: targetState(existing),
    creationPolicy: es.spec.target.creationPolicy,
    now,
  };
}

/** Whether an ExternalSecret would refresh within `horizonMs` from `now` (a read-ahead companion). */
export function dueWithin(es: ExternalSecret, existing: V1Secret | undefined, now: number, horizonMs: number): boolean {
  return refreshDecision({ ...refreshInputFor(es, existing, now), now: now + horizonMs }).refresh;
}

/**
 * Where the expiry of generated values is kept between refreshes and across restarts: an annotation on the
 * target Secret (a time, not a value; status would need a field ESO does not have).
 */
export const GENERATED_EXPIRY_ANNOTATION = "ferry.dev/generated-values-expire-at";

export function expiryAnnotationValue(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function expiryOf(secret: V1Secret | undefined): number | undefined {
  const text = secret?.metadata?.annotations?.[GENERATED_EXPIRY_ANNOTATION];
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Creation policies that create the target when it does not exist (Merge and None never do). */
function createsWhenAbsent(policy: string): boolean {
  return policy === "Owner" || policy === "Orphan" || policy === "CreateOrMerge";
}

function isAlreadyExists(err: unknown): boolean {
  return err instanceof KubeApiError && err.statusCode === 409 && err.reason === "AlreadyExists";
}

/** The reader of an ExternalSecret that reads no store: asked for nothing (resolveRemoteData skips empty reads). */
const NO_STORE: PayloadReader = {
  read: async () => new Map(),
  find: async () => {
    throw new Error("no store to search");
  },
};

function targetState(secret: V1Secret | undefined): TargetState {
  if (!secret) return { exists: false };
  return {
    exists: true,
    managed: secret.metadata?.labels?.[MANAGED_LABEL] === "true",
    hashMatches: secret.metadata?.annotations?.[DATA_HASH_ANNOTATION] === dataHash(secret.data),
  };
}

function ref(es: ExternalSecret, request: { namespace: string; name: string }) {
  return { apiVersion: EXTERNAL_SECRET_API_VERSION, kind: "ExternalSecret", name: request.name, namespace: request.namespace, uid: es.metadata.uid };
}

export type FailurePhase = "store" | "provider" | "write";

/**
 * The condition and Event text for a failure: ESO's prefixes (alerts match on them) and the cause. Provider
 * errors name keys and error codes, never values, by contract; Kubernetes API errors are reduced to code,
 * reason and message, never the response body (it may echo the Secret).
 */
export function failureMessage(phase: FailurePhase, err: unknown): string {
  if (err instanceof StoreUnavailableError || err instanceof InvalidSpecError || err instanceof TargetConflictError) return err.message;
  // ESO: "could not update secret" wrapping "could not apply template: …" (externalsecret_controller.go).
  if (err instanceof TemplateRenderError) return `could not update secret: ${err.message}`;
  const cause = describeError(err);
  return phase === "write" ? `could not update secret: ${cause}` : `could not get secret data from provider: ${cause}`;
}

export function describeError(err: unknown): string {
  if (err instanceof KubeApiError) return `${err.statusCode}${err.reason ? ` ${err.reason}` : ""}${err.statusMessage ? `: ${err.statusMessage}` : ""}`;
  return err instanceof Error ? err.message || err.name : String(err);
}

/** refreshInterval as milliseconds (Go duration; the schema has checked it). 0 or unset: sync once. */
export function durationMs(value: string | undefined): number {
  if (!value) return 0;
  try {
    return Math.max(0, Math.round(parseDuration(value)));
  } catch {
    return 0;
  }
}

export { findCondition };
