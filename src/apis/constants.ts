/**
 * ESO's wire-level strings. Ferry must use these exact values: Argo CD health checks, dashboards, alerts and
 * users' scripts key on them, and a cluster migrating from ESO already has Secrets labelled with them.
 * Sources: apis/externalsecrets/v1/{externalsecret,secretstore}_types.go and the ESO controllers.
 */
import { createHash } from "node:crypto";

export const GROUP = "external-secrets.io";
/** v1 is the storage version; v1beta1 stays served because ESO unserving it broke users (ESO #4785, #4840). */
export const VERSION_V1 = "v1";
export const VERSION_V1BETA1 = "v1beta1";
export const SERVED_VERSIONS = [VERSION_V1, VERSION_V1BETA1] as const;
export type ServedVersion = (typeof SERVED_VERSIONS)[number];
export const API_VERSION_V1 = `${GROUP}/${VERSION_V1}`;
export const API_VERSION_V1BETA1 = `${GROUP}/${VERSION_V1BETA1}`;
export const API_VERSIONS = [API_VERSION_V1, API_VERSION_V1BETA1] as const;
/** PushSecret and ClusterPushSecret exist only as v1alpha1 in ESO. */
export const VERSION_V1ALPHA1 = "v1alpha1";
export const API_VERSION_V1ALPHA1 = `${GROUP}/${VERSION_V1ALPHA1}`;

export const KIND_EXTERNAL_SECRET = "ExternalSecret";
export const KIND_SECRET_STORE = "SecretStore";
export const KIND_CLUSTER_SECRET_STORE = "ClusterSecretStore";
export const KIND_CLUSTER_EXTERNAL_SECRET = "ClusterExternalSecret";

export const KIND_PUSH_SECRET = "PushSecret";
export const KIND_CLUSTER_PUSH_SECRET = "ClusterPushSecret";

export const PLURAL_EXTERNAL_SECRETS = "externalsecrets";
export const PLURAL_PUSH_SECRETS = "pushsecrets";
export const PLURAL_CLUSTER_PUSH_SECRETS = "clusterpushsecrets";
export const PLURAL_SECRET_STORES = "secretstores";
export const PLURAL_CLUSTER_SECRET_STORES = "clustersecretstores";
export const PLURAL_CLUSTER_EXTERNAL_SECRETS = "clusterexternalsecrets";

/** The message of a ClusterExternalSecret's Ready=False condition (ESO's errNamespacesFailed). */
export const CES_NAMESPACES_FAILED = "one or more namespaces failed";
/** failedNamespaces[].reason when an ExternalSecret of that name exists and another owner controls it. */
export const CES_ALREADY_EXISTS = "external secret already exists in namespace";

/** Condition types. `Deleted` is only used by ESO internally to clear metrics. */
export const ConditionType = {
  Ready: "Ready",
  Deleted: "Deleted",
} as const;

export const ConditionStatus = {
  True: "True",
  False: "False",
  Unknown: "Unknown",
} as const;
export type ConditionStatusValue = (typeof ConditionStatus)[keyof typeof ConditionStatus];

/** Reasons of an ExternalSecret's Ready condition. */
export const ExternalSecretReason = {
  SecretSynced: "SecretSynced",
  SecretSyncedError: "SecretSyncedError",
  SecretDeleted: "SecretDeleted",
  SecretMissing: "SecretMissing",
} as const;

/** ESO's condition messages for the reasons above, kept identical so existing alerts still match. */
export const ExternalSecretMessage = {
  Synced: "secret synced",
  SyncedRetain: "secret retained due to DeletionPolicy=Retain",
  Deleted: "secret deleted due to DeletionPolicy=Delete",
  ProviderError: "could not get secret data from provider",
  UpdateError: "could not update secret",
} as const;

/** Reasons of a SecretStore / ClusterSecretStore Ready condition (also used as store Event reasons). */
export const StoreReason = {
  Valid: "Valid",
  InvalidStoreConfiguration: "InvalidStoreConfiguration",
  InvalidProviderConfig: "InvalidProviderConfig",
  ValidationFailed: "ValidationFailed",
  ValidationUnknown: "ValidationUnknown",
  StoreUnmaintained: "StoreUnmaintained",
  StoreDeprecated: "StoreDeprecated",
} as const;

/** Event reasons emitted for ExternalSecrets. */
export const EventReason = {
  Created: "Created",
  Updated: "Updated",
  Deleted: "Deleted",
  UpdateFailed: "UpdateFailed",
  MissingProviderSecret: "MissingProviderSecret",
  ParameterDeprecated: "ParameterDeprecated",
} as const;

/** Store capabilities shown in `.status.capabilities` and the Capabilities printer column. */
export const StoreCapabilities = {
  ReadOnly: "ReadOnly",
  WriteOnly: "WriteOnly",
  ReadWrite: "ReadWrite",
} as const;

/** Label on every Secret an ExternalSecret manages; ESO's managed-Secret cache selects on it. */
export const LABEL_MANAGED = "reconcile.external-secrets.io/managed";
export const LABEL_MANAGED_VALUE = "true";
/** Label set only with creationPolicy Owner: sha3-224 hex of "<namespace>/<name>" of the ExternalSecret. */
export const LABEL_CREATED_BY = "reconcile.external-secrets.io/created-by";
/** Annotation on the managed Secret: hash of its `.data`, to detect hand edits without a provider call. */
export const ANNOTATION_DATA_HASH = "reconcile.external-secrets.io/data-hash";
/** Annotation users (and ClusterExternalSecret) change to force a resync. */
export const ANNOTATION_FORCE_SYNC = "external-secrets.io/force-sync";

/** Each ExternalSecret writes its Secret as field manager `<prefix><es-name>` (key ownership via managedFields). */
export const FIELD_MANAGER_PREFIX = "externalsecrets.external-secrets.io/";
/** Used instead when prefix + name exceeds 63 characters: `<prefix>sha3/<hex sha3-224 of name>`. */
export const FIELD_MANAGER_SHA_PREFIX = "externalsecrets.external-secrets.io/sha3/";

/** Finalizer on ExternalSecrets (deletionPolicy handling on delete). */
export const FINALIZER_EXTERNAL_SECRET = "externalsecrets.external-secrets.io/externalsecret-cleanup";
/** Finalizer on PushSecrets with deletionPolicy Delete: the remote secrets they pushed are deleted first. */
export const FINALIZER_PUSH_SECRET = "pushsecret.externalsecrets.io/finalizer";

/** Reasons of a PushSecret's Ready condition (v1alpha1 ReasonSynced, ReasonErrored; SourceDeleted: the source Secret is gone). */
export const PushSecretReason = {
  Synced: "Synced",
  Errored: "Errored",
  SourceDeleted: "SourceDeleted",
} as const;

/** ESO's PushSecret condition messages, kept identical so existing alerts still match. */
export const PushSecretMessage = {
  Synced: "PushSecret synced successfully",
  SyncedIfNotExists: "PushSecret synced successfully. Existing secrets in providers unchanged.",
  SourceMissing: "could not get source secret",
} as const;

/** Finalizer on stores referenced by PushSecrets with deletionPolicy Delete. */
export const FINALIZER_SECRET_STORE = "secretstore.externalsecrets.io/finalizer";

/** ESO's field manager name for an ExternalSecret, so Ferry recognises keys ESO wrote and vice versa. */
export function fieldManagerFor(externalSecretName: string): string {
  const manager = FIELD_MANAGER_PREFIX + externalSecretName;
  if (manager.length <= 63) return manager;
  return FIELD_MANAGER_SHA_PREFIX + createHash("sha3-224").update(externalSecretName).digest("hex");
}

/** Value of the created-by label for an ExternalSecret, as ESO computes it. */
export function createdByLabelValue(namespace: string, name: string): string {
  return createHash("sha3-224").update(`${namespace}/${name}`).digest("hex");
}
