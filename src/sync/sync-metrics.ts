import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { ApiCallEvent } from "../providers/provider.ts";
import type { ControllerMetrics } from "../runtime/controller.ts";
import { ControllerMetricsSet } from "../runtime/metrics/controller-metrics.ts";
import { InformerMetrics } from "../runtime/metrics/informer-metrics.ts";
import type { Condition } from "./conditions.ts";
import type { StoreKind } from "./secretstore/reconciler.ts";
import type { ObjectRef, SyncObserver } from "./sync-observer.ts";

const STATUSES = ["True", "False", "Unknown"] as const;
type Status = (typeof STATUSES)[number];
/** Condition types are CamelCase API words; anything else (a hand-edited status) is not made a label. */
const CONDITION_TYPE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

type ConditionLabels = "name" | "namespace" | "condition" | "status";

/**
 * The sync path's Prometheus metrics on one Registry: ESO's names and labels (docs/observability.md), so ESO
 * dashboards and alerts keep working, plus Ferry's own (`ferry_*`, and the controller-runtime work queue set).
 * Labels carry object names, namespaces, API names and enums only — never a secret value. An ExternalSecret's
 * and a store's series are removed when the object is deleted.
 */
export class SyncMetrics implements SyncObserver {
  readonly #syncCalls: Counter<"name" | "namespace">;
  readonly #syncErrors: Counter<"name" | "namespace">;
  readonly #esCondition: Gauge<ConditionLabels>;
  readonly #reconcileDuration: Gauge<"name" | "namespace">;
  readonly #providerCalls: Counter<"provider" | "call" | "status">;
  readonly #awsCalls: Counter<"service" | "action" | "status">;
  readonly #readBatches: Counter;
  readonly #readBatchIds: Histogram;
  readonly #readAheadPrefetched: Counter;
  readonly #readAheadHits: Counter;
  readonly #storeCondition: Record<StoreKind, Gauge<ConditionLabels>>;
  readonly #cesCondition: Gauge<ConditionLabels>;
  readonly #cesReconcileDuration: Gauge<"name" | "namespace">;
  readonly #controllers: ControllerMetricsSet;
  /** Condition types with series, per "kind/namespace/name", so they can be removed. */
  readonly #conditionTypes = new Map<string, Set<string>>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.#syncCalls = new Counter({ name: "externalsecret_sync_calls_total", help: "ExternalSecret syncs that read the provider.", labelNames: ["name", "namespace"], registers });
    this.#syncErrors = new Counter({ name: "externalsecret_sync_calls_error", help: "ExternalSecret syncs that failed.", labelNames: ["name", "namespace"], registers });
    this.#esCondition = new Gauge({
      name: "externalsecret_status_condition",
      help: "ExternalSecret status conditions: 1 for the current status of each condition, 0 for the others.",
      labelNames: ["name", "namespace", "condition", "status"],
      registers,
    });
    this.#reconcileDuration = new Gauge({ name: "externalsecret_reconcile_duration", help: "Duration of the last ExternalSecret reconcile, in nanoseconds (as ESO).", labelNames: ["name", "namespace"], registers });
    this.#providerCalls = new Counter({
      name: "externalsecret_provider_api_calls_count",
      help: "Provider API calls after the SDK's retries, by provider (AWS/SecretsManager, AWS/ParameterStore, AWS/STS), call and status.",
      labelNames: ["provider", "call", "status"],
      registers,
    });
    this.#awsCalls = new Counter({ name: "ferry_aws_api_calls_total", help: "AWS API calls after the SDK's retries, by service, action and status.", labelNames: ["service", "action", "status"], registers });
    this.#readBatches = new Counter({ name: "ferry_read_batches_total", help: "Batched provider reads (one per BatchGetSecretValue/GetParameters round, after coalescing).", registers });
    this.#readBatchIds = new Histogram({ name: "ferry_read_batch_ids", help: "Distinct remote secrets per batched provider read.", buckets: [1, 2, 5, 10, 15, 20, 50], registers });
    this.#readAheadPrefetched = new Counter({ name: "ferry_read_ahead_prefetched_total", help: "ExternalSecrets whose reads rode along in another's batch (read-ahead).", registers });
    this.#readAheadHits = new Counter({ name: "ferry_read_ahead_hits_total", help: "Reconciles served from read-ahead outcomes without a provider call.", registers });
    const storeGauge = (prefix: string, what: string) =>
      new Gauge({ name: `${prefix}_status_condition`, help: `${what} status conditions: 1 for the current status of each condition, 0 for the others.`, labelNames: ["name", "namespace", "condition", "status"], registers });
    this.#storeCondition = { SecretStore: storeGauge("secretstore", "SecretStore"), ClusterSecretStore: storeGauge("clustersecretstore", "ClusterSecretStore") };
    // ESO's cesmetrics names; ESO publishes the Ready series only while True, Ferry True and False always.
    this.#cesCondition = storeGauge("clusterexternalsecret", "ClusterExternalSecret");
    this.#cesReconcileDuration = new Gauge({ name: "clusterexternalsecret_reconcile_duration", help: "Duration of the last ClusterExternalSecret reconcile, in nanoseconds (as ESO).", labelNames: ["name", "namespace"], registers });
    this.#controllers = new ControllerMetricsSet(registry);
    // The controller process's informers (sync, PushSecret, rollout), read at scrape time.
    new InformerMetrics(registry);
    for (const counter of [this.#readBatches, this.#readAheadPrefetched, this.#readAheadHits]) counter.inc(0);
  }

  /** For AwsProvider's `onApiCall`. */
  readonly apiCall = (event: ApiCallEvent): void => {
    this.#providerCalls.inc({ provider: event.provider, call: event.call, status: event.status });
    this.#awsCalls.inc({ service: awsService(event.provider), action: event.call, status: event.status });
  };

  synced(es: ObjectRef, outcome: "success" | "error"): void {
    const labels = { name: es.name, namespace: es.namespace };
    this.#syncCalls.inc(labels);
    // As ESO: both series exist once an ExternalSecret synced, so error ratios are never "no data".
    this.#syncErrors.inc(labels, outcome === "error" ? 1 : 0);
  }

  reconciled(es: ObjectRef, ms: number): void {
    this.#reconcileDuration.set({ name: es.name, namespace: es.namespace }, Math.round(ms * 1e6));
  }

  externalSecretConditions(es: ObjectRef, conditions: readonly Condition[] | undefined): void {
    this.#setConditions(this.#esCondition, `ExternalSecret/${es.namespace}/${es.name}`, es, conditions);
    if (conditions === undefined) {
      const labels = { name: es.name, namespace: es.namespace };
      this.#syncCalls.remove(labels);
      this.#syncErrors.remove(labels);
      this.#reconcileDuration.remove(labels);
    }
  }

  storeConditions(kind: StoreKind, store: ObjectRef, conditions: readonly Condition[] | undefined): void {
    this.#setConditions(this.#storeCondition[kind], `${kind}/${store.namespace}/${store.name}`, store, conditions);
  }

  clusterExternalSecretConditions(ces: ObjectRef, conditions: readonly Condition[] | undefined): void {
    this.#setConditions(this.#cesCondition, `ClusterExternalSecret//${ces.name}`, ces, conditions);
    if (conditions === undefined) this.#cesReconcileDuration.remove({ name: ces.name, namespace: ces.namespace });
  }

  clusterExternalSecretReconciled(ces: ObjectRef, ms: number): void {
    this.#cesReconcileDuration.set({ name: ces.name, namespace: ces.namespace }, Math.round(ms * 1e6));
  }

  readBatch(ids: number): void {
    this.#readBatches.inc();
    this.#readBatchIds.observe(ids);
  }

  readAhead(event: "prefetched" | "hit"): void {
    (event === "hit" ? this.#readAheadHits : this.#readAheadPrefetched).inc();
  }

  controller(name: string): ControllerMetrics {
    return this.#controllers.for(name);
  }

  /**
   * 1 for each condition's current status and 0 for the others (True and False always, Unknown only while
   * current), as ESO; a condition gone from the list, or every condition of a deleted object, loses its series.
   */
  #setConditions(gauge: Gauge<ConditionLabels>, key: string, ref: ObjectRef, conditions: readonly Condition[] | undefined): void {
    const base = { name: ref.name, namespace: ref.namespace };
    const current = new Map<string, Status>();
    for (const c of conditions ?? []) {
      if (CONDITION_TYPE.test(c.type) && (STATUSES as readonly string[]).includes(c.status)) current.set(c.type, c.status);
    }
    const previous = this.#conditionTypes.get(key) ?? new Set<string>();
    for (const type of previous) {
      if (!current.has(type)) for (const status of STATUSES) gauge.remove({ ...base, condition: type, status });
    }
    for (const [type, status] of current) {
      for (const s of STATUSES) {
        if (s === status) gauge.set({ ...base, condition: type, status: s }, 1);
        else if (s === "Unknown") gauge.remove({ ...base, condition: type, status: s });
        else gauge.set({ ...base, condition: type, status: s }, 0);
      }
    }
    if (current.size === 0) this.#conditionTypes.delete(key);
    else this.#conditionTypes.set(key, new Set(current.keys()));
  }
}

/** The AWS service of an ApiCallEvent provider label ("AWS/SecretsManager" → "secretsmanager"). */
export function awsService(provider: string): string {
  switch (provider) {
    case "AWS/SecretsManager":
      return "secretsmanager";
    case "AWS/ParameterStore":
      return "ssm";
    case "AWS/STS":
      return "sts";
    case "AWS/SQS":
      return "sqs";
    default:
      return provider.replace(/^AWS\//, "").toLowerCase();
  }
}
