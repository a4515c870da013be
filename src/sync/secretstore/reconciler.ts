import type { Capabilities } from "../../providers/provider.ts";
import type { EventRecorder } from "../../runtime/event-recorder.ts";
import { sameConditions, setCondition, type Condition } from "../conditions.ts";
import { describeError } from "../externalsecret/reconciler.ts";
import { InvalidStoreError } from "../../providers/provider.ts";
import { isTransientStoreFailure } from "./transient-failure.ts";

export type StoreKind = "SecretStore" | "ClusterSecretStore";

/** A store as the reconciler needs it: its identity, status, and requeue interval. */
export interface StoreView {
  kind: StoreKind;
  name: string;
  namespace?: string | undefined;
  uid?: string | undefined;
  /** spec.refreshInterval in ms, when set: how often the store is validated again. */
  refreshIntervalMs?: number | undefined;
  status?: { conditions?: Condition[] | undefined; capabilities?: string | undefined } | undefined;
}

/**
 * What validating a store found (ESO's ValidationResult plus the reason and message for the condition).
 * ESO v0.20 reports every failure, a client that cannot be built or credentials that do not resolve, as
 * InvalidProviderConfig (pkg/controllers/secretstore/common.go, validateStore); InvalidStoreConfiguration and
 * ValidationFailed are constants it no longer sets, kept here only because the API defines them.
 */
export type StoreValidation =
  | { result: "Ready"; capabilities: Capabilities }
  | { result: "Unknown"; capabilities: Capabilities; message: string }
  | { result: "Error"; reason: "InvalidStoreConfiguration" | "InvalidProviderConfig" | "ValidationFailed"; message: string };

export interface SecretStoreReconcilerDeps {
  getStore(kind: StoreKind, namespace: string | undefined, name: string): StoreView | undefined;
  /** Parses the spec, checks the provider config, then the credentials (cached: no AWS call on most runs). */
  validate(kind: StoreKind, namespace: string | undefined, name: string): Promise<StoreValidation>;
  writeStatus(store: StoreView, status: { conditions: Condition[]; capabilities?: Capabilities | undefined }): Promise<void>;
  events: EventRecorder;
  now(): number;
  random?: (() => number) | undefined;
  /** --store-requeue-interval: ESO's default is 5 minutes. */
  defaultRequeueMs?: number | undefined;
}

/**
 * Validates SecretStores and ClusterSecretStores and reports it as ESO does: `Ready` with reason `Valid`
 * and `status.capabilities`, or Ready=False with InvalidStoreConfiguration / InvalidProviderConfig /
 * ValidationFailed and a Warning Event. Validation repeats every spec.refreshInterval (default 5 min), with
 * jitter, and reuses cached credentials, so a healthy store costs no STS call per validation.
 */
export class SecretStoreReconciler {
  readonly #deps: SecretStoreReconcilerDeps;

  constructor(deps: SecretStoreReconcilerDeps) {
    this.#deps = deps;
  }

  async reconcile(kind: StoreKind, request: { namespace?: string | undefined; name: string }): Promise<{ requeueAfterMs?: number }> {
    const d = this.#deps;
    const store = d.getStore(kind, request.namespace, request.name);
    if (!store) return {};
    let validation: StoreValidation;
    try {
      validation = await d.validate(kind, request.namespace, request.name);
    } catch (err) {
      // A throttled or unavailable provider, a cut connection: the store keeps its condition and the queue
      // retries with backoff (seconds, not the 5-minute interval). Only configuration and credential errors
      // mark it Ready=False.
      if (isTransientStoreFailure(err)) throw err;
      validation = { result: "Error", reason: "InvalidProviderConfig", message: storeFailureMessage(err) };
    }

    const now = new Date(d.now());
    let ready: Omit<Condition, "lastTransitionTime">;
    let capabilities: Capabilities | undefined;
    if (validation.result === "Error") {
      ready = { type: "Ready", status: "False", reason: validation.reason, message: validation.message };
    } else {
      capabilities = validation.capabilities;
      ready =
        validation.result === "Ready"
          ? { type: "Ready", status: "True", reason: "Valid", message: "store validated" }
          : // ESO: Ready=True / ValidationUnknown / "could not determine validation status", the cause only in a
            // Warning Event (secretstore/common.go validateStore, errValidationUnknownMsg).
            { type: "Ready", status: "True", reason: "ValidationUnknown", message: "could not determine validation status" };
    }
    const conditions = setCondition(store.status?.conditions, ready, now);
    if (!sameConditions(conditions, store.status?.conditions) || capabilities !== store.status?.capabilities) {
      await d.writeStatus(store, { conditions, capabilities });
      const target = { apiVersion: "external-secrets.io/v1", kind, name: request.name, namespace: request.namespace, uid: store.uid };
      if (validation.result === "Unknown") d.events.event(target, "Warning", "ValidationUnknown", validation.message);
      else if (ready.status === "False") d.events.event(target, "Warning", ready.reason!, ready.message!);
      else d.events.event(target, "Normal", ready.reason!, ready.message!);
    }
    const interval = store.refreshIntervalMs && store.refreshIntervalMs > 0 ? store.refreshIntervalMs : (d.defaultRequeueMs ?? 5 * 60_000);
    return { requeueAfterMs: Math.round(interval * (1 + 0.1 * (d.random ?? Math.random)())) };
  }
}

/**
 * ESO's condition messages for a store that fails: "unable to create client" when the client cannot be built
 * (a credentials Secret that does not exist, a spec the provider refuses), "unable to validate store" when
 * the credentials do not resolve (STS refuses the role). ESO puts the cause only in the Event; Ferry appends it
 * to the message too, so `kubectl describe` alone says what to fix.
 */
export function storeFailureMessage(err: unknown): string {
  const prefix = err instanceof InvalidStoreError ? "unable to create client" : "unable to validate store";
  return `${prefix}: ${describeError(err)}`;
}
