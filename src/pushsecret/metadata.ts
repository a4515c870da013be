/**
 * The AWS provider's PushSecret `metadata` (ESO: runtime/esutils/metadata, and the PushSecretMetadataSpec of
 * the Secrets Manager and Parameter Store providers): `apiVersion: kubernetes.external-secrets.io/v1alpha1`,
 * `kind: PushSecretMetadata`, `spec: {...}`, unknown fields rejected, ESO's defaults applied. Pure: a parse
 * error is a message naming the field, never a value.
 */

export const METADATA_API_VERSION = "kubernetes.external-secrets.io/v1alpha1";
export const METADATA_KIND = "PushSecretMetadata";

/** The tag ESO's AWS provider sets on everything it creates, and checks before overwriting or deleting. */
export const MANAGED_BY_TAG = "managed-by";
export const MANAGED_BY_ESO = "external-secrets";
/** ESO's default description of a pushed secret or parameter. */
export const DEFAULT_DESCRIPTION = `secret '${MANAGED_BY_TAG}:${MANAGED_BY_ESO}'`;

export interface SecretsManagerPushMetadata {
  secretPushFormat: "binary" | "string";
  description: string;
  /** Undefined: AWS's default key for Secrets Manager (alias/aws/secretsmanager, ESO's explicit default). */
  kmsKeyId: string | undefined;
  /** The user's tags plus managed-by=external-secrets. */
  tags: Record<string, string>;
  /** Absent: the secret's resource policy is not managed by this entry. */
  resourcePolicy?: ResourcePolicyMetadata | undefined;
}

/**
 * ESO's `resourcePolicy` (providers/v1/aws/secretsmanager ResourcePolicySpec, newer than ESO v0.16.2): the
 * policy document is read from a key of a ConfigMap or Secret in the PushSecret's namespace.
 */
export interface ResourcePolicyMetadata {
  blockPublicPolicy?: boolean | undefined;
  policySourceRef: { kind: "ConfigMap" | "Secret"; name: string; key: string };
}

export interface ParameterStorePushMetadata {
  secretType: "String" | "StringList" | "SecureString";
  /** Used for SecureString only; ESO's default alias/aws/ssm. */
  kmsKeyId: string;
  tier: { type: "Standard" | "Advanced" | "Intelligent-Tiering"; policies: string | undefined };
  encodeAsDecoded: boolean;
  description: string;
  tags: Record<string, string>;
}

export type MetadataResult<T> = { ok: true; value: T } | { ok: false; error: string };

const SM_FIELDS = new Set(["tags", "description", "secretPushFormat", "kmsKeyId", "resourcePolicy", "replicationLocations"]);
const PS_FIELDS = new Set(["secretType", "kmsKeyID", "tier", "encodeAsDecoded", "tags", "description"]);

export function parseSecretsManagerMetadata(metadata: unknown): MetadataResult<SecretsManagerPushMetadata> {
  const envelope = specOf(metadata, SM_FIELDS);
  if (!envelope.ok) return envelope;
  const spec = envelope.value;
  const format = spec.secretPushFormat ?? "binary";
  if (format !== "binary" && format !== "string") return fail(`invalid secret push format: ${JSON.stringify(format)} (binary or string)`);
  if (spec.replicationLocations !== undefined) return fail("metadata spec.replicationLocations is not supported by Ferry yet; replicate the secret outside the PushSecret");
  const policy = resourcePolicyOf(spec.resourcePolicy);
  if (!policy.ok) return policy;
  const tags = tagsOf(spec.tags);
  if (!tags.ok) return tags;
  const description = stringOr(spec.description, "description");
  if (!description.ok) return description;
  const kms = stringOr(spec.kmsKeyId, "kmsKeyId");
  if (!kms.ok) return kms;
  return {
    ok: true,
    value: { secretPushFormat: format, description: description.value || DEFAULT_DESCRIPTION, kmsKeyId: kms.value || undefined, tags: tags.value, resourcePolicy: policy.value },
  };
}

export function parseParameterStoreMetadata(metadata: unknown): MetadataResult<ParameterStorePushMetadata> {
  const envelope = specOf(metadata, PS_FIELDS);
  if (!envelope.ok) return envelope;
  const spec = envelope.value;
  const secretType = spec.secretType ?? "String";
  if (secretType !== "String" && secretType !== "StringList" && secretType !== "SecureString") return fail(`invalid secretType: ${JSON.stringify(secretType)} (String, StringList or SecureString)`);
  const tier = (spec.tier ?? {}) as { type?: unknown; policies?: unknown };
  if (typeof tier !== "object" || tier === null) return fail("metadata spec.tier must be an object");
  const tierType = tier.type === undefined || tier.type === "" ? "Standard" : tier.type;
  if (tierType !== "Standard" && tierType !== "Advanced" && tierType !== "Intelligent-Tiering") return fail(`invalid tier type: ${JSON.stringify(tierType)}`);
  const tags = tagsOf(spec.tags);
  if (!tags.ok) return tags;
  const description = stringOr(spec.description, "description");
  if (!description.ok) return description;
  const kms = stringOr(spec.kmsKeyID, "kmsKeyID");
  if (!kms.ok) return kms;
  if (spec.encodeAsDecoded !== undefined && typeof spec.encodeAsDecoded !== "boolean") return fail("metadata spec.encodeAsDecoded must be a boolean");
  return {
    ok: true,
    value: {
      secretType,
      kmsKeyId: kms.value || "alias/aws/ssm",
      // ESO sends policies (raw JSON) with the Advanced tier only.
      tier: { type: tierType, policies: tier.policies === undefined ? undefined : JSON.stringify(tier.policies) },
      encodeAsDecoded: spec.encodeAsDecoded === true,
      description: description.value || DEFAULT_DESCRIPTION,
      tags: tags.value,
    },
  };
}

const POLICY_FIELDS = new Set(["blockPublicPolicy", "policySourceRef"]);
const POLICY_REF_FIELDS = new Set(["kind", "name", "key"]);

/**
 * ESO only applies a policy on creation when `policySourceRef` is set, but fails every later push without it
 * ("policySourceRef is nil"): Ferry refuses it up front.
 */
function resourcePolicyOf(value: unknown): MetadataResult<ResourcePolicyMetadata | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value !== "object" || Array.isArray(value)) return fail("metadata spec.resourcePolicy must be an object");
  const policy = value as Record<string, unknown>;
  for (const key of Object.keys(policy)) if (!POLICY_FIELDS.has(key)) return fail(`metadata spec.resourcePolicy: unknown field "${key}"`);
  if (policy.blockPublicPolicy !== undefined && typeof policy.blockPublicPolicy !== "boolean") return fail("metadata spec.resourcePolicy.blockPublicPolicy must be a boolean");
  const ref = policy.policySourceRef;
  if (ref === undefined || ref === null) return fail("metadata spec.resourcePolicy.policySourceRef is required (kind ConfigMap or Secret, name, key)");
  if (typeof ref !== "object" || Array.isArray(ref)) return fail("metadata spec.resourcePolicy.policySourceRef must be an object");
  const r = ref as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!POLICY_REF_FIELDS.has(key)) return fail(`metadata spec.resourcePolicy.policySourceRef: unknown field "${key}"`);
  // ESO's words.
  if (r.kind !== "ConfigMap" && r.kind !== "Secret") return fail(`unsupported PolicySourceRef kind: ${typeof r.kind === "string" ? r.kind : JSON.stringify(r.kind ?? "")} (must be ConfigMap or Secret)`);
  for (const field of ["name", "key"] as const) {
    if (typeof r[field] !== "string" || r[field] === "") return fail(`metadata spec.resourcePolicy.policySourceRef.${field} is required`);
  }
  return {
    ok: true,
    value: {
      ...(policy.blockPublicPolicy !== undefined ? { blockPublicPolicy: policy.blockPublicPolicy } : {}),
      policySourceRef: { kind: r.kind, name: r.name as string, key: r.key as string },
    },
  };
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

/** The `spec` of a metadata envelope; absent metadata is an empty spec (ESO's defaults). */
function specOf(metadata: unknown, fields: ReadonlySet<string>): MetadataResult<Record<string, unknown>> {
  if (metadata === undefined || metadata === null) return { ok: true, value: {} };
  if (typeof metadata !== "object" || Array.isArray(metadata)) return fail("metadata must be an object");
  const m = metadata as Record<string, unknown>;
  for (const key of Object.keys(m)) if (!["apiVersion", "kind", "spec"].includes(key)) return fail(`metadata: unknown field "${key}"`);
  // ESO (runtime/esutils/metadata) requires both, exactly.
  if (m.apiVersion !== METADATA_API_VERSION) return fail(`metadata: unexpected apiVersion ${JSON.stringify(m.apiVersion ?? "")}, expected "${METADATA_API_VERSION}"`);
  if (m.kind !== METADATA_KIND) return fail(`metadata: unexpected kind ${JSON.stringify(m.kind ?? "")}, expected "${METADATA_KIND}"`);
  const spec = m.spec ?? {};
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) return fail("metadata spec must be an object");
  for (const key of Object.keys(spec)) if (!fields.has(key)) return fail(`metadata spec: unknown field "${key}"`);
  return { ok: true, value: spec as Record<string, unknown> };
}

function tagsOf(value: unknown): MetadataResult<Record<string, string>> {
  if (value === undefined || value === null) return { ok: true, value: { [MANAGED_BY_TAG]: MANAGED_BY_ESO } };
  if (typeof value !== "object" || Array.isArray(value)) return fail("metadata spec.tags must be a map of strings");
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") return fail(`metadata spec.tags.${k} must be a string`);
    tags[k] = v;
  }
  // ESO's own words: the ownership tag is the provider's, not the user's.
  if (Object.hasOwn(tags, MANAGED_BY_TAG)) return fail(`error parsing tags in metadata: Cannot specify a '${MANAGED_BY_TAG}' tag`);
  tags[MANAGED_BY_TAG] = MANAGED_BY_ESO;
  return { ok: true, value: tags };
}

function stringOr(value: unknown, field: string): MetadataResult<string> {
  if (value === undefined || value === null) return { ok: true, value: "" };
  if (typeof value !== "string") return fail(`metadata spec.${field} must be a string`);
  return { ok: true, value };
}
