/**
 * SecretStore and ClusterSecretStore (apis/externalsecrets/v1/secretstore_types.go). Both kinds share one
 * spec, as in ESO; `conditions` only means something on a ClusterSecretStore.
 */
import { z } from "zod";
import { AWSProviderSchema } from "./aws-provider.ts";
import { API_VERSIONS, KIND_CLUSTER_SECRET_STORE, KIND_SECRET_STORE } from "./constants.ts";
import { GO_DURATION_PATTERN } from "./duration.ts";
import { goRegexpString } from "./go-regexp.ts";
import { LabelSelectorSchema, NamespaceNameSchema, ObjectMetaSchema, StatusConditionSchema } from "./meta.ts";
import { intOrString, withRules } from "./schema-extensions.ts";

const GO_DURATION = new RegExp(GO_DURATION_PATTERN);

/**
 * `spec.provider`: ESO's one-of union of ~45 providers. Ferry types only `aws`; every other provider block
 * is preserved as written (x-kubernetes-preserve-unknown-fields) so a user's mixed manifests still apply,
 * and the store controller reports such a store as "provider X is not supported by Ferry".
 */
export const SecretStoreProviderSchema = withRules(
  z
    .looseObject({
      aws: AWSProviderSchema.optional().describe("AWS Secrets Manager or SSM Parameter Store."),
    })
    .describe("The provider configuration. Exactly one provider may be set.")
    .meta({ "x-kubernetes-preserve-unknown-fields": true, minProperties: 1, maxProperties: 1 }),
  [
    {
      check: (p) => Object.keys(p).length === 1,
      message: "exactly one provider must be set",
    },
  ],
);
export type SecretStoreProvider = z.output<typeof SecretStoreProviderSchema>;

/** The configured provider's key (`aws`, `vault`, …), for routing and the "not supported by Ferry" message. */
export function providerName(provider: SecretStoreProvider): string | undefined {
  return Object.keys(provider)[0];
}

export const SecretStoreRetrySettingsSchema = z.object({
  maxRetries: z.number().int().optional(),
  retryInterval: z.string().regex(GO_DURATION).optional().describe("A Go duration between retries, e.g. 5s."),
});
export type SecretStoreRetrySettings = z.output<typeof SecretStoreRetrySettingsSchema>;

export const ClusterSecretStoreConditionSchema = z.object({
  namespaceSelector: LabelSelectorSchema.optional().describe("Namespaces by label selector."),
  namespaces: z.array(NamespaceNameSchema).optional().describe("Namespaces by name."),
  namespaceRegexes: z.array(goRegexpString("A Go RE2 regular expression.")).optional().describe("Namespaces by regular expression."),
});
export type ClusterSecretStoreCondition = z.output<typeof ClusterSecretStoreConditionSchema>;

export const SecretStoreSpecSchema = z.object({
  controller: z.string().optional().describe("Selects the controller class that handles this store."),
  provider: SecretStoreProviderSchema,
  retrySettings: SecretStoreRetrySettingsSchema.optional().describe("Retries of provider API calls."),
  refreshInterval: intOrString(GO_DURATION)
    .optional()
    .describe("Store re-validation interval: seconds, or a Go duration. Empty or 0: the controller default."),
  conditions: z
    .array(ClusterSecretStoreConditionSchema)
    .optional()
    .describe("ClusterSecretStore only: the namespaces whose ExternalSecrets may use this store."),
});
export type SecretStoreSpec = z.output<typeof SecretStoreSpecSchema>;

export const SecretStoreCapabilitiesSchema = z.enum(["ReadOnly", "WriteOnly", "ReadWrite"]);
export type SecretStoreCapabilities = z.output<typeof SecretStoreCapabilitiesSchema>;

export const SecretStoreStatusSchema = z.object({
  conditions: z.array(StatusConditionSchema).optional(),
  capabilities: SecretStoreCapabilitiesSchema.optional(),
});
export type SecretStoreStatus = z.output<typeof SecretStoreStatusSchema>;

export const SecretStoreSchema = z
  .object({
    apiVersion: z.enum(API_VERSIONS),
    kind: z.literal(KIND_SECRET_STORE),
    metadata: ObjectMetaSchema,
    spec: SecretStoreSpecSchema,
    status: SecretStoreStatusSchema.optional(),
  })
  .superRefine((store, ctx) => {
    // ESO's ValidateSecretSelector: a namespaced store may only reference objects in its own namespace.
    for (const { path, namespace } of namespacedReferences(store.spec)) {
      if (namespace !== undefined && namespace !== store.metadata.namespace) {
        ctx.addIssue({ code: "custom", path: ["spec", ...path, "namespace"], message: NAMESPACE_MISMATCH });
      }
    }
  });
export type SecretStore = z.output<typeof SecretStoreSchema>;

export const ClusterSecretStoreSchema = z.object({
  apiVersion: z.enum(API_VERSIONS),
  kind: z.literal(KIND_CLUSTER_SECRET_STORE),
  metadata: ObjectMetaSchema,
  spec: SecretStoreSpecSchema,
  status: SecretStoreStatusSchema.optional(),
});
export type ClusterSecretStore = z.output<typeof ClusterSecretStoreSchema>;

const NAMESPACE_MISMATCH =
  "namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore";

/** The Secret and ServiceAccount references of a store spec that may carry a namespace, with their paths. */
export function namespacedReferences(spec: SecretStoreSpec): { path: string[]; namespace: string | undefined }[] {
  const auth = spec.provider.aws?.auth;
  const refs: { path: string[]; namespace: string | undefined }[] = [];
  const base = ["provider", "aws", "auth"];
  const secretRef = auth?.secretRef;
  for (const key of ["accessKeyIDSecretRef", "secretAccessKeySecretRef", "sessionTokenSecretRef"] as const) {
    const ref = secretRef?.[key];
    if (ref) refs.push({ path: [...base, "secretRef", key], namespace: ref.namespace });
  }
  const sa = auth?.jwt?.serviceAccountRef;
  if (sa) refs.push({ path: [...base, "jwt", "serviceAccountRef"], namespace: sa.namespace });
  return refs;
}

/** Either store kind; the controller handles both through this type. */
export type AnySecretStore = SecretStore | ClusterSecretStore;
