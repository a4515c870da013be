import type {
  AssumeRoleRequest,
  AssumeRoleResponse,
  AssumeRoleWithWebIdentityRequest,
  AssumeRoleWithWebIdentityResponse,
  Credentials as StsCredentials,
} from "@aws-sdk/client-sts";
import type { AwsCredentials, CredentialSource } from "./credentials.ts";

/** The two STS calls the chain makes; a narrow seam so auth is unit-tested with a counting fake. */
export interface StsApi {
  assumeRole(input: AssumeRoleRequest): Promise<AssumeRoleResponse>;
  assumeRoleWithWebIdentity(input: AssumeRoleWithWebIdentityRequest): Promise<AssumeRoleWithWebIdentityResponse>;
}

/**
 * An STS client that signs with `credentials`, or an unsigned one (AssumeRoleWithWebIdentity is
 * authenticated by its token) when they are absent.
 */
export type StsFactory = (credentials: CredentialSource | undefined) => StsApi;

/** ESO's session name for web identity: IAM policies in the wild name `assumed-role/<role>/external-secrets-provider-aws`. */
export const WEB_IDENTITY_SESSION_NAME = "external-secrets-provider-aws";
export const ASSUME_ROLE_SESSION_NAME = "ferry-provider-aws";

export function fromStsCredentials(credentials: StsCredentials | undefined, what: string): AwsCredentials {
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error(`${what}: STS returned no credentials`);
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: credentials.Expiration,
  };
}
