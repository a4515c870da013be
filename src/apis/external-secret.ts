/**
 * ExternalSecret (apis/externalsecrets/v1/externalsecret_types.go), with the v1 defaults and the rules of
 * ESO's validating webhook (externalsecret_validator.go). Ferry has no webhook: the cheap rules run in the
 * apiserver as CEL, all of them run in parseExternalSecret for the controller and `ferry validate`.
 */
import { z } from "zod";
import { API_VERSIONS, KIND_EXTERNAL_SECRET } from "./constants.ts";
import { GO_DURATION_PATTERN } from "./duration.ts";
import { goRegexpString } from "./go-regexp.ts";
import {
  ObjectMetaSchema,
  ObjectNameSchema,
  SecretKeyNameSchema,
  StatusConditionSchema,
  StringMapSchema,
} from "./meta.ts";
import { atomic, dateTime, exactlyOneOf, preserveUnknownFields, withRules } from "./schema-extensions.ts";

/**
 * ESO's CRD default, written as ESO writes it (`+kubebuilder:default="1h"` on ExternalSecretSpec.RefreshInterval
 * in apis/externalsecrets/v1 and v1beta1): the apiserver stores the literal, so `kubectl get es` shows "1h".
 */
export const DEFAULT_REFRESH_INTERVAL = "1h";

export const SecretStoreRefSchema = z.object({
  name: ObjectNameSchema.optional().describe("Name of the SecretStore or ClusterSecretStore."),
  kind: z
    .enum(["SecretStore", "ClusterSecretStore"])
    .optional()
    .describe("SecretStore (when empty) or ClusterSecretStore."),
});
export type SecretStoreRef = z.output<typeof SecretStoreRefSchema>;

export const CREATION_POLICIES = ["Owner", "Orphan", "Merge", "None", "CreateOrMerge"] as const;
export type CreationPolicy = (typeof CREATION_POLICIES)[number];
export const DELETION_POLICIES = ["Delete", "Merge", "Retain"] as const;
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];
export const REFRESH_POLICIES = ["CreatedOnce", "Periodic", "OnChange"] as const;
export type RefreshPolicy = (typeof REFRESH_POLICIES)[number];
export const CONVERSION_STRATEGIES = ["Default", "Unicode"] as const;
export const DECODING_STRATEGIES = ["Auto", "Base64", "Base64URL", "None"] as const;
export const METADATA_POLICIES = ["None", "Fetch"] as const;
export const NULL_BYTE_POLICIES = ["Ignore", "Fail"] as const;

const ConversionStrategySchema = z.enum(CONVERSION_STRATEGIES).default("Default");
const DecodingStrategySchema = z.enum(DECODING_STRATEGIES).default("None");
const NullBytePolicySchema = z.enum(NULL_BYTE_POLICIES).default("Ignore");

/** Where a value lives in the provider (`data[].remoteRef`, `dataFrom[].extract`). */
export const ExternalSecretDataRemoteRefSchema = z.object({
  key: z.string().describe("The key in the provider (secret name or parameter name)."),
  property: z.string().optional().describe("A gjson path into the value, when it is JSON."),
  version: z.string().optional().describe("Secrets Manager: a stage label or uuid/<VersionId>; SSM: a version or label."),
  conversionStrategy: ConversionStrategySchema,
  decodingStrategy: DecodingStrategySchema,
  metadataPolicy: z.enum(METADATA_POLICIES).default("None").describe("Fetch reads the secret's tags instead of its value."),
  nullBytePolicy: NullBytePolicySchema,
});
export type ExternalSecretDataRemoteRef = z.output<typeof ExternalSecretDataRemoteRefSchema>;

export const GeneratorRefSchema = z.object({
  apiVersion: z.string().default("generators.external-secrets.io/v1alpha1"),
  kind: z.string().min(1),
  name: ObjectNameSchema,
});
export type GeneratorRef = z.output<typeof GeneratorRefSchema>;

/** `data[].sourceRef`: override the store for one entry (generatorRef is deprecated there, as in ESO). */
export const StoreSourceRefSchema = exactlyOneOf(
  z.object({ storeRef: SecretStoreRefSchema.optional(), generatorRef: GeneratorRefSchema.optional() }),
  ["storeRef", "generatorRef"],
  "sourceRef",
);
export type StoreSourceRef = z.output<typeof StoreSourceRefSchema>;

export const ExternalSecretDataSchema = z.object({
  secretKey: SecretKeyNameSchema.describe("The key in the Kubernetes Secret."),
  remoteRef: ExternalSecretDataRemoteRefSchema,
  sourceRef: StoreSourceRefSchema.optional(),
});
export type ExternalSecretData = z.output<typeof ExternalSecretDataSchema>;

export const ExternalSecretFindSchema = z.object({
  path: z.string().optional().describe("A name prefix to search under."),
  name: z.object({ regexp: goRegexpString("A Go RE2 regular expression.").optional() }).optional(),
  tags: StringMapSchema.optional().describe("Tags the secrets must carry."),
  conversionStrategy: ConversionStrategySchema,
  decodingStrategy: DecodingStrategySchema,
  nullBytePolicy: NullBytePolicySchema,
});
export type ExternalSecretFind = z.output<typeof ExternalSecretFindSchema>;

export const ExternalSecretRewriteSchema = exactlyOneOf(
  z.object({
    regexp: z
      .object({
        source: goRegexpString("A Go RE2 regular expression."),
        target: z.string().describe("The replacement, with $1-style references."),
      })
      .optional(),
    transform: z.object({ template: z.string().describe("A Go template; .value is the key.") }).optional(),
    merge: z
      .object({
        into: z.string().default("").describe("Target key; required with strategy JSON."),
        priority: z.array(z.string()).optional(),
        priorityPolicy: z.enum(["Strict", "IgnoreNotFound"]).default("Strict"),
        conflictPolicy: z.enum(["Error", "Ignore"]).default("Error"),
        strategy: z.enum(["Extract", "JSON"]).default("Extract"),
      })
      .optional(),
  }),
  ["regexp", "transform", "merge"],
  "rewrite",
);
export type ExternalSecretRewrite = z.output<typeof ExternalSecretRewriteSchema>;

export const StoreGeneratorSourceRefSchema = exactlyOneOf(
  z.object({ storeRef: SecretStoreRefSchema.optional(), generatorRef: GeneratorRefSchema.optional() }),
  ["storeRef", "generatorRef"],
  "sourceRef",
);
export type StoreGeneratorSourceRef = z.output<typeof StoreGeneratorSourceRefSchema>;

export const ExternalSecretDataFromRemoteRefSchema = withRules(
  z.object({
    extract: ExternalSecretDataRemoteRefSchema.optional().describe("All top-level keys of one JSON secret."),
    find: ExternalSecretFindSchema.optional().describe("Many secrets, by name pattern, path and tags."),
    rewrite: z.array(ExternalSecretRewriteSchema).optional().describe("Key rewrites, applied in order."),
    sourceRef: StoreGeneratorSourceRefSchema.optional(),
  }),
  [
    {
      cel: "(has(self.extract) ? 1 : 0) + (has(self.find) ? 1 : 0) + (has(self.sourceRef) && has(self.sourceRef.generatorRef) ? 1 : 0) <= 1",
      check: (d) => [d.extract, d.find, d.sourceRef?.generatorRef].filter((x) => x !== undefined).length <= 1,
      message: "extract, find, or generatorRef cannot be set at the same time",
    },
    {
      cel: "has(self.extract) || has(self.find) || has(self.sourceRef)",
      check: (d) => d.extract !== undefined || d.find !== undefined || d.sourceRef !== undefined,
      message: "either extract, find, or sourceRef must be set to dataFrom",
    },
  ],
);
export type ExternalSecretDataFromRemoteRef = z.output<typeof ExternalSecretDataFromRemoteRefSchema>;

const TemplateRefSchema = z.object({
  name: ObjectNameSchema,
  items: z.array(
    z.object({
      key: SecretKeyNameSchema,
      templateAs: z.enum(["Values", "KeysAndValues"]).default("Values"),
    }),
  ),
});

/**
 * `target.template.templateFrom[]`. The fields Ferry will interpret are typed; the entry preserves the rest
 * (e.g. newer ESO fields) so manifests using them still apply.
 */
export const TemplateFromSchema = preserveUnknownFields(
  z.looseObject({
    configMap: TemplateRefSchema.optional(),
    secret: TemplateRefSchema.optional(),
    target: z.string().default("Data").describe("Data, Annotations or Labels (dotted paths for manifest targets)."),
    literal: z.string().optional(),
  }),
);
export type TemplateFrom = z.output<typeof TemplateFromSchema>;

/** Secret types ESO refuses to template: creating them would mint credentials for the cluster. */
export const FORBIDDEN_TEMPLATE_TYPES = ["kubernetes.io/service-account-token", "bootstrap.kubernetes.io/token"] as const;

export const ExternalSecretTemplateSchema = withRules(
  z.object({
    type: z.string().optional().describe("The Secret type."),
    engineVersion: z.enum(["v2"]).default("v2"),
    metadata: z
      .object({
        annotations: StringMapSchema.optional(),
        labels: StringMapSchema.optional(),
        finalizers: z.array(z.string()).optional(),
      })
      .optional(),
    mergePolicy: z.enum(["Replace", "Merge"]).default("Replace"),
    data: StringMapSchema.optional().describe("Secret keys to Go templates."),
    templateFrom: z.array(TemplateFromSchema).optional(),
  }),
  [
    {
      cel: `!has(self.type) || !(self.type in [${FORBIDDEN_TEMPLATE_TYPES.map((t) => `'${t}'`).join(", ")}])`,
      check: (t) => t.type === undefined || !(FORBIDDEN_TEMPLATE_TYPES as readonly string[]).includes(t.type),
      message: `templates must not create Secrets of type ${FORBIDDEN_TEMPLATE_TYPES.join(" or ")}`,
      path: ["type"],
    },
  ],
);
export type ExternalSecretTemplate = z.output<typeof ExternalSecretTemplateSchema>;

export const ExternalSecretTargetSchema = withRules(
  z.object({
    name: ObjectNameSchema.optional().describe("The Secret's name; defaults to the ExternalSecret's name."),
    creationPolicy: z.enum(CREATION_POLICIES).default("Owner"),
    deletionPolicy: z
      .enum(DELETION_POLICIES)
      .default("Retain")
      .describe("What happens to the Secret when the provider no longer has the data."),
    template: ExternalSecretTemplateSchema.optional(),
    manifest: preserveUnknownFields(z.looseObject({ apiVersion: z.string(), kind: z.string() }))
      .optional()
      .describe("Render into another resource kind instead of a Secret (not supported by Ferry yet)."),
    immutable: z.boolean().optional(),
  }),
  [
    {
      cel: "!(self.deletionPolicy == 'Delete' && self.creationPolicy in ['Merge', 'None', 'CreateOrMerge'])",
      check: (t) => !(t.deletionPolicy === "Delete" && ["Merge", "None", "CreateOrMerge"].includes(t.creationPolicy)),
      message: "deletionPolicy=Delete must not be used when the controller doesn't own the secret. Please set creationPolicy=Owner",
      path: ["deletionPolicy"],
    },
    {
      cel: "!(self.deletionPolicy == 'Merge' && self.creationPolicy == 'None')",
      check: (t) => !(t.deletionPolicy === "Merge" && t.creationPolicy === "None"),
      message: "deletionPolicy=Merge must not be used with creationPolicy=None. There is no Secret to merge with",
      path: ["deletionPolicy"],
    },
  ],
);
export type ExternalSecretTarget = z.output<typeof ExternalSecretTargetSchema>;

const GO_DURATION = new RegExp(GO_DURATION_PATTERN);

export const ExternalSecretSpecSchema = withRules(
  z.object({
    secretStoreRef: SecretStoreRefSchema.optional().describe("The store to read from."),
    target: ExternalSecretTargetSchema.default({ creationPolicy: "Owner", deletionPolicy: "Retain" }),
    refreshPolicy: z.enum(REFRESH_POLICIES).optional().describe("Empty behaves as Periodic."),
    refreshInterval: z
      .string()
      .regex(GO_DURATION)
      .default(DEFAULT_REFRESH_INTERVAL)
      .describe('A Go duration between reads from the provider, e.g. "1h", "10m". 0 reads once.'),
    // ESO's syncWindows (allow/deny cron windows). Accepted as written so manifests apply; not interpreted yet.
    syncWindows: z.unknown().meta({ "x-kubernetes-preserve-unknown-fields": true }).optional(),
    data: z.array(ExternalSecretDataSchema).optional().describe("Secret keys, each from one remote value."),
    dataFrom: z
      .array(ExternalSecretDataFromRemoteRefSchema)
      .optional()
      .describe("Secret keys from whole remote secrets, merged in order."),
  }),
  [
    {
      cel: "(has(self.data) && size(self.data) > 0) || (has(self.dataFrom) && size(self.dataFrom) > 0)",
      check: (s) => (s.data?.length ?? 0) > 0 || (s.dataFrom?.length ?? 0) > 0,
      message: "either data or dataFrom should be specified",
    },
    {
      // Only with Retain, as ESO: with Delete or Merge a missing remote value is skipped, so a repeated
      // secretKey is a deliberate fallback. No CEL form: pairwise comparison over an unbounded list is
      // beyond the apiserver's cost budget.
      check: (s) => s.target.deletionPolicy !== "Retain" || duplicateSecretKeys(s.data ?? []).length === 0,
      message: "duplicate secretKey found",
      detail: (s) => duplicateSecretKeys(s.data ?? []).join(", "),
      path: ["data"],
    },
  ],
);
export type ExternalSecretSpec = z.output<typeof ExternalSecretSpecSchema>;

/** secretKeys that occur more than once in data[], in order of first repetition. */
export function duplicateSecretKeys(data: readonly { secretKey: string }[]): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const { secretKey } of data) {
    if (seen.has(secretKey)) duplicates.add(secretKey);
    seen.add(secretKey);
  }
  return [...duplicates];
}

export const ExternalSecretStatusSchema = z.object({
  refreshTime: dateTime().nullable().optional().describe("Start of the last successful sync."),
  syncedResourceVersion: z.string().optional().describe("<generation>-<hash of labels and annotations> last synced."),
  conditions: z.array(StatusConditionSchema).optional(),
  binding: atomic(z.object({ name: z.string().default("") })).optional().describe("servicebinding.io reference to the Secret."),
});
export type ExternalSecretStatus = z.output<typeof ExternalSecretStatusSchema>;

export const ExternalSecretSchema = z.object({
  apiVersion: z.enum(API_VERSIONS),
  kind: z.literal(KIND_EXTERNAL_SECRET),
  metadata: ObjectMetaSchema,
  spec: ExternalSecretSpecSchema,
  status: ExternalSecretStatusSchema.optional(),
});
export type ExternalSecret = z.output<typeof ExternalSecretSchema>;
