import { kubeClient, type KubeRequest } from "./kube/kube-client.ts";
import type { KubeConfig } from "./kube/kubeconfig.ts";

export { KubeApiError } from "./kube/api-error.ts";
export type { KubeRequest } from "./kube/kube-client.ts";

/**
 * One JSON request to the apiserver with the kubeconfig's authentication, for callers that need a raw path
 * (a list path for any resource, paginated) or exact status codes (409 for optimistic concurrency). Every
 * component given the same kubeconfig shares its client and connection pool (kube/kube-client.ts).
 */
export function kubeRequest<T>(kubeConfig: KubeConfig, request: KubeRequest): Promise<T> {
  return kubeClient(kubeConfig).request<T>(request);
}
