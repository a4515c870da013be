import { compileGoRegexp, GoRegexpSyntaxError } from "../lib/goregexp/index.ts";
import { matchesLabelSelector, type LabelSelector } from "./label-selector.ts";

/** One entry of a ClusterSecretStore's `spec.conditions` (ESO ClusterSecretStoreCondition). */
export interface StoreCondition {
  namespaceSelector?: LabelSelector | undefined;
  namespaces?: readonly string[] | undefined;
  namespaceRegexes?: readonly string[] | undefined;
}

export type StoreAccess = { allowed: true } | { allowed: false; message: string };

/**
 * Whether an ExternalSecret in `namespace` may use a store, as ESO decides it:
 * - a SecretStore serves only its own namespace (an ExternalSecret names it without a namespace, so this
 *   holds by construction; checked anyway so a resolver bug can never cross namespaces);
 * - a ClusterSecretStore with no conditions serves every namespace; with conditions, a namespace is allowed
 *   when ANY condition matches, and a condition matches when its selector, its name list or any of its
 *   regexes (Go's regexp, unanchored unless the user anchors it, as ESO's regexp.MatchString) match.
 *   An invalid regex matches nothing (fail closed, as ESO); store validation reports it with its path.
 */
export function storeAccess(
  store: { kind: "SecretStore" | "ClusterSecretStore"; name: string; namespace?: string | undefined; conditions?: readonly StoreCondition[] | undefined },
  namespace: string,
  namespaceLabels: Readonly<Record<string, string>>,
): StoreAccess {
  if (store.kind === "SecretStore") {
    return store.namespace === namespace
      ? { allowed: true }
      : { allowed: false, message: `SecretStore ${store.namespace}/${store.name} cannot be used from namespace ${namespace}` };
  }
  const conditions = store.conditions ?? [];
  if (conditions.length === 0) return { allowed: true };
  for (const c of conditions) {
    if (c.namespaceSelector && matchesLabelSelector(c.namespaceSelector, namespaceLabels)) return { allowed: true };
    if (c.namespaces?.includes(namespace)) return { allowed: true };
    for (const pattern of c.namespaceRegexes ?? []) {
      if (matchesNamespace(pattern, namespace)) return { allowed: true };
    }
  }
  return { allowed: false, message: `ClusterSecretStore ${store.name} does not allow namespace ${namespace} (spec.conditions)` };
}

function matchesNamespace(pattern: string, namespace: string): boolean {
  try {
    return compileGoRegexp(pattern).matchString(namespace);
  } catch (err) {
    if (err instanceof GoRegexpSyntaxError) return false;
    throw err;
  }
}
