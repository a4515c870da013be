/** Builders of valid store specs for tests: a minimal valid spec, overridden per case. */
import type { AwsProviderSpec, AwsStoreSpec } from "./spec.ts";

export const ACCOUNT = "123456789012";
export const roleArn = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;

export function awsSpec(overrides: Partial<AwsProviderSpec> = {}): AwsProviderSpec {
  return { service: "SecretsManager", region: "eu-west-1", ...overrides };
}

export function storeSpec(overrides: Partial<AwsProviderSpec> = {}, retrySettings?: AwsStoreSpec["retrySettings"]): AwsStoreSpec {
  return { provider: { aws: awsSpec(overrides) }, ...(retrySettings ? { retrySettings } : {}) };
}

/** `auth.secretRef` with all keys in one Secret. */
export function secretRefAuth(secret: string, options: { namespace?: string; sessionToken?: boolean } = {}): AwsProviderSpec["auth"] {
  const ref = (key: string) => ({ name: secret, key, ...(options.namespace ? { namespace: options.namespace } : {}) });
  return {
    secretRef: {
      accessKeyIDSecretRef: ref("access-key-id"),
      secretAccessKeySecretRef: ref("secret-access-key"),
      ...(options.sessionToken ? { sessionTokenSecretRef: ref("session-token") } : {}),
    },
  };
}

export function jwtAuth(serviceAccount: string, options: { namespace?: string; audiences?: string[] } = {}): AwsProviderSpec["auth"] {
  return {
    jwt: {
      serviceAccountRef: {
        name: serviceAccount,
        ...(options.namespace ? { namespace: options.namespace } : {}),
        ...(options.audiences ? { audiences: options.audiences } : {}),
      },
    },
  };
}
