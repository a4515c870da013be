import { callError, type Redactor } from "../errors.ts";
import type { AwsCredentials } from "./credentials.ts";
import { fromStsCredentials, type StsApi } from "./sts.ts";

export interface GivenTokenWebIdentityOptions {
  roleArn: string;
  /** A service account token someone else obtained: for the CSI mount, kubelet's token for the pod. */
  token: string;
  /** 2–64 characters of [\w+=,.@-]; shows in CloudTrail as assumed-role/<role>/<session>. */
  sessionName: string;
  sts: StsApi;
  redactor: Redactor;
  /** For messages: whose token this is, e.g. "serviceaccount team-a/app". */
  subject: string;
}

/**
 * AssumeRoleWithWebIdentity with a token handed in, unlike webIdentityFetcher, which asks the apiserver for
 * one (ESO's jwt auth). This is IRSA as the CSI provider does it (ASCP credential_provider/irsa): the pod's
 * own token, minted by kubelet, exchanged for its ServiceAccount's role. Wrap it in CachedCredentials so
 * the exchange happens once per credential lifetime.
 */
export function givenTokenWebIdentityFetcher(options: GivenTokenWebIdentityOptions): () => Promise<AwsCredentials> {
  const { roleArn, token, sessionName, sts, redactor, subject } = options;
  redactor.add(token);
  const what = `AssumeRoleWithWebIdentity ${roleArn} for ${subject}`;
  return async () => {
    const response = await sts.assumeRoleWithWebIdentity({ RoleArn: roleArn, RoleSessionName: sessionName, WebIdentityToken: token }).catch((err: unknown) => {
      throw callError(err, what, redactor);
    });
    const credentials = fromStsCredentials(response.Credentials, what);
    redactor.add(credentials.secretAccessKey);
    redactor.add(credentials.sessionToken);
    return credentials;
  };
}

/** A RoleSessionName from free text (namespace, pod name): allowed characters only, at most 64. */
export function roleSessionName(...parts: string[]): string {
  const name = parts
    .join(".")
    .replace(/[^\w+=,.@-]/g, "-")
    .slice(0, 64);
  return name.length >= 2 ? name : `${name}--`.slice(0, 2);
}
