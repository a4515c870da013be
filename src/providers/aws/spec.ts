/**
 * `spec.provider.aws` of a SecretStore / ClusterSecretStore, with ESO v1's field names and optional-ness
 * (apis/externalsecrets/v1/secretstore_aws_types.go), so ESO manifests apply unchanged. The zod schemas in
 * src/apis describe the same shape; these types are what the provider reads.
 */

/** ESO's esmeta.SecretKeySelector. `namespace` is honoured only for a ClusterSecretStore. */
export interface SecretKeySelector {
  /** Optional in ESO's type (omitempty); validateAwsStore reports it missing. */
  name?: string | undefined;
  namespace?: string | undefined;
  key?: string | undefined;
}

/** ESO's esmeta.ServiceAccountSelector. */
export interface ServiceAccountSelector {
  /** Optional in ESO's type (omitempty); validateAwsStore reports it missing. */
  name?: string | undefined;
  namespace?: string | undefined;
  /** Appended to the token audience (`sts.amazonaws.com` or the ServiceAccount's `eks.amazonaws.com/audience`). */
  audiences?: string[] | undefined;
}

export interface AwsAuthSecretRef {
  accessKeyIDSecretRef?: SecretKeySelector | undefined;
  secretAccessKeySecretRef?: SecretKeySelector | undefined;
  sessionTokenSecretRef?: SecretKeySelector | undefined;
}

export interface AwsJwtAuth {
  serviceAccountRef?: ServiceAccountSelector | undefined;
}

/** At most one of `secretRef` and `jwt`; neither means the SDK default chain (IRSA, Pod Identity, node role). */
export interface AwsAuth {
  secretRef?: AwsAuthSecretRef | undefined;
  jwt?: AwsJwtAuth | undefined;
}

export interface AwsSessionTag {
  key: string;
  value: string;
}

/** Used only when a PushSecret deletes a secret. */
export interface AwsSecretsManagerOptions {
  forceDeleteWithoutRecovery?: boolean | undefined;
  recoveryWindowInDays?: number | undefined;
}

export type AwsService = "SecretsManager" | "ParameterStore";

/** None (default) | Simple (esoNamespace, esoStoreName, esoStoreKind session tags) | Custom (those plus customSessionTags). */
export type AwsSessionTagsPolicy = "None" | "Simple" | "Custom";

export interface AwsProviderSpec {
  service: AwsService;
  region: string;
  auth?: AwsAuth | undefined;
  /** Assumed last, with externalID, sessionTags and transitiveTagKeys. */
  role?: string | undefined;
  /** Assumed in order, before `role` (cross-account hops). */
  additionalRoles?: string[] | undefined;
  externalID?: string | undefined;
  sessionTags?: AwsSessionTag[] | undefined;
  transitiveTagKeys?: string[] | undefined;
  sessionTagsPolicy?: AwsSessionTagsPolicy | undefined;
  customSessionTags?: Record<string, string> | undefined;
  /** Prepended verbatim to every remote key. */
  prefix?: string | undefined;
  secretsManager?: AwsSecretsManagerOptions | undefined;
}

/** `spec.retrySettings` of the store. */
export interface RetrySettings {
  maxRetries?: number | undefined;
  /** A Go duration, e.g. "10s". */
  retryInterval?: string | undefined;
}

/** The part of a store's spec the AWS provider reads. */
export interface AwsStoreSpec {
  provider: { aws: AwsProviderSpec };
  retrySettings?: RetrySettings | undefined;
}

export const AWS_SPEC_PATH = "spec.provider.aws";
