import type { ClusterExternalSecret, ClusterExternalSecretStatus } from "../../apis/cluster-external-secret.ts";
import { DEFAULT_CES_REFRESH_TIME } from "../../apis/cluster-external-secret.ts";
import { CES_ALREADY_EXISTS, ConditionType } from "../../apis/constants.ts";
import { parseDuration } from "../../apis/duration.ts";
import { TerminalError } from "../../runtime/controller.ts";
import type { Logger } from "../../runtime/logger.ts";
import { desiredExternalSecret, externalSecretNameOf, isControlledBy, updatedExternalSecret, type ExternalSecretObject } from "./desired-external-secret.ts";
import { namespacesToProvision, type NamespaceView } from "./namespaces-to-provision.ts";
import { cesStatusOf, sameStatus, statusPatch } from "./status.ts";

/** ESO 0.20's finalizer on ClusterExternalSecrets. Ferry relies on owner references instead and only removes it. */
export const ESO_CES_FINALIZER = "externalsecrets.external-secrets.io/clusterexternalsecret-cleanup";

/** A ClusterExternalSecret from the cache: parsed, with its spec.externalSecretSpec exactly as stored. */
export type CachedClusterExternalSecret =
  | { ces: ClusterExternalSecret; rawExternalSecretSpec: unknown; resourceVersion: string }
  | { invalid: string; name: string; status: ClusterExternalSecretStatus | undefined };

export interface ClusterExternalSecretReconcilerDeps {
  getClusterExternalSecret(name: string): CachedClusterExternalSecret | undefined;
  namespaces(): Iterable<NamespaceView>;
  /** From the ExternalSecret cache. */
  getExternalSecret(namespace: string, name: string): ExternalSecretObject | undefined;
  /** Every cached ExternalSecret whose controller is a ClusterExternalSecret of this name. */
  controlledBy(cesName: string): ExternalSecretObject[];
  writes: {
    createExternalSecret(es: ExternalSecretObject): Promise<void>;
    updateExternalSecret(es: ExternalSecretObject): Promise<void>;
    deleteExternalSecret(namespace: string, name: string, uid: string): Promise<void>;
    patchStatus(name: string, status: Record<string, unknown>): Promise<void>;
    setFinalizers(name: string, resourceVersion: string, finalizers: string[]): Promise<void>;
  };
  logger: Logger;
}

/** A failed write in some namespace that a retry may fix (a 409 from a stale cache): retried with backoff. */
export class FanOutConflictError extends Error {
  override readonly name = "FanOutConflictError";
}

/** What a write error says, for failedNamespaces: the apiserver's message, never a body. */
function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isConflict(err: unknown): boolean {
  return (err as { statusCode?: number }).statusCode === 409;
}

/** `refreshTime` in ms (ESO's RequeueInterval of 1h when unset); 0: no periodic recheck (ESO's RequeueAfter 0). */
export function refreshTimeMs(ces: ClusterExternalSecret): number {
  return Math.max(0, Math.round(parseDuration(ces.spec.refreshTime ?? DEFAULT_CES_REFRESH_TIME)));
}

/**
 * Reconciles one ClusterExternalSecret (ESO's clusterexternalsecret controller): one ExternalSecret per
 * selected namespace, controlled by the ClusterExternalSecret; ExternalSecrets it controls elsewhere (a
 * namespace no longer selected, an old externalSecretName) are deleted; an ExternalSecret of that name that
 * it does not control is never touched and is reported in failedNamespaces. Reads come from the caches, so a
 * refresh of an unchanged ClusterExternalSecret makes no request at all.
 */
export class ClusterExternalSecretReconciler {
  readonly #d: ClusterExternalSecretReconcilerDeps;

  constructor(deps: ClusterExternalSecretReconcilerDeps) {
    this.#d = deps;
  }

  async reconcile(request: { name: string }): Promise<{ requeueAfterMs?: number }> {
    const d = this.#d;
    const cached = d.getClusterExternalSecret(request.name);
    if (!cached) return {}; // Deleted: the garbage collector deletes its ExternalSecrets (controller owner references).
    if ("invalid" in cached) {
      const status: ClusterExternalSecretStatus = {
        ...cached.status,
        conditions: [...(cached.status?.conditions ?? []).filter((c) => c.type !== ConditionType.Ready), { type: ConditionType.Ready, status: "False", message: `invalid spec: ${cached.invalid}` }],
      };
      if (!sameStatus(cached.status, status)) await d.writes.patchStatus(cached.name, statusPatch(status));
      throw new TerminalError(`ClusterExternalSecret ${cached.name}: invalid spec: ${cached.invalid}`);
    }
    const { ces, rawExternalSecretSpec } = cached;
    const name = ces.metadata.name ?? request.name;
    if (ces.metadata.deletionTimestamp) {
      // Migrated from ESO 0.20: its cleanup finalizer would block the deletion forever without ESO running.
      const finalizers = ces.metadata.finalizers ?? [];
      if (finalizers.includes(ESO_CES_FINALIZER)) await d.writes.setFinalizers(name, cached.resourceVersion, finalizers.filter((f) => f !== ESO_CES_FINALIZER));
      return {};
    }

    const esName = externalSecretNameOf(ces);
    const targets = namespacesToProvision(ces.spec, d.namespaces());
    const targetSet = new Set(targets);
    const failed = new Map<string, string>();
    let conflict = false;

    // Controlled ExternalSecrets that are no longer wanted: a namespace that stopped matching, an old name.
    for (const es of d.controlledBy(name)) {
      const namespace = es.metadata?.namespace ?? "";
      if (es.metadata?.name === esName && targetSet.has(namespace)) continue;
      try {
        await d.writes.deleteExternalSecret(namespace, es.metadata?.name ?? "", String(es.metadata?.uid ?? ""));
      } catch (err) {
        failed.set(namespace, `external secret in non matching namespace could not be deleted: ${reasonOf(err)}`);
        conflict ||= isConflict(err);
      }
    }

    const provisioned: string[] = [];
    for (const namespace of targets) {
      const existing = d.getExternalSecret(namespace, esName);
      if (existing && !isControlledBy(existing, name)) {
        failed.set(namespace, CES_ALREADY_EXISTS);
        continue;
      }
      const desired = desiredExternalSecret(ces, rawExternalSecretSpec, namespace);
      try {
        if (!existing) await d.writes.createExternalSecret(desired);
        else {
          const updated = updatedExternalSecret(existing, desired);
          if (updated) await d.writes.updateExternalSecret(updated);
        }
        provisioned.push(namespace);
      } catch (err) {
        failed.set(namespace, `could not create or update ExternalSecret: ${reasonOf(err)}`);
        conflict ||= isConflict(err);
        d.logger.warn({ clusterExternalSecret: name, namespace, err: reasonOf(err) }, "could not create or update ExternalSecret");
      }
    }

    // A 409 means the cache was behind (an ExternalSecret this controller just created or changed): retry soon
    // from fresh state (ESO requeues conflicts at once), without reporting a failure that is not one.
    if (conflict) throw new FanOutConflictError(`ClusterExternalSecret ${name}: a write conflicted; retrying`);
    const status = cesStatusOf(ces.status, { externalSecretName: esName, provisioned, failed });
    if (!sameStatus(ces.status, status)) await d.writes.patchStatus(name, statusPatch(status));
    const refreshMs = refreshTimeMs(ces);
    return refreshMs > 0 ? { requeueAfterMs: refreshMs } : {};
  }
}
