import type { ControllerMetrics } from "../runtime/controller.ts";
import type { Condition } from "./conditions.ts";
import type { StoreKind } from "./secretstore/reconciler.ts";

/** An object by namespace and name ("" namespace for cluster-scoped ones). Never a value. */
export interface ObjectRef {
  namespace: string;
  name: string;
}

/**
 * What the sync path reports as it runs, for metrics (SyncMetrics implements it on a prom-client Registry).
 * Every hook is optional; hooks get object names and counts only, never secret data.
 */
export interface SyncObserver {
  /** A sync that read the provider finished (ESO's sync_calls_total / sync_calls_error). */
  synced?(es: ObjectRef, outcome: "success" | "error"): void;
  /** One ExternalSecret reconcile finished after `ms`, whatever its outcome. */
  reconciled?(es: ObjectRef, ms: number): void;
  /** An ExternalSecret's conditions as the cluster has them now; undefined: the ExternalSecret was deleted. */
  externalSecretConditions?(es: ObjectRef, conditions: readonly Condition[] | undefined): void;
  /** A store's conditions as the cluster has them now; undefined: the store was deleted. */
  storeConditions?(kind: StoreKind, store: ObjectRef, conditions: readonly Condition[] | undefined): void;
  /** A ClusterExternalSecret's conditions as the cluster has them now; undefined: it was deleted. */
  clusterExternalSecretConditions?(ces: ObjectRef, conditions: readonly Condition[] | undefined): void;
  /** One ClusterExternalSecret reconcile finished after `ms`, whatever its outcome. */
  clusterExternalSecretReconciled?(ces: ObjectRef, ms: number): void;
  /** One batched read went to the provider with this many distinct ids. */
  readBatch?(ids: number): void;
  /** Read-ahead: "prefetched" an ExternalSecret's reads in another's batch; "hit" a reconcile used them. */
  readAhead?(event: "prefetched" | "hit"): void;
  /** Work queue and reconcile hooks for the Controller with this name. */
  controller?(name: string): ControllerMetrics;
}
