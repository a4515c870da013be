import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import { kubeRequest } from "../runtime/kube-request.ts";

/**
 * The cluster's identity in write-through's ownership tags (`ferry.dev/cluster`). Two clusters sharing an AWS
 * account and a name template would otherwise tag `ferry/team-a/db` identically, and each would overwrite
 * (or delete) the other's secret. `--cluster-name` when given (readable, survives a cluster rebuild);
 * otherwise the `kube-system` namespace's UID, which every cluster has and no two share.
 */
export function chooseClusterIdentity(explicit: string | undefined, kubeSystemUid: string | undefined): string {
  if (explicit) return explicit;
  if (!kubeSystemUid) throw new Error("cannot identify the cluster: namespace kube-system not found; set --cluster-name");
  return kubeSystemUid;
}

/**
 * Resolves the identity at startup. A list with a field selector, not a get: the webhook's role already
 * lists namespaces (its informer), so no extra permission is needed.
 */
export async function resolveClusterIdentity(kubeConfig: KubeConfig, explicit: string | undefined, signal?: AbortSignal): Promise<string> {
  if (explicit) return explicit;
  const list = await kubeRequest<{ items?: Array<{ metadata?: { uid?: string } }> }>(kubeConfig, {
    method: "GET",
    path: "/api/v1/namespaces",
    query: { fieldSelector: "metadata.name=kube-system" },
    ...(signal ? { signal } : {}),
  });
  return chooseClusterIdentity(undefined, list.items?.[0]?.metadata?.uid);
}
