/**
 * ClusterExternalSecret (apis/externalsecrets/v1/clusterexternalsecret_types.go): one ExternalSecret spec
 * fanned out to every namespace its selectors or list choose. The status and its Ready condition have ESO's
 * exact shape (type, status, message; no reason), so tools reading ESO's objects read Ferry's.
 */
import { z } from "zod";
import { API_VERSIONS, KIND_CLUSTER_EXTERNAL_SECRET } from "./constants.ts";
import { GO_DURATION_PATTERN } from "./duration.ts";
import { ExternalSecretSpecSchema } from "./external-secret.ts";
import { ConditionStatusSchema, LabelSelectorSchema, NamespaceNameSchema, ObjectMetaSchema, ObjectNameSchema, StringMapSchema } from "./meta.ts";

const GO_DURATION = new RegExp(GO_DURATION_PATTERN);

/** The controller's refresh when `refreshTime` is unset (ESO's RequeueInterval for this kind). */
export const DEFAULT_CES_REFRESH_TIME = "1h";

export const ExternalSecretMetadataSchema = z.object({
  annotations: StringMapSchema.optional(),
  labels: StringMapSchema.optional(),
});
export type ExternalSecretMetadata = z.output<typeof ExternalSecretMetadataSchema>;

export const ClusterExternalSecretSpecSchema = z.object({
  externalSecretSpec: ExternalSecretSpecSchema.describe("The spec of the ExternalSecrets to create."),
  externalSecretName: ObjectNameSchema.optional().describe("The name of the ExternalSecrets to create. Defaults to the name of the ClusterExternalSecret."),
  externalSecretMetadata: ExternalSecretMetadataSchema.optional().describe("Labels and annotations of the ExternalSecrets to create (they replace any others)."),
  namespaceSelector: LabelSelectorSchema.optional().describe("Deprecated: use namespaceSelectors. Namespaces whose labels match get an ExternalSecret."),
  namespaceSelectors: z
    .array(LabelSelectorSchema)
    .optional()
    .describe("Namespaces whose labels match any of these selectors (ORed) get an ExternalSecret. An empty selector matches every namespace."),
  namespaces: z
    .array(NamespaceNameSchema)
    .optional()
    .describe("Deprecated: use namespaceSelectors. Namespaces by name, ORed with the selectors; names that do not exist are skipped."),
  refreshTime: z
    .string()
    .regex(GO_DURATION)
    .optional()
    .describe(`How often the namespaces are checked again and the ExternalSecrets rewritten, as a Go duration. Default ${DEFAULT_CES_REFRESH_TIME}.`),
});
export type ClusterExternalSecretSpec = z.output<typeof ClusterExternalSecretSpecSchema>;

/** ESO's ClusterExternalSecretStatusCondition: only type, status and message. */
export const ClusterExternalSecretConditionSchema = z.object({
  type: z.string(),
  status: ConditionStatusSchema,
  message: z.string().optional(),
});
export type ClusterExternalSecretCondition = z.output<typeof ClusterExternalSecretConditionSchema>;

export const ClusterExternalSecretNamespaceFailureSchema = z.object({
  namespace: z.string().describe("The namespace where the ExternalSecret could not be applied."),
  reason: z.string().optional().describe("Why."),
});
export type ClusterExternalSecretNamespaceFailure = z.output<typeof ClusterExternalSecretNamespaceFailureSchema>;

export const ClusterExternalSecretStatusSchema = z.object({
  externalSecretName: z.string().optional().describe("The name of the ExternalSecrets this ClusterExternalSecret created."),
  failedNamespaces: z.array(ClusterExternalSecretNamespaceFailureSchema).optional(),
  provisionedNamespaces: z.array(z.string()).optional().describe("The namespaces that have the ExternalSecret, sorted."),
  conditions: z.array(ClusterExternalSecretConditionSchema).optional(),
});
export type ClusterExternalSecretStatus = z.output<typeof ClusterExternalSecretStatusSchema>;

export const ClusterExternalSecretSchema = z.object({
  apiVersion: z.enum(API_VERSIONS),
  kind: z.literal(KIND_CLUSTER_EXTERNAL_SECRET),
  metadata: ObjectMetaSchema,
  spec: ClusterExternalSecretSpecSchema,
  status: ClusterExternalSecretStatusSchema.optional(),
});
export type ClusterExternalSecret = z.output<typeof ClusterExternalSecretSchema>;
