import type { ClusterExternalSecretSpec } from "../../apis/cluster-external-secret.ts";
import { matchesLabelSelector, type LabelSelector } from "../label-selector.ts";

/** A Namespace as the decision needs it. */
export interface NamespaceView {
  name: string;
  labels: Readonly<Record<string, string>>;
  /** deletionTimestamp is set: nothing new may be created there. */
  terminating: boolean;
}

type Selection = Pick<ClusterExternalSecretSpec, "namespaceSelector" | "namespaceSelectors" | "namespaces">;

/** Every selector of a ClusterExternalSecret: the deprecated single one, then `namespaceSelectors`. */
function selectorsOf(spec: Selection): LabelSelector[] {
  return [...(spec.namespaceSelector ? [spec.namespaceSelector] : []), ...(spec.namespaceSelectors ?? [])];
}

/**
 * Whether a ClusterExternalSecret selects a namespace: a union of `namespaceSelector`, each of
 * `namespaceSelectors` (ORed) and the names in `namespaces`, as ESO's GetTargetNamespaces. An empty selector
 * `{}` matches every namespace; no selector and no name selects nothing.
 */
export function selectsNamespace(spec: Selection, namespace: { name: string; labels: Readonly<Record<string, string>> }): boolean {
  if ((spec.namespaces ?? []).includes(namespace.name)) return true;
  return selectorsOf(spec).some((s) => matchesLabelSelector(s, namespace.labels));
}

/**
 * The namespaces that get the ExternalSecret, sorted: the selected ones that exist (a listed name that does
 * not exist is skipped, not an error) and are not terminating (ESO 0.20 skips those: a create there fails).
 */
export function namespacesToProvision(spec: Selection, namespaces: Iterable<NamespaceView>): string[] {
  const out: string[] = [];
  for (const ns of namespaces) if (!ns.terminating && selectsNamespace(spec, ns)) out.push(ns.name);
  return out.sort();
}
