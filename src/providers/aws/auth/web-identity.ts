import { KubeAccessError, type KubeAccess } from "../../kube-access.ts";
import { InvalidStoreError } from "../../provider.ts";
import { callError, type Redactor } from "../errors.ts";
import type { AwsCredentials } from "./credentials.ts";
import { fromStsCredentials, WEB_IDENTITY_SESSION_NAME, type StsApi } from "./sts.ts";

export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";
export const AUDIENCE_ANNOTATION = "eks.amazonaws.com/audience";
export const DEFAULT_AUDIENCE = "sts.amazonaws.com";
/** The token is spent at once on AssumeRoleWithWebIdentity; 10 minutes is the apiserver's minimum. */
export const TOKEN_EXPIRATION_SECONDS = 600;

export interface WebIdentityOptions {
  namespace: string;
  serviceAccount: string;
  extraAudiences: readonly string[];
  kube: KubeAccess;
  sts: StsApi;
  redactor: Redactor;
}

/**
 * `auth.jwt.serviceAccountRef`, as ESO: the role comes from the ServiceAccount's
 * `eks.amazonaws.com/role-arn` annotation, the audience from `eks.amazonaws.com/audience` (default
 * sts.amazonaws.com) plus `audiences`; a TokenRequest for that ServiceAccount is exchanged with
 * AssumeRoleWithWebIdentity. Called once per credential lifetime, not per read.
 */
export function webIdentityFetcher(options: WebIdentityOptions): () => Promise<AwsCredentials> {
  const { namespace, serviceAccount, kube, sts, redactor } = options;
  const subject = `serviceaccount ${namespace}/${serviceAccount}`;
  return async () => {
    let annotations: Readonly<Record<string, string>>;
    let token: string;
    let roleArn: string;
    try {
      annotations = await kube.readServiceAccountAnnotations(namespace, serviceAccount);
      roleArn = annotations[ROLE_ARN_ANNOTATION] ?? "";
      if (!roleArn) throw new InvalidStoreError(`an IAM role must be associated with ${subject} (annotation ${ROLE_ARN_ANNOTATION})`);
      const audiences = [annotations[AUDIENCE_ANNOTATION] || DEFAULT_AUDIENCE, ...options.extraAudiences];
      ({ token } = await kube.createServiceAccountToken(namespace, serviceAccount, { audiences, expirationSeconds: TOKEN_EXPIRATION_SECONDS }));
    } catch (err) {
      if (err instanceof KubeAccessError) throw new InvalidStoreError(`spec.provider.aws.auth.jwt.serviceAccountRef: ${err.message}`);
      throw err;
    }
    redactor.add(token);
    const what = `AssumeRoleWithWebIdentity ${roleArn} for ${subject}`;
    const response = await sts
      .assumeRoleWithWebIdentity({ RoleArn: roleArn, RoleSessionName: WEB_IDENTITY_SESSION_NAME, WebIdentityToken: token })
      .catch((err: unknown) => {
        throw callError(err, what, redactor);
      });
    const credentials = fromStsCredentials(response.Credentials, what);
    redactor.add(credentials.secretAccessKey);
    redactor.add(credentials.sessionToken);
    return credentials;
  };
}
