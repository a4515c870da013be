import { isDeepStrictEqual } from "node:util";
import type { ClusterExternalSecretCondition, ClusterExternalSecretStatus } from "../../apis/cluster-external-secret.ts";
import { CES_NAMESPACES_FAILED, ConditionType } from "../../apis/constants.ts";

/**
 * The Ready condition as ESO's NewClusterExternalSecretCondition: True without a message when every namespace
 * got its ExternalSecret, else False with "one or more namespaces failed" (the reasons are per namespace, in
 * failedNamespaces). ESO's condition has no reason and no lastTransitionTime.
 */
export function readyCondition(failed: ReadonlyMap<string, string>): ClusterExternalSecretCondition {
  return failed.size === 0 ? { type: ConditionType.Ready, status: "True" } : { type: ConditionType.Ready, status: "False", message: CES_NAMESPACES_FAILED };
}

/**
 * The status after a reconcile: conditions of other types kept, Ready replaced (ESO appends it last);
 * provisioned namespaces and failures sorted by namespace, absent when empty (ESO's omitempty).
 */
export function cesStatusOf(
  previous: ClusterExternalSecretStatus | undefined,
  result: { externalSecretName: string; provisioned: readonly string[]; failed: ReadonlyMap<string, string> },
): ClusterExternalSecretStatus {
  const conditions = [...(previous?.conditions ?? []).filter((c) => c.type !== ConditionType.Ready), readyCondition(result.failed)];
  const failedNamespaces = [...result.failed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([namespace, reason]) => ({ namespace, reason }));
  return {
    externalSecretName: result.externalSecretName,
    ...(failedNamespaces.length > 0 ? { failedNamespaces } : {}),
    ...(result.provisioned.length > 0 ? { provisionedNamespaces: [...result.provisioned].sort() } : {}),
    conditions,
  };
}

/** Whether writing `next` would change the stored status (no write, no event, when it would not). */
export function sameStatus(current: ClusterExternalSecretStatus | undefined, next: ClusterExternalSecretStatus): boolean {
  const norm = (s: ClusterExternalSecretStatus | undefined) => ({
    externalSecretName: s?.externalSecretName ?? "",
    failedNamespaces: s?.failedNamespaces ?? [],
    provisionedNamespaces: s?.provisionedNamespaces ?? [],
    conditions: s?.conditions ?? [],
  });
  return isDeepStrictEqual(norm(current), norm(next));
}

/** The merge patch for `/status`: fields that became empty are removed (null), as ESO's omitempty leaves them. */
export function statusPatch(next: ClusterExternalSecretStatus): Record<string, unknown> {
  return {
    externalSecretName: next.externalSecretName ?? null,
    failedNamespaces: next.failedNamespaces ?? null,
    provisionedNamespaces: next.provisionedNamespaces ?? null,
    conditions: next.conditions ?? null,
  };
}
