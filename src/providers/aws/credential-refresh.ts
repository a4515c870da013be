import type { CredentialSource } from "./auth/credentials.ts";
import { describeAwsError } from "./errors.ts";

/**
 * Runs one AWS call; when AWS rejects the credentials themselves (UnrecognizedClientException,
 * InvalidSignatureException, ExpiredTokenException: keys rotated in the Secret, a revoked session), the
 * chain is invalidated and the call made once more with fresh credentials. Other errors pass through.
 */
export async function withCredentialRefresh<T>(credentials: CredentialSource, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (describeAwsError(err).kind !== "credentials-rejected") throw err;
    credentials.invalidate();
    return await call();
  }
}
