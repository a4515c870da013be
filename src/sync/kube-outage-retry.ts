import { isTransientKubeError } from "../runtime/kube-errors.ts";

/**
 * The longest wait before retrying an object whose reconcile failed because the apiserver was unreachable or
 * overloaded (connection refused or cut, timeout, 429, 5xx). The per-key backoff (1 s doubling to 7 min)
 * would otherwise grow through an outage and hold ExternalSecrets for minutes after it ends (a 60 s outage
 * measured 78-122 s to converge). Capped, every ExternalSecret retries within this long of the apiserver's
 * return; the global retry bucket (10/s) still bounds the total rate.
 */
export const KUBE_UNAVAILABLE_RETRY_MAX_MS = 15_000;

/** Controller maxRetryDelayMs for every sync controller: Kubernetes-side outages retry at least every 15 s. */
export const kubeOutageRetryCap = (err: unknown): number | undefined => (isTransientKubeError(err) ? KUBE_UNAVAILABLE_RETRY_MAX_MS : undefined);
