import { isDeepStrictEqual } from "node:util";
import type { ClusterExternalSecret } from "../../apis/cluster-external-secret.ts";
import { ANNOTATION_FORCE_SYNC, API_VERSION_V1, GROUP, KIND_CLUSTER_EXTERNAL_SECRET, KIND_EXTERNAL_SECRET } from "../../apis/constants.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";

/** An ExternalSecret as the apiserver holds it, in the fields this controller writes. */
export interface ExternalSecretObject extends KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeObject["metadata"] & {
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
    resourceVersion?: string;
  };
  spec?: unknown;
}

/** The ExternalSecrets' name: `externalSecretName`, or the ClusterExternalSecret's own. */
export function externalSecretNameOf(ces: Pick<ClusterExternalSecret, "metadata" | "spec">): string {
  return ces.spec.externalSecretName ?? ces.metadata.name ?? "";
}

/**
 * Whether a ClusterExternalSecret of this name is the ExternalSecret's controller (ESO's
 * isExternalSecretOwnedBy: group, kind and name; any version). Only such an ExternalSecret is ever updated or
 * deleted; any other of the same name is a conflict reported in failedNamespaces.
 */
export function isControlledBy(es: ExternalSecretObject, cesName: string): boolean {
  const owner = es.metadata?.ownerReferences?.find((r) => r.controller);
  return owner !== undefined && owner.apiVersion.split("/")[0] === GROUP && owner.kind === KIND_CLUSTER_EXTERNAL_SECRET && owner.name === cesName;
}

/**
 * The ExternalSecret one namespace gets, as ESO's createOrUpdateExternalSecret writes it: the spec as given,
 * labels and annotations exactly `externalSecretMetadata` (others are removed), the ClusterExternalSecret's
 * force-sync annotation passed on (so one annotation refreshes every namespace), and the ClusterExternalSecret
 * as controller owner, so the garbage collector deletes it with the ClusterExternalSecret.
 *
 * `rawSpec` is `spec.externalSecretSpec` as the apiserver stored it (defaults applied, nothing dropped by a
 * parse), so the copy is exact.
 */
export function desiredExternalSecret(ces: ClusterExternalSecret, rawSpec: unknown, namespace: string): Required<Pick<ExternalSecretObject, "apiVersion" | "kind" | "metadata" | "spec">> {
  const metadata = ces.spec.externalSecretMetadata;
  const annotations: Record<string, string> = { ...metadata?.annotations };
  const forceSync = ces.metadata.annotations?.[ANNOTATION_FORCE_SYNC];
  if (forceSync !== undefined) annotations[ANNOTATION_FORCE_SYNC] = forceSync;
  else delete annotations[ANNOTATION_FORCE_SYNC];
  return {
    apiVersion: API_VERSION_V1,
    kind: KIND_EXTERNAL_SECRET,
    metadata: {
      name: externalSecretNameOf(ces),
      namespace,
      ...(metadata?.labels && Object.keys(metadata.labels).length > 0 ? { labels: { ...metadata.labels } } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: [
        { apiVersion: API_VERSION_V1, kind: KIND_CLUSTER_EXTERNAL_SECRET, name: ces.metadata.name ?? "", uid: ces.metadata.uid ?? "", controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: structuredClone(rawSpec),
  };
}

/**
 * The existing ExternalSecret with the desired labels, annotations, spec and controller reference, or
 * undefined when it already matches (no write: a refresh of an unchanged ClusterExternalSecret costs no
 * request). Other owner references and metadata (finalizers, resourceVersion) are kept.
 */
export function updatedExternalSecret(existing: ExternalSecretObject, desired: ReturnType<typeof desiredExternalSecret>): ExternalSecretObject | undefined {
  const controller = desired.metadata.ownerReferences![0]!;
  const others = (existing.metadata?.ownerReferences ?? []).filter((r) => !r.controller);
  const current = existing.metadata?.ownerReferences?.find((r) => r.controller);
  const same =
    isDeepStrictEqual(existing.metadata?.labels ?? {}, desired.metadata.labels ?? {}) &&
    isDeepStrictEqual(existing.metadata?.annotations ?? {}, desired.metadata.annotations ?? {}) &&
    current?.uid === controller.uid &&
    current.apiVersion === controller.apiVersion &&
    isDeepStrictEqual(existing.spec, desired.spec);
  if (same) return undefined;
  const metadata: NonNullable<ExternalSecretObject["metadata"]> = { ...existing.metadata, ownerReferences: [...others, controller] };
  if (desired.metadata.labels) metadata.labels = desired.metadata.labels;
  else delete metadata.labels;
  if (desired.metadata.annotations) metadata.annotations = desired.metadata.annotations;
  else delete metadata.annotations;
  return { ...existing, apiVersion: API_VERSION_V1, kind: KIND_EXTERNAL_SECRET, metadata, spec: desired.spec };
}
