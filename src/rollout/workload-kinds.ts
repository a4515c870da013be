/** The workloads Ferry rolls out: apps/v1 kinds with a pod template at spec.template. */
export const WORKLOAD_KINDS = [
  { kind: "Deployment", plural: "deployments" },
  { kind: "StatefulSet", plural: "statefulsets" },
  { kind: "DaemonSet", plural: "daemonsets" },
] as const;

export type WorkloadKind = (typeof WORKLOAD_KINDS)[number]["kind"];

export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

/** The work queue key of a workload: "namespace/Kind:name" (names never contain ":" or "/"). */
export function workloadKey(ref: WorkloadRef): string {
  return `${ref.namespace}/${ref.kind}:${ref.name}`;
}

export function parseWorkloadKey(namespace: string | undefined, name: string): WorkloadRef | undefined {
  const colon = name.indexOf(":");
  const kind = name.slice(0, colon);
  if (!namespace || colon < 0 || !WORKLOAD_KINDS.some((k) => k.kind === kind)) return undefined;
  return { kind: kind as WorkloadKind, namespace, name: name.slice(colon + 1) };
}

export function pluralOf(kind: WorkloadKind): string {
  return WORKLOAD_KINDS.find((k) => k.kind === kind)!.plural;
}

/**
 * The server-side apply body that sets the pod template's secrets-hash annotation and nothing else: Ferry
 * owns that one field (managedFields show the `ferry-rollout` manager), every other field stays its owner's,
 * and a GitOps tool applying its manifest later neither removes it nor conflicts with it.
 */
export function rolloutApplyBody(ref: WorkloadRef, annotation: string, value: string): object {
  return {
    apiVersion: "apps/v1",
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
    spec: { template: { metadata: { annotations: { [annotation]: value } } } },
  };
}
