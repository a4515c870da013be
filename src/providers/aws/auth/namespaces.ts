import type { AwsProviderSpec, SecretKeySelector } from "../spec.ts";

export interface StoreIdentity {
  kind: "SecretStore" | "ClusterSecretStore";
  name: string;
  namespace?: string | undefined;
}

/**
 * Where a Secret or ServiceAccount reference resolves, as ESO's resolvers: a SecretStore only reaches its
 * own namespace; a ClusterSecretStore uses the reference's namespace, else the ExternalSecret's
 * ("referent auth"). Undefined when neither is known (a referent store validated on its own).
 */
export function resolveRefNamespace(store: StoreIdentity, refNamespace: string | undefined, esNamespace: string | undefined): string | undefined {
  if (store.kind === "SecretStore") return store.namespace ?? esNamespace;
  return refNamespace ?? esNamespace;
}

/**
 * Whether the store's credentials differ per ExternalSecret namespace: a ClusterSecretStore with a
 * reference without namespace, or session tags naming the namespace (sessionTagsPolicy Simple/Custom).
 * Only then is the namespace part of the cache key, so a plain ClusterSecretStore shares one set of
 * credentials across all namespaces.
 */
export function dependsOnExternalSecretNamespace(spec: AwsProviderSpec, store: StoreIdentity): boolean {
  if (store.kind !== "ClusterSecretStore") return false;
  const refs: Array<SecretKeySelector | { namespace?: string | undefined } | undefined> = [
    spec.auth?.secretRef?.accessKeyIDSecretRef,
    spec.auth?.secretRef?.secretAccessKeySecretRef,
    spec.auth?.secretRef?.sessionTokenSecretRef,
    spec.auth?.jwt?.serviceAccountRef,
  ];
  if (refs.some((ref) => ref !== undefined && !ref.namespace)) return true;
  return usesNamespaceSessionTag(spec);
}

export function usesNamespaceSessionTag(spec: AwsProviderSpec): boolean {
  return !!spec.role && (spec.sessionTagsPolicy === "Simple" || spec.sessionTagsPolicy === "Custom");
}
