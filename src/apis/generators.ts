/**
 * The generators of ESO's `generators.external-secrets.io/v1alpha1` that matter to AWS users, field for field
 * as ESO's types (apis/generators/v1alpha1: types_ecr.go, types_sts.go, types_password.go, types_uuid.go,
 * types_cluster.go). ESO's generator CRDs carry no CEL and no status schema; neither do these, so a manifest
 * that applies to ESO applies here. The rules ESO checks only when generating are enforced by the generators
 * (src/generators) and by `ferry validate`.
 */
import { z } from "zod";
import { ObjectMetaSchema, SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "./meta.ts";
import { preserveUnknownFields, withRules } from "./schema-extensions.ts";

export const GENERATORS_GROUP = "generators.external-secrets.io";
export const GENERATORS_VERSION = "v1alpha1";
export const GENERATORS_API_VERSION = `${GENERATORS_GROUP}/${GENERATORS_VERSION}`;

export const KIND_ECR_AUTHORIZATION_TOKEN = "ECRAuthorizationToken";
export const KIND_STS_SESSION_TOKEN = "STSSessionToken";
export const KIND_PASSWORD = "Password";
export const KIND_UUID = "UUID";
export const KIND_CLUSTER_GENERATOR = "ClusterGenerator";

/** The namespaced generator kinds Ferry runs. */
export const GENERATOR_KINDS = [KIND_ECR_AUTHORIZATION_TOKEN, KIND_STS_SESSION_TOKEN, KIND_PASSWORD, KIND_UUID] as const;
export type GeneratorKind = (typeof GENERATOR_KINDS)[number];

/**
 * ESO's GeneratorKind enum (types_cluster.go, +kubebuilder:validation:Enum), so every ClusterGenerator ESO
 * accepts applies; the kinds Ferry does not run get a clear condition when referenced.
 */
export const ESO_CLUSTER_GENERATOR_KINDS = [
  "ACRAccessToken",
  "CloudsmithAccessToken",
  "ECRAuthorizationToken",
  "Fake",
  "GCRAccessToken",
  "GithubAccessToken",
  "QuayAccessToken",
  "Password",
  "SSHKey",
  "STSSessionToken",
  "UUID",
  "VaultDynamicSecret",
  "Webhook",
  "Grafana",
] as const;

/** Plural resource names, as ESO's CRDs. */
export const GENERATOR_PLURALS: Readonly<Record<GeneratorKind | typeof KIND_CLUSTER_GENERATOR, string>> = {
  ECRAuthorizationToken: "ecrauthorizationtokens",
  STSSessionToken: "stssessiontokens",
  Password: "passwords",
  UUID: "uuids",
  ClusterGenerator: "clustergenerators",
};

/**
 * The generators' AWSAuth (types_ecr.go): secretRef or jwt, neither meaning the controller's own credentials.
 * ESO's CRD has no CEL for "only one"; the generator refuses both at once, as the store's auth chain does.
 */
export const GeneratorAWSAuthSchema = withRules(
  z
    .object({
      secretRef: z
        .object({
          accessKeyIDSecretRef: SecretKeySelectorSchema.optional().describe("The AccessKeyID is used for authentication"),
          secretAccessKeySecretRef: SecretKeySelectorSchema.optional().describe("The SecretAccessKey is used for authentication"),
          sessionTokenSecretRef: SecretKeySelectorSchema.optional().describe("The SessionToken, required when the access key is temporary."),
        })
        .optional()
        .describe("Static keys from Secrets in the referrer's namespace."),
      jwt: z
        .object({ serviceAccountRef: ServiceAccountSelectorSchema.optional() })
        .optional()
        .describe("A ServiceAccount token exchanged with STS AssumeRoleWithWebIdentity (IRSA)."),
    })
    .describe("How to authenticate with AWS. Neither set: the controller's own credentials (SDK default chain)."),
  [{ check: (a) => !(a.secretRef && a.jwt), message: "only one of secretRef or jwt can be specified" }],
);
export type GeneratorAWSAuth = z.output<typeof GeneratorAWSAuthSchema>;

export const ECRAuthorizationTokenSpecSchema = z
  .object({
    region: z.string().describe("Region specifies the region to operate in."),
    auth: GeneratorAWSAuthSchema.optional(),
    role: z.string().optional().describe("A role ARN assumed before calling ECR."),
    scope: z.string().optional().describe("The ECR service scope: private (default) or public."),
  })
  .describe("ECRAuthorizationTokenSpec defines the desired state to generate an AWS ECR authorization token.");
export type ECRAuthorizationTokenSpec = z.output<typeof ECRAuthorizationTokenSpecSchema>;

export const STSSessionTokenSpecSchema = z
  .object({
    region: z.string().describe("Region specifies the region to operate in."),
    auth: GeneratorAWSAuthSchema.optional(),
    role: z.string().optional().describe("A role ARN assumed before calling STS."),
    requestParameters: z
      .object({
        sessionDuration: z.number().int().optional().describe("Seconds the credentials stay valid (900 to 129,600; AWS default 43,200)."),
        serialNumber: z.string().optional().describe("The MFA device's serial number or ARN, when MFA is required."),
        tokenCode: z.string().optional().describe("The MFA device's current code, when MFA is required."),
      })
      .optional()
      .describe("Parameters passed to GetSessionToken."),
  })
  .describe("STSSessionTokenSpec defines the desired state to generate an AWS STS session token.");
export type STSSessionTokenSpec = z.output<typeof STSSessionTokenSpecSchema>;

export const PASSWORD_ENCODINGS = ["base64", "base64url", "base32", "hex", "raw"] as const;

export const PasswordSpecSchema = z
  .object({
    length: z.number().int().default(24).describe("Length of the password to be generated. Defaults to 24"),
    digits: z.number().int().optional().describe("Number of digits; 25% of the length when omitted."),
    symbols: z.number().int().optional().describe("Number of symbol characters; 25% of the length when omitted."),
    symbolCharacters: z.string().optional().describe("The symbol characters to use (default ~!@#$%^&*()_+`-={}|[]\\:\"<>?,./)."),
    noUpper: z.boolean().default(false).describe("Set NoUpper to disable uppercase characters"),
    allowRepeat: z.boolean().default(false).describe("set AllowRepeat to true to allow repeating characters."),
    encoding: z.enum(PASSWORD_ENCODINGS).default("raw").describe("Encoding of the generated password: raw (default), base64, base64url, base32 or hex."),
  })
  .describe("PasswordSpec controls the behavior of the password generator.");
export type PasswordSpec = z.output<typeof PasswordSpecSchema>;

export const UUIDSpecSchema = z.object({}).describe("UUIDSpec controls the behavior of the uuid generator.");
export type UUIDSpec = z.output<typeof UUIDSpecSchema>;

/** Specs of ESO generator kinds Ferry does not run: kept as written so ESO's ClusterGenerators apply. */
const foreignSpec = () => preserveUnknownFields(z.looseObject({})).optional().describe("Not run by Ferry.");

export const ClusterGeneratorSpecSchema = z
  .object({
    kind: z.enum(ESO_CLUSTER_GENERATOR_KINDS).describe("Kind the kind of this generator."),
    generator: z
      .object({
        acrAccessTokenSpec: foreignSpec(),
        cloudsmithAccessTokenSpec: foreignSpec(),
        ecrAuthorizationTokenSpec: ECRAuthorizationTokenSpecSchema.optional(),
        fakeSpec: foreignSpec(),
        gcrAccessTokenSpec: foreignSpec(),
        githubAccessTokenSpec: foreignSpec(),
        quayAccessTokenSpec: foreignSpec(),
        passwordSpec: PasswordSpecSchema.optional(),
        sshKeySpec: foreignSpec(),
        stsSessionTokenSpec: STSSessionTokenSpecSchema.optional(),
        uuidSpec: UUIDSpecSchema.optional(),
        vaultDynamicSecretSpec: foreignSpec(),
        webhookSpec: foreignSpec(),
        grafanaSpec: foreignSpec(),
        mfaSpec: foreignSpec(),
      })
      .meta({ minProperties: 1, maxProperties: 1 })
      .describe("Generator the spec for this generator, must match the kind."),
  })
  .describe("ClusterGeneratorSpec defines the desired state of a ClusterGenerator.");
export type ClusterGeneratorSpec = z.output<typeof ClusterGeneratorSpecSchema>;

/** The field of ClusterGenerator.spec.generator that holds each kind's spec (ESO's clusterGeneratorToVirtual). */
export const CLUSTER_GENERATOR_SPEC_FIELD: Readonly<Record<(typeof ESO_CLUSTER_GENERATOR_KINDS)[number], string>> = {
  ACRAccessToken: "acrAccessTokenSpec",
  CloudsmithAccessToken: "cloudsmithAccessTokenSpec",
  ECRAuthorizationToken: "ecrAuthorizationTokenSpec",
  Fake: "fakeSpec",
  GCRAccessToken: "gcrAccessTokenSpec",
  GithubAccessToken: "githubAccessTokenSpec",
  QuayAccessToken: "quayAccessTokenSpec",
  Password: "passwordSpec",
  SSHKey: "sshKeySpec",
  STSSessionToken: "stsSessionTokenSpec",
  UUID: "uuidSpec",
  VaultDynamicSecret: "vaultDynamicSecretSpec",
  Webhook: "webhookSpec",
  Grafana: "grafanaSpec",
};

const envelope = <K extends string, S extends z.ZodType>(kind: K, spec: S) =>
  z.object({
    apiVersion: z.literal(GENERATORS_API_VERSION),
    kind: z.literal(kind),
    metadata: ObjectMetaSchema,
    spec,
  });

// UUID's spec is empty and optional in ESO (`spec,omitempty`): a manifest without spec is a valid UUID.
export const ECRAuthorizationTokenSchema = envelope(KIND_ECR_AUTHORIZATION_TOKEN, ECRAuthorizationTokenSpecSchema);
export const STSSessionTokenSchema = envelope(KIND_STS_SESSION_TOKEN, STSSessionTokenSpecSchema);
export const PasswordSchema = envelope(KIND_PASSWORD, PasswordSpecSchema.default({ length: 24, noUpper: false, allowRepeat: false, encoding: "raw" }));
export const UUIDSchema = envelope(KIND_UUID, UUIDSpecSchema.default({}));
export const ClusterGeneratorSchema = envelope(KIND_CLUSTER_GENERATOR, ClusterGeneratorSpecSchema);

export type ECRAuthorizationToken = z.output<typeof ECRAuthorizationTokenSchema>;
export type STSSessionToken = z.output<typeof STSSessionTokenSchema>;
export type Password = z.output<typeof PasswordSchema>;
export type UUID = z.output<typeof UUIDSchema>;
export type ClusterGenerator = z.output<typeof ClusterGeneratorSchema>;

/** A generator's kind and its parsed spec: what a namespaced generator or a ClusterGenerator resolves to. */
export type GeneratorDefinition =
  | { kind: "ECRAuthorizationToken"; spec: ECRAuthorizationTokenSpec }
  | { kind: "STSSessionToken"; spec: STSSessionTokenSpec }
  | { kind: "Password"; spec: PasswordSpec }
  | { kind: "UUID"; spec: UUIDSpec };

export const GENERATOR_SPEC_SCHEMAS = {
  ECRAuthorizationToken: ECRAuthorizationTokenSpecSchema,
  STSSessionToken: STSSessionTokenSpecSchema,
  Password: PasswordSpecSchema,
  UUID: UUIDSpecSchema,
} as const;
