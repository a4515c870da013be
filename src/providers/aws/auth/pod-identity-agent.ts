import { AccessDeniedError } from "../../provider.ts";
import type { AwsCredentials } from "./credentials.ts";

/** The EKS Pod Identity agent on every node (a link-local address), IPv4 and IPv6. */
export const POD_IDENTITY_AGENT_IPV4 = "http://169.254.170.23/v1/credentials";
export const POD_IDENTITY_AGENT_IPV6 = "http://[fd00:ec2::23]/v1/credentials";

export interface PodIdentityAgentOptions {
  /** The pod's token for audience pods.eks.amazonaws.com. */
  token: string;
  /** Endpoints tried in order; the first that answers is used (ASCP: IPv4, then IPv6, unless one is preferred). */
  endpoints: readonly string[];
  timeoutMs: number;
  /** For messages. */
  subject: string;
}

/**
 * EKS Pod Identity as the CSI provider uses it (ASCP credential_provider/pod_identity): the pod's token sent
 * as the Authorization header to the node's Pod Identity agent, which answers with container credentials
 * (AccessKeyId, SecretAccessKey, Token, Expiration). Wrap it in CachedCredentials.
 */
export function podIdentityAgentFetcher(options: PodIdentityAgentOptions): () => Promise<AwsCredentials> {
  const { token, endpoints, timeoutMs, subject } = options;
  return async () => {
    const problems: string[] = [];
    for (const endpoint of endpoints) {
      let response: Response;
      try {
        response = await fetch(endpoint, { headers: { authorization: token }, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        const cause = err instanceof Error ? ((err.cause as { code?: string } | undefined)?.code ?? err.name) : "error";
        problems.push(`${endpoint}: ${cause}`);
        continue;
      }
      // The body of an error may echo the request; only the status is reported.
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        throw new AccessDeniedError(`EKS Pod Identity agent ${endpoint} refused the token of ${subject} (HTTP ${response.status}); is there a pod identity association?`);
      }
      if (!response.ok) {
        await response.body?.cancel();
        problems.push(`${endpoint}: HTTP ${response.status}`);
        continue;
      }
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      const { AccessKeyId, SecretAccessKey, Token, Expiration } = body;
      if (typeof AccessKeyId !== "string" || typeof SecretAccessKey !== "string") {
        problems.push(`${endpoint}: no credentials in the response`);
        continue;
      }
      return {
        accessKeyId: AccessKeyId,
        secretAccessKey: SecretAccessKey,
        sessionToken: typeof Token === "string" ? Token : undefined,
        expiration: typeof Expiration === "string" ? new Date(Expiration) : undefined,
      };
    }
    throw new Error(`EKS Pod Identity agent unreachable for ${subject}: ${problems.join("; ")}`);
  };
}
