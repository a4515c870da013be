/**
 * Kubernetes and ESO meta types shared by the kinds: object metadata, label selectors, status conditions,
 * and ESO's SecretKeySelector / ServiceAccountSelector (apis/meta/v1 in ESO).
 */
import { z } from "zod";
import { atomic, dateTime } from "./schema-extensions.ts";

/** DNS-1123 subdomain (object names), as ESO's kubebuilder patterns. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** DNS-1123 label (namespace names). */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A key of a Secret's data map. */
export const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

export const ObjectNameSchema = z.string().min(1).max(253).regex(DNS1123_SUBDOMAIN);
export const NamespaceNameSchema = z.string().min(1).max(63).regex(DNS1123_LABEL);
export const SecretKeyNameSchema = z.string().min(1).max(253).regex(SECRET_KEY);

export const StringMapSchema = z.record(z.string(), z.string());

export const OwnerReferenceSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});
export type OwnerReference = z.output<typeof OwnerReferenceSchema>;

/**
 * The metadata fields Ferry reads. Loose so that fields not listed (managedFields, …) survive a parse;
 * the CRD replaces this with `type: object`, as the apiserver validates metadata itself.
 */
export const ObjectMetaSchema = z.looseObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().int().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: StringMapSchema.optional(),
  annotations: StringMapSchema.optional(),
  finalizers: z.array(z.string()).optional(),
  ownerReferences: z.array(OwnerReferenceSchema).optional(),
});
export type ObjectMeta = z.output<typeof ObjectMetaSchema>;

export const LabelSelectorRequirementSchema = z.object({
  key: z.string(),
  operator: z.string().describe("In, NotIn, Exists or DoesNotExist."),
  values: z.array(z.string()).optional(),
});
export const LabelSelectorSchema = atomic(
  z.object({
    matchLabels: StringMapSchema.optional(),
    matchExpressions: z.array(LabelSelectorRequirementSchema).optional(),
  }),
);
export type LabelSelector = z.output<typeof LabelSelectorSchema>;

/** A reference to a key in a Secret (ESO meta/v1 SecretKeySelector). */
export const SecretKeySelectorSchema = z.object({
  name: ObjectNameSchema.optional().describe("The name of the Secret resource being referred to."),
  namespace: NamespaceNameSchema.optional().describe(
    "The namespace of the Secret. Only for ClusterSecretStores; defaults to the namespace of the referent.",
  ),
  key: SecretKeyNameSchema.optional().describe("A key in the referenced Secret."),
});
export type SecretKeySelector = z.output<typeof SecretKeySelectorSchema>;

/** A reference to a ServiceAccount (ESO meta/v1 ServiceAccountSelector). */
export const ServiceAccountSelectorSchema = z.object({
  name: ObjectNameSchema.describe("The name of the ServiceAccount."),
  namespace: NamespaceNameSchema.optional().describe(
    "The namespace of the ServiceAccount. Only for ClusterSecretStores; defaults to the namespace of the referent.",
  ),
  audiences: z.array(z.string()).optional().describe("Audiences for the token, appended to the well-known one."),
});
export type ServiceAccountSelector = z.output<typeof ServiceAccountSelectorSchema>;

export const ConditionStatusSchema = z.enum(["True", "False", "Unknown"]);

/** A status condition as ESO writes them (no observedGeneration). */
export const StatusConditionSchema = z.object({
  type: z.string(),
  status: ConditionStatusSchema,
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: dateTime().optional(),
});
export type StatusCondition = z.output<typeof StatusConditionSchema>;
