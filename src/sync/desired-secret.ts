import { createHash } from "node:crypto";
import type { V1OwnerReference, V1Secret } from "@kubernetes/client-node";
import { dataHash } from "./data-hash.ts";

export const MANAGED_LABEL = "reconcile.external-secrets.io/managed";
export const CREATED_BY_LABEL = "reconcile.external-secrets.io/created-by";
export const DATA_HASH_ANNOTATION = "reconcile.external-secrets.io/data-hash";
/** ESO's per-ExternalSecret field manager, so key ownership in managedFields carries over from ESO. */
export const FIELD_MANAGER_PREFIX = "externalsecrets.external-secrets.io/";

/** Annotations never copied from the ExternalSecret to its Secret: they describe the ExternalSecret itself. */
const NOT_COPIED_ANNOTATIONS = new Set(["kubectl.kubernetes.io/last-applied-configuration"]);

export type CreationPolicy = "Owner" | "Orphan" | "Merge" | "None" | "CreateOrMerge";

export interface SecretOwner {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid: string;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
}

export interface DesiredSecretInput {
  owner: SecretOwner;
  targetName: string;
  creationPolicy: CreationPolicy;
  /** target.template.type; the existing Secret's type, else Opaque, when absent. */
  type?: string | undefined;
  /** target.template.metadata; when a template is present, the ExternalSecret's own labels are not copied. */
  templateMetadata?: { labels?: Record<string, string> | undefined; annotations?: Record<string, string> | undefined } | undefined;
  hasTemplate: boolean;
  immutable: boolean;
  /** The provider data, already decoded and keyed. */
  data: ReadonlyMap<string, Uint8Array>;
  /** The live Secret, when it exists. */
  existing: V1Secret | undefined;
  /** Annotations Ferry itself manages on the Secret: set, or removed when undefined (generated-values expiry). */
  ferryAnnotations?: Readonly<Record<string, string | undefined>> | undefined;
}

export type DesiredSecret =
  | { ok: true; secret: V1Secret; changed: boolean }
  | { ok: false; reason: "OwnedByAnother" | "Immutable" | "TargetMissing"; message: string };

export function fieldManagerFor(externalSecretName: string): string {
  // Field manager names are limited; ESO hashes long names the same way.
  const name = externalSecretName.length > 63 ? createHash("sha3-224").update(externalSecretName).digest("hex") : externalSecretName;
  return `${FIELD_MANAGER_PREFIX}${name}`;
}

/** The created-by label value: a digest of namespace/name that fits a label value (ESO's orphan cleanup key). */
export function createdByValue(owner: Pick<SecretOwner, "namespace" | "name">): string {
  return createHash("sha3-224").update(`${owner.namespace}/${owner.name}`).digest("hex");
}

/** The data keys a field manager set on this Secret, from managedFields (how Merge knows which keys are ours). */
export function keysManagedBy(secret: V1Secret | undefined, manager: string): Set<string> {
  const keys = new Set<string>();
  for (const entry of secret?.metadata?.managedFields ?? []) {
    if (entry.manager !== manager) continue;
    const fields = entry.fieldsV1 as Record<string, unknown> | undefined;
    const data = fields?.["f:data"] as Record<string, unknown> | undefined;
    for (const k of Object.keys(data ?? {})) if (k.startsWith("f:")) keys.add(k.slice(2));
  }
  return keys;
}

function controllerOf(secret: V1Secret | undefined): V1OwnerReference | undefined {
  return secret?.metadata?.ownerReferences?.find((r) => r.controller === true);
}

const toBase64 = (m: ReadonlyMap<string, Uint8Array>): Record<string, string> =>
  Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, Buffer.from(v).toString("base64")]));

/**
 * Computes the Secret an ExternalSecret should produce from the current state, as ESO's mutation function
 * does: ownership by creationPolicy, the managed label, the data-hash, template type and metadata. It never
 * decides to delete anything; that is the deletion policy's business.
 */
export function desiredSecret(input: DesiredSecretInput): DesiredSecret {
  const { owner, existing } = input;
  const policy = input.creationPolicy;
  if (!existing && policy === "Merge") {
    return { ok: false, reason: "TargetMissing", message: `Secret ${input.targetName} does not exist and creationPolicy is Merge` };
  }
  const controller = controllerOf(existing);
  if (controller && controller.uid !== owner.uid && policy === "Owner") {
    return {
      ok: false,
      reason: "OwnedByAnother",
      message: `target Secret ${input.targetName} is owned by another ${controller.kind} ${controller.name}`,
    };
  }

  const manager = fieldManagerFor(owner.name);
  let data: Record<string, string>;
  if ((policy === "Merge" || policy === "CreateOrMerge") && existing) {
    const ours = keysManagedBy(existing, manager);
    const kept = Object.entries(existing.data ?? {}).filter(([k]) => !ours.has(k));
    data = { ...Object.fromEntries(kept), ...toBase64(input.data) };
  } else {
    data = toBase64(input.data);
  }

  const copied = input.hasTemplate ? {} : { labels: owner.labels ?? {}, annotations: owner.annotations ?? {} };
  const labels: Record<string, string> = {
    // Metadata other tools put on the Secret is kept: Ferry owns only what it sets.
    ...existing?.metadata?.labels,
    ...copied.labels,
    ...input.templateMetadata?.labels,
    [MANAGED_LABEL]: "true",
  };
  if (policy === "Owner") labels[CREATED_BY_LABEL] = createdByValue(owner);
  else delete labels[CREATED_BY_LABEL];
  const annotations: Record<string, string> = {
    ...existing?.metadata?.annotations,
    ...Object.fromEntries(Object.entries(copied.annotations ?? {}).filter(([k]) => !NOT_COPIED_ANNOTATIONS.has(k))),
    ...input.templateMetadata?.annotations,
    [DATA_HASH_ANNOTATION]: dataHash(data),
  };
  for (const [key, value] of Object.entries(input.ferryAnnotations ?? {})) {
    if (value === undefined) delete annotations[key];
    else annotations[key] = value;
  }

  const foreignOwners = (existing?.metadata?.ownerReferences ?? []).filter((r) => r.uid !== owner.uid);
  const ownerReferences: V1OwnerReference[] =
    policy === "Owner"
      ? [...foreignOwners, { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }]
      : foreignOwners;

  const type = input.type ?? existing?.type ?? "Opaque";
  if (existing?.immutable && !sameData(existing.data, data)) {
    return { ok: false, reason: "Immutable", message: `target Secret ${input.targetName} is immutable and its data would change` };
  }

  const secret: V1Secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: input.targetName,
      namespace: owner.namespace,
      labels,
      annotations,
      ...(ownerReferences.length > 0 ? { ownerReferences } : {}),
      ...(existing?.metadata?.resourceVersion ? { resourceVersion: existing.metadata.resourceVersion } : {}),
    },
    type,
    data,
    ...(input.immutable || existing?.immutable ? { immutable: true } : {}),
  };
  return { ok: true, secret, changed: !existing || !sameSecret(existing, secret) };
}

function sameData(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  const kb = Object.keys(b ?? {});
  return ka.length === kb.length && ka.every((k) => a![k] === b?.[k]);
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  return sameData(a, b);
}

function sameOwners(a: V1OwnerReference[] | undefined, b: V1OwnerReference[] | undefined): boolean {
  const norm = (refs: V1OwnerReference[] | undefined) =>
    JSON.stringify((refs ?? []).map((r) => [r.uid, r.kind, r.name, r.apiVersion, r.controller ?? false, r.blockOwnerDeletion ?? false]).sort());
  return norm(a) === norm(b);
}

/** Semantic equality of what Ferry writes, so an unchanged Secret is never written again (KES #737). */
function sameSecret(existing: V1Secret, desired: V1Secret): boolean {
  return (
    sameData(existing.data, desired.data) &&
    sameMap(existing.metadata?.labels, desired.metadata?.labels) &&
    sameMap(existing.metadata?.annotations, desired.metadata?.annotations) &&
    sameOwners(existing.metadata?.ownerReferences, desired.metadata?.ownerReferences) &&
    (existing.type ?? "Opaque") === desired.type &&
    (existing.immutable ?? false) === (desired.immutable ?? false)
  );
}
