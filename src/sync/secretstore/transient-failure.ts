/**
 * Whether a store validation failure says nothing about the store (retry it) or something the user must
 * fix (mark the store Ready=False). One network blip used to mark a store invalid, and ExternalSecrets fail
 * fast on an invalid store (ESO's flood gate), so every ExternalSecret on it stopped syncing until the next
 * validation, 5 minutes later. ESO keeps a store valid when Validate() cannot tell
 * (ValidationResultUnknown, pkg/controllers/secretstore/common.go validateStore).
 */
import { KubeApiError } from "../../runtime/kube/api-error.ts";
import { ProviderUnavailableError, ThrottledError } from "../../providers/provider.ts";

/** Node's codes for a connection that failed or was cut. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED"]);

export function isTransientStoreFailure(err: unknown): boolean {
  if (err instanceof ThrottledError || err instanceof ProviderUnavailableError) return true;
  // The apiserver, read for the store's auth Secret or ServiceAccount: overloaded or restarting.
  if (err instanceof KubeApiError) return err.statusCode === 429 || err.statusCode >= 500;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && NETWORK_CODES.has(code);
}
