import { KubeApiError } from "./kube/api-error.ts";

/** Network-level failures reaching the apiserver (refused, reset, timed out, DNS, TLS cut). */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * Whether an error from a Kubernetes API call means the apiserver was unavailable for a moment (not that
 * the request was wrong): no connection, a cut connection, a timeout, 429 or 5xx. Such a failure fixes
 * itself when the apiserver returns, so retries are capped short (Controller maxRetryDelayMs); a 4xx
 * (conflict, forbidden, invalid) is not transient in this sense and keeps the full backoff.
 * Follows `cause` chains (an aborted request's AbortError has the deadline's TimeoutError as cause).
 */
export function isTransientKubeError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof KubeApiError) return e.statusCode === 429 || e.statusCode >= 500;
    const { code, type, name } = e as { code?: unknown; type?: unknown; name?: unknown };
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    // node-fetch's FetchError for a failed request ("system") or a request aborted by its deadline.
    if (name === "FetchError" && (type === "system" || type === "request-timeout")) return true;
    if (name === "AbortError" || name === "TimeoutError") return true;
    // undici's fetch: TypeError("fetch failed") with the socket error as cause (followed above when present).
    if (e instanceof TypeError && e.message === "fetch failed") return true;
  }
  return false;
}
