/**
 * PushSecret and ClusterPushSecret (apis/externalsecrets/v1alpha1/pushsecret_types.go and
 * clusterpushsecret_types.go in ESO): a Kubernetes Secret written to a store's provider. Only v1alpha1 exists
 * in ESO, so only v1alpha1 is served here. Provider-specific `metadata` stays free-form JSON, as in ESO; the
 * AWS provider parses it (src/pushsecret/metadata.ts).
 */
import { z } from "zod";
import { API_VERSION_V1ALPHA1, KIND_CLUSTER_PUSH_SECRET, KIND_PUSH_SECRET } from "./constants.ts";
import { GO_DURATION_PATTERN } from "./duration.ts";
import { ExternalSecretTemplateSchema, GeneratorRefSchema } from "./external-secret.ts";
import { LabelSelectorSchema, ObjectMetaSchema, ObjectNameSchema, StatusConditionSchema, StringMapSchema } from "./meta.ts";
import { dateTime, exactlyOneOf, withRules } from "./schema-extensions.ts";

export const PUSH_UPDATE_POLICIES = ["Replace", "IfNotExists"] as const;
export type PushUpdatePolicy = (typeof PUSH_UPDATE_POLICIES)[number];
export const PUSH_DELETION_POLICIES = ["Delete", "None"] as const;
export type PushDeletionPolicy = (typeof PUSH_DELETION_POLICIES)[number];
export const PUSH_CONVERSION_STRATEGIES = ["None", "ReverseUnicode"] as const;
export type PushConversionStrategy = (typeof PUSH_CONVERSION_STRATEGIES)[number];

const GO_DURATION = new RegExp(GO_DURATION_PATTERN);

export const PushSecretStoreRefSchema = withRules(
  z.object({
    name: ObjectNameSchema.optional().describe("Push to the store of this name."),
    labelSelector: LabelSelectorSchema.optional().describe("Push to every store of `kind` with these labels."),
    kind: z.enum(["SecretStore", "ClusterSecretStore"]).default("SecretStore"),
  }),
  [
    {
      cel: "has(self.name) || has(self.labelSelector)",
      check: (r) => r.name !== undefined || r.labelSelector !== undefined,
      message: "a store reference needs a name or a labelSelector",
    },
  ],
);
export type PushSecretStoreRef = z.output<typeof PushSecretStoreRefSchema>;

/** Provider-specific metadata (for AWS: `kind: PushSecretMetadata` with a `spec`), kept verbatim. */
const MetadataSchema = z
  .unknown()
  .meta({ "x-kubernetes-preserve-unknown-fields": true })
  .optional()
  .describe("Provider-specific metadata, e.g. apiVersion kubernetes.external-secrets.io/v1alpha1, kind PushSecretMetadata, spec.");

export const PushSecretRemoteRefSchema = z.object({
  remoteKey: z.string().min(1).describe("The name of the provider secret (the store's prefix is prepended)."),
  property: z.string().optional().describe("Write into this key of a JSON secret (dotted paths nest) instead of the whole secret."),
});
export type PushSecretRemoteRef = z.output<typeof PushSecretRemoteRefSchema>;

export const PushSecretDataSchema = z.object({
  match: z.object({
    secretKey: z.string().optional().describe("The key of the source Secret; empty pushes the whole Secret as JSON."),
    remoteRef: PushSecretRemoteRefSchema,
  }),
  metadata: MetadataSchema,
  conversionStrategy: z.enum(PUSH_CONVERSION_STRATEGIES).default("None"),
});
export type PushSecretData = z.output<typeof PushSecretDataSchema>;

export const PushSecretRewriteSchema = exactlyOneOf(
  z.object({
    regexp: z.object({ source: z.string().describe("A Go RE2 regular expression."), target: z.string() }).optional(),
    transform: z.object({ template: z.string().describe("A Go template; .value is the key.") }).optional(),
  }),
  ["regexp", "transform"],
  "rewrite",
);
export type PushSecretRewrite = z.output<typeof PushSecretRewriteSchema>;

export const PushSecretDataToSchema = z.object({
  storeRef: PushSecretStoreRefSchema.optional().describe("The store to push to (required)."),
  match: z.object({ regexp: z.string().optional().describe("Keys matching this Go RE2 regular expression; all when empty.") }).optional(),
  rewrite: z.array(PushSecretRewriteSchema).optional(),
  metadata: MetadataSchema,
  conversionStrategy: z.enum(PUSH_CONVERSION_STRATEGIES).default("None"),
});
export type PushSecretDataTo = z.output<typeof PushSecretDataToSchema>;

export const PushSecretSelectorSchema = exactlyOneOf(
  z.object({
    secret: z
      .object({
        name: ObjectNameSchema.optional().describe("The source Secret, in the PushSecret's namespace."),
        selector: LabelSelectorSchema.optional().describe("Source Secrets by label (each is pushed)."),
      })
      .optional(),
    generatorRef: GeneratorRefSchema.optional().describe("A generator as the source (not supported by Ferry yet)."),
  }),
  ["secret", "generatorRef"],
  "selector",
);
export type PushSecretSelector = z.output<typeof PushSecretSelectorSchema>;

export const PushSecretSpecSchema = withRules(
  z.object({
    refreshInterval: z.string().regex(GO_DURATION).default("1h").describe("A Go duration between re-checks of the provider."),
    secretStoreRefs: z.array(PushSecretStoreRefSchema).default([]),
    updatePolicy: z.enum(PUSH_UPDATE_POLICIES).default("Replace"),
    deletionPolicy: z.enum(PUSH_DELETION_POLICIES).default("None"),
    selector: PushSecretSelectorSchema,
    data: z.array(PushSecretDataSchema).optional(),
    dataTo: z.array(PushSecretDataToSchema).optional(),
    template: ExternalSecretTemplateSchema.optional().describe("Applied to a copy of the source Secret before pushing."),
  }),
  [
    {
      cel: "!has(self.selector.secret) || has(self.selector.secret.name) || has(self.selector.secret.selector)",
      check: (s) => !s.selector.secret || s.selector.secret.name !== undefined || s.selector.secret.selector !== undefined,
      message: "selector.secret needs a name or a selector",
      path: ["selector", "secret"],
    },
  ],
);
export type PushSecretSpec = z.output<typeof PushSecretSpecSchema>;

export const PushSecretStatusSchema = z.object({
  refreshTime: dateTime().nullable().optional(),
  syncedResourceVersion: z.string().optional(),
  syncedPushSecrets: z
    .record(z.string(), z.record(z.string(), PushSecretDataSchema))
    .optional()
    .describe("Store (`<Kind>/<name>`) → remote key (`key` or `key/property`) → the data entry pushed there."),
  conditions: z.array(StatusConditionSchema).optional(),
});
export type PushSecretStatus = z.output<typeof PushSecretStatusSchema>;

export const PushSecretSchema = z.object({
  apiVersion: z.literal(API_VERSION_V1ALPHA1),
  kind: z.literal(KIND_PUSH_SECRET),
  metadata: ObjectMetaSchema,
  spec: PushSecretSpecSchema,
  status: PushSecretStatusSchema.optional(),
});
export type PushSecret = z.output<typeof PushSecretSchema>;

export const ClusterPushSecretSpecSchema = z.object({
  pushSecretSpec: PushSecretSpecSchema,
  refreshTime: z.string().regex(GO_DURATION).optional().describe("How often namespaces are re-checked (Ferry also watches them)."),
  pushSecretName: ObjectNameSchema.optional().describe("The name of the PushSecrets created; default: the ClusterPushSecret's name."),
  pushSecretMetadata: z.object({ annotations: StringMapSchema.optional(), labels: StringMapSchema.optional() }).optional(),
  namespaceSelectors: z.array(LabelSelectorSchema).optional().describe("Namespaces matching any of these get a PushSecret."),
});
export type ClusterPushSecretSpec = z.output<typeof ClusterPushSecretSpecSchema>;

export const ClusterPushSecretStatusSchema = z.object({
  failedNamespaces: z.array(z.object({ namespace: z.string(), reason: z.string().optional() })).optional(),
  provisionedNamespaces: z.array(z.string()).optional(),
  pushSecretName: z.string().optional(),
  conditions: z.array(StatusConditionSchema).optional(),
});
export type ClusterPushSecretStatus = z.output<typeof ClusterPushSecretStatusSchema>;

export const ClusterPushSecretSchema = z.object({
  apiVersion: z.literal(API_VERSION_V1ALPHA1),
  kind: z.literal(KIND_CLUSTER_PUSH_SECRET),
  metadata: ObjectMetaSchema,
  spec: ClusterPushSecretSpecSchema,
  status: ClusterPushSecretStatusSchema.optional(),
});
export type ClusterPushSecret = z.output<typeof ClusterPushSecretSchema>;
