/**
 * `spec.provider.aws` of SecretStore / ClusterSecretStore, field for field as ESO's AWSProvider
 * (apis/externalsecrets/v1/secretstore_aws_types.go).
 */
import { z } from "zod";
import { SecretKeySelectorSchema, ServiceAccountSelectorSchema, type SecretKeySelector } from "./meta.ts";
import { withRules } from "./schema-extensions.ts";

export const AWS_SERVICES = ["SecretsManager", "ParameterStore"] as const;
export const AWSServiceSchema = z.enum(AWS_SERVICES);
export type AWSService = z.output<typeof AWSServiceSchema>;

// Both references need a name and a key. ESO's CRD does not require them (it fails later, when building the
// client), so this is not CEL either: such a store applies and reports InvalidProviderConfig.
const completeSelector = (ref: SecretKeySelector | undefined) => ref?.name !== undefined && ref.key !== undefined;

export const AWSAuthSecretRefSchema = withRules(
  z.object({
    accessKeyIDSecretRef: SecretKeySelectorSchema.optional().describe("The AccessKeyID used for authentication."),
    secretAccessKeySecretRef: SecretKeySelectorSchema.optional().describe("The SecretAccessKey used for authentication."),
    sessionTokenSecretRef: SecretKeySelectorSchema.optional().describe(
      "The SessionToken, required when the access key is temporary.",
    ),
  }),
  [
    {
      check: (r) => completeSelector(r.accessKeyIDSecretRef),
      message: "Required: name and key of the Secret that holds the access key id",
      path: ["accessKeyIDSecretRef"],
    },
    {
      check: (r) => completeSelector(r.secretAccessKeySecretRef),
      message: "Required: name and key of the Secret that holds the secret access key",
      path: ["secretAccessKeySecretRef"],
    },
    {
      check: (r) => r.sessionTokenSecretRef === undefined || completeSelector(r.sessionTokenSecretRef),
      message: "Required: name and key of the Secret that holds the session token",
      path: ["sessionTokenSecretRef"],
    },
  ],
);
export type AWSAuthSecretRef = z.output<typeof AWSAuthSecretRefSchema>;

export const AWSJWTAuthSchema = z.object({
  serviceAccountRef: ServiceAccountSelectorSchema.optional().describe(
    "ServiceAccount whose token is exchanged with STS AssumeRoleWithWebIdentity (role from its eks.amazonaws.com/role-arn annotation).",
  ),
});
export type AWSJWTAuth = z.output<typeof AWSJWTAuthSchema>;

export const AWSAuthSchema = withRules(
  z
    .object({
      secretRef: AWSAuthSecretRefSchema.optional(),
      jwt: AWSJWTAuthSchema.optional(),
    })
    .describe("How to authenticate with AWS. Neither set: the controller's own credentials (SDK default chain)."),
  [
    {
      cel: "!(has(self.secretRef) && has(self.jwt))",
      check: (a) => !(a.secretRef && a.jwt),
      message: "only one of secretRef or jwt can be specified",
    },
  ],
);
export type AWSAuth = z.output<typeof AWSAuthSchema>;

export const AWSTagSchema = z.object({ key: z.string(), value: z.string() });
export type AWSTag = z.output<typeof AWSTagSchema>;

export const SecretsManagerSettingsSchema = z
  .object({
    forceDeleteWithoutRecovery: z.boolean().optional(),
    recoveryWindowInDays: z.number().int().optional().describe("7 to 30 days before deletion is permanent."),
  })
  .describe("Secrets Manager behaviour when a PushSecret deletes a secret.");
export type SecretsManagerSettings = z.output<typeof SecretsManagerSettingsSchema>;

export const SESSION_TAGS_POLICIES = ["None", "Simple", "Custom"] as const;

export const AWSProviderSchema = z.object({
  service: AWSServiceSchema.describe("The AWS service secrets are read from."),
  region: z.string().min(1).describe("The AWS region."),
  auth: AWSAuthSchema.optional(),
  role: z.string().optional().describe("A role ARN assumed after the base credentials are obtained."),
  additionalRoles: z.array(z.string()).optional().describe("Role ARNs assumed in order before `role`."),
  externalID: z.string().optional().describe("External ID for the final `role` assumption."),
  sessionTags: z.array(AWSTagSchema).optional().describe("STS session tags for the `role` assumption."),
  transitiveTagKeys: z.array(z.string()).optional(),
  // Newer ESO fields, accepted so such manifests apply; see sessionTagsPolicy in ESO's AWSProvider.
  sessionTagsPolicy: z.enum(SESSION_TAGS_POLICIES).default("None"),
  customSessionTags: z.record(z.string(), z.string()).optional(),
  secretsManager: SecretsManagerSettingsSchema.optional(),
  prefix: z.string().optional().describe("Prepended verbatim to every remote key."),
});
export type AWSProvider = z.output<typeof AWSProviderSchema>;
