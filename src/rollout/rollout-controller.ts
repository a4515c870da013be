import { randomBytes } from "node:crypto";
import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import { realClock, type Clock } from "../runtime/clock.ts";
import { Controller, type ReconcileResult, type Request } from "../runtime/controller.ts";
import { noopEventRecorder, type EventRecorder } from "../runtime/event-recorder.ts";
import { Informer } from "../runtime/informer.ts";
import { DEFAULT_KUBE_REQUEST_TIMEOUT_MS } from "../runtime/kube/kube-client.ts";
import { KubeApiError, kubeRequest } from "../runtime/kube-request.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import { silentLogger, type Logger } from "../runtime/logger.ts";
import type { NamespacedWatchPool } from "../runtime/namespaced-watch-pool.ts";
import { kubeOutageRetryCap } from "../sync/kube-outage-retry.ts";
import { ROLLOUT_FIELD_MANAGER, SECRETS_HASH } from "./annotations.ts";
import { optedIn, rolloutTriggeredBy } from "./rollout-policy.ts";
import type { RolloutMetrics } from "./rollout-metrics.ts";
import { secretDigestWatch } from "./secret-digest-watch.ts";
import { rolloutDelayMs, secretsHash } from "./secrets-hash.ts";
import { workloadView, type SecretView, type WorkloadView } from "./views.ts";
import { WORKLOAD_KINDS, parseWorkloadKey, pluralOf, rolloutApplyBody, workloadKey, type WorkloadKind, type WorkloadRef } from "./workload-kinds.ts";

/** Default debounce window: at most one rollout per workload per minute. */
export const DEFAULT_ROLLOUT_DEBOUNCE_MS = 60_000;

export interface RolloutControllerOptions {
  kubeConfig: KubeConfig;
  /** Watch and roll workloads of this namespace only. */
  namespace?: string | undefined;
  debounceMs?: number;
  events?: EventRecorder;
  metrics?: RolloutMetrics | undefined;
  logger?: Logger;
  clock?: Clock;
  /** HMAC key of the secrets-hash annotation; default: random per process (see ADR 17). */
  hashKey?: Uint8Array;
  kubeRequestTimeoutMs?: number;
}

/**
 * Rolls out Deployments, StatefulSets and DaemonSets that opted in (Ferry's or Reloader's annotations,
 * rollout-policy.ts) when a Secret they use changes content, by server-side applying one pod template
 * annotation (`ferry.dev/secrets-hash`) so Kubernetes rolls them with their own strategy.
 *
 * Edge-triggered on purpose: a rollout is owed only for a content change this process saw (the Secret's data
 * digest changed between two observations, secret-digest-watch.ts). A workload it has never rolled carries no
 * record of what data its pods started with, so "the current data differs from the template's hash" cannot be
 * the rule without rolling every opted-in workload at startup. The pending change is kept per workload and
 * applied once the debounce window allows (rolloutDelayMs).
 */
export class RolloutController {
  readonly #kubeConfig: KubeConfig;
  readonly #debounceMs: number;
  readonly #events: EventRecorder;
  readonly #metrics: RolloutMetrics | undefined;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #hashKey: Uint8Array;
  readonly #timeoutMs: number;
  readonly #informers = new Map<WorkloadKind, Informer<WorkloadView>>();
  /** Secret digests of the namespaces that have opted-in workloads, retained per workload key. */
  readonly #secrets: NamespacedWatchPool<SecretView>;
  readonly #controller: Controller;
  /** Workload key → names of the Secrets whose content changed since its last rollout. */
  readonly #pending = new Map<string, Set<string>>();
  /** Workload key → monotonic time of its last rollout (dropped with the workload). */
  readonly #lastRollout = new Map<string, number>();
  /** Workload uids already warned about Reloader ConfigMap keys. */
  readonly #warned = new Set<string>();

  constructor(options: RolloutControllerOptions) {
    this.#kubeConfig = options.kubeConfig;
    this.#debounceMs = options.debounceMs ?? DEFAULT_ROLLOUT_DEBOUNCE_MS;
    this.#events = options.events ?? noopEventRecorder;
    this.#metrics = options.metrics;
    this.#logger = (options.logger ?? silentLogger).child({ component: "rollout" });
    this.#clock = options.clock ?? realClock;
    this.#hashKey = options.hashKey ?? randomBytes(32);
    this.#timeoutMs = options.kubeRequestTimeoutMs ?? DEFAULT_KUBE_REQUEST_TIMEOUT_MS;
    this.#secrets = secretDigestWatch({ kubeConfig: options.kubeConfig, logger: this.#logger, onContentChange: (s) => this.#secretChanged(s) });
    this.#controller = new Controller({
      name: "rollout",
      reconciler: { reconcile: (request, signal) => this.#reconcile(request, signal) },
      logger: this.#logger,
      clock: this.#clock,
      maxRetryDelayMs: kubeOutageRetryCap,
    });
    const scope = options.namespace ? `/namespaces/${options.namespace}` : "";
    for (const { kind, plural } of WORKLOAD_KINDS) {
      const informer = new Informer<WorkloadView>({
        kubeConfig: options.kubeConfig,
        path: `/apis/apps/v1${scope}/${plural}`,
        transform: (o: KubeObject) => workloadView(o),
        logger: this.#logger.child({ informer: plural }),
      });
      informer.addEventHandler({
        add: (w) => this.#workloadSeen(kind, w),
        update: (_, w) => this.#workloadSeen(kind, w),
        delete: (w) => this.#workloadGone(kind, w),
      });
      this.#informers.set(kind, informer);
    }
  }

  async start(signal?: AbortSignal): Promise<void> {
    this.#secrets.start();
    for (const i of this.#informers.values()) i.start();
    await Promise.all([...this.#informers.values()].map((i) => i.waitForSync(signal)));
    this.#controller.start();
  }

  get synced(): boolean {
    return [...this.#informers.values()].every((i) => i.hasSynced);
  }

  /** True once the Secrets of `namespace` are watched and listed: content changes from now on roll workloads. */
  watchingSecretsOf(namespace: string): boolean {
    return this.#secrets.synced(namespace);
  }

  /** Workloads owed a rollout the debounce window still holds back (for tests and logs). */
  get owedRollouts(): number {
    return this.#pending.size;
  }

  /** Namespaces whose Secrets are watched and Secrets cached (for tests and logs). */
  get watchedSecrets(): { namespaces: number; secrets: number } {
    const { namespaces, objects } = this.#secrets.size;
    return { namespaces, secrets: objects };
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.#controller.stop(options);
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
    await this.#secrets.stop();
  }

  #workloadSeen(kind: WorkloadKind, w: WorkloadView): void {
    const ref = refOf(kind, w);
    if (!ref) return;
    const key = workloadKey(ref);
    if (!optedIn(w.rollout.policy)) {
      this.#forget(key, ref.namespace);
      return;
    }
    this.#secrets.retain(ref.namespace, key);
    const uid = w.metadata?.uid ?? key;
    if (w.rollout.unsupportedKeys.length > 0 && !this.#warned.has(uid)) {
      this.#warned.add(uid);
      this.#events.event(eventTarget(ref, w), "Warning", "UnsupportedAnnotation", `Ferry rolls workloads out on Secret changes only; ${w.rollout.unsupportedKeys.join(", ")} (ConfigMaps) is not acted on`);
    }
  }

  #workloadGone(kind: WorkloadKind, w: WorkloadView): void {
    const ref = refOf(kind, w);
    if (!ref) return;
    this.#forget(workloadKey(ref), ref.namespace);
    this.#warned.delete(w.metadata?.uid ?? "");
  }

  #forget(key: string, namespace: string): void {
    this.#secrets.release(namespace, key);
    this.#pending.delete(key);
    this.#lastRollout.delete(key);
  }

  /** A Secret's data changed: every opted-in workload it triggers owes a rollout. */
  #secretChanged(secret: SecretView): void {
    const namespace = secret.metadata?.namespace ?? "";
    const name = secret.metadata?.name ?? "";
    for (const [kind, informer] of this.#informers) {
      for (const w of informer.list(namespace)) {
        if (!rolloutTriggeredBy(w.rollout.policy, { name, annotations: secret.metadata?.annotations }, w.rollout.consumed)) continue;
        const ref = refOf(kind, w)!;
        const key = workloadKey(ref);
        let names = this.#pending.get(key);
        if (!names) this.#pending.set(key, (names = new Set()));
        names.add(name);
        this.#controller.enqueue({ namespace, name: `${kind}:${ref.name}` });
      }
    }
  }

  async #reconcile(request: Request, signal: AbortSignal): Promise<ReconcileResult> {
    const ref = parseWorkloadKey(request.namespace, request.name);
    if (!ref) return {};
    const key = workloadKey(ref);
    const changed = this.#pending.get(key);
    if (!changed) return {};
    const w = this.#informers.get(ref.kind)!.get(ref.namespace, ref.name);
    if (!w || !optedIn(w.rollout.policy)) {
      this.#pending.delete(key);
      return {};
    }
    const wait = rolloutDelayMs(this.#lastRollout.get(key), this.#clock.monotonic(), this.#debounceMs);
    if (wait > 0) return { requeueAfterMs: wait };

    const triggers = this.#secrets
      .list(ref.namespace)
      .filter((s) => rolloutTriggeredBy(w.rollout.policy, { name: s.metadata?.name ?? "", annotations: s.metadata?.annotations }, w.rollout.consumed))
      .map((s) => ({ name: s.metadata?.name ?? "", digest: s.digest }));
    const hash = secretsHash(this.#hashKey, triggers);
    this.#pending.delete(key);
    // Changed and changed back before the window allowed a rollout: the pods already run this data.
    if (w.rollout.templateHash === hash) return {};
    try {
      await kubeRequest(this.#kubeConfig, {
        method: "PATCH",
        path: `/apis/apps/v1/namespaces/${ref.namespace}/${pluralOf(ref.kind)}/${ref.name}`,
        query: { fieldManager: ROLLOUT_FIELD_MANAGER, force: true },
        contentType: "application/apply-patch+yaml",
        body: rolloutApplyBody(ref, SECRETS_HASH, hash),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.#timeoutMs)]),
      });
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return {};
      // Keep what is owed: the retry (with backoff) rolls it out.
      const again = this.#pending.get(key) ?? new Set<string>();
      for (const n of changed) again.add(n);
      this.#pending.set(key, again);
      throw err;
    }
    this.#lastRollout.set(key, this.#clock.monotonic());
    this.#metrics?.rolloutTriggered(ref.kind, ref.namespace);
    const names = [...changed].sort();
    this.#logger.info({ kind: ref.kind, namespace: ref.namespace, name: ref.name, secrets: names }, "rolling out: a Secret it uses changed content");
    this.#events.event(
      eventTarget(ref, w),
      "Normal",
      "RolloutTriggered",
      `Secret${names.length > 1 ? "s" : ""} ${names.join(", ")} changed content; pod template annotation ${SECRETS_HASH} updated so the ${ref.kind} rolls out (opted in by ${w.rollout.policy.sources.join(", ")}; at most one rollout per ${Math.round(this.#debounceMs / 1000)}s)`,
    );
    return {};
  }
}

function refOf(kind: WorkloadKind, w: WorkloadView): WorkloadRef | undefined {
  const namespace = w.metadata?.namespace;
  const name = w.metadata?.name;
  return namespace && name ? { kind, namespace, name } : undefined;
}

function eventTarget(ref: WorkloadRef, w: WorkloadView) {
  return { apiVersion: "apps/v1", kind: ref.kind, name: ref.name, namespace: ref.namespace, uid: w.metadata?.uid };
}
