/**
 * ClusterPushSecret decisions as pure functions (ESO pkg/controllers/pushsecret/clusterpushsecret_controller.go):
 * which namespaces get a PushSecret, what that PushSecret is, whether an existing one is ours, and the
 * status that results.
 */
import { API_VERSION_V1ALPHA1, KIND_CLUSTER_PUSH_SECRET, KIND_PUSH_SECRET } from "../../apis/constants.ts";
import type { ClusterPushSecret } from "../../apis/push-secret.ts";
import { matchesLabelSelector, type LabelSelector } from "../../sync/label-selector.ts";

export interface NamespaceInfo {
  name: string;
  labels: Readonly<Record<string, string>>;
  terminating: boolean;
}

/** Namespaces matching any of the selectors (ORed; `{}` matches every namespace; none selects nothing). Sorted. */
export function selectedNamespaces(selectors: readonly LabelSelector[] | undefined, namespaces: readonly NamespaceInfo[]): string[] {
  if (!selectors || selectors.length === 0) return [];
  return namespaces
    .filter((ns) => !ns.terminating && selectors.some((s) => matchesLabelSelector(s, ns.labels)))
    .map((ns) => ns.name)
    .sort();
}

/** The PushSecrets' name: spec.pushSecretName, or the ClusterPushSecret's own. */
export function pushSecretNameOf(cps: ClusterPushSecret): string {
  return cps.spec.pushSecretName ?? cps.metadata.name ?? "";
}

/** The PushSecret a namespace gets: the template spec, the template metadata, the ClusterPushSecret as controller. */
export function desiredPushSecret(cps: ClusterPushSecret, namespace: string): Record<string, unknown> {
  return {
    apiVersion: API_VERSION_V1ALPHA1,
    kind: KIND_PUSH_SECRET,
    metadata: {
      name: pushSecretNameOf(cps),
      namespace,
      labels: cps.spec.pushSecretMetadata?.labels ?? {},
      annotations: cps.spec.pushSecretMetadata?.annotations ?? {},
      ownerReferences: [ownerReferenceOf(cps)],
    },
    spec: cps.spec.pushSecretSpec,
  };
}

export function ownerReferenceOf(cps: ClusterPushSecret): { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean } {
  return { apiVersion: API_VERSION_V1ALPHA1, kind: KIND_CLUSTER_PUSH_SECRET, name: cps.metadata.name ?? "", uid: cps.metadata.uid ?? "", controller: true, blockOwnerDeletion: true };
}

/** Whether this ClusterPushSecret controls a PushSecret (never touch one made by someone else). */
export function isOwnedBy(ps: { metadata?: { ownerReferences?: Array<{ kind: string; name: string; uid?: string; controller?: boolean }> | undefined } | undefined }, cps: ClusterPushSecret): boolean {
  return (ps.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.kind === KIND_CLUSTER_PUSH_SECRET && r.name === cps.metadata.name && (!r.uid || r.uid === cps.metadata.uid));
}

/** Whether an existing owned PushSecret differs from the desired one in what the ClusterPushSecret sets. */
export function needsUpdate(existing: { metadata?: { labels?: Record<string, string> | undefined; annotations?: Record<string, string> | undefined } | undefined; spec?: unknown }, desired: Record<string, unknown>): boolean {
  const d = desired as { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: unknown };
  return canonical(existing.spec) !== canonical(d.spec) || canonical(existing.metadata?.labels ?? {}) !== canonical(d.metadata.labels) || canonical(existing.metadata?.annotations ?? {}) !== canonical(d.metadata.annotations);
}

function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
