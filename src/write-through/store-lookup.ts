import type { ClusterSecretStore } from "../apis/secret-store.ts";
import type { StoreRef } from "../providers/provider.ts";
import type { AwsStoreSpec } from "../providers/aws/spec.ts";
import type { Informer } from "../runtime/informer.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import { findCondition } from "../sync/conditions.ts";
import { storeAccess } from "../sync/store-access.ts";
import type { StoreResolver } from "../sync/store-resolver.ts";
import type { StoreChoice } from "./plan.ts";

export interface WriteStore {
  ref: StoreRef<AwsStoreSpec>;
  /** `spec.provider.aws.prefix`: the writer prepends it to every name. */
  prefix: string;
  /** `spec.provider.aws.secretsManager`: how the AWS secret is deleted with the Secret. */
  recoveryWindowInDays: number | undefined;
  forceDeleteWithoutRecovery: boolean;
}

export type StoreLookup = { ok: true; store: WriteStore } | { ok: false; reason: "NotFound" | "Forbidden" | "Invalid" | "NotReady"; message: string };

/** Finds the store a Secret names and checks that a Secret in `namespace` may write through it. */
export type WriteStoreLookup = (namespace: string, choice: StoreChoice) => StoreLookup;

/**
 * The sync path's rules, applied to writes: the store is found in the informer caches and parsed
 * (StoreResolver.lookup), a SecretStore serves its own namespace and a ClusterSecretStore the namespaces its
 * `spec.conditions` allow (storeAccess), a store whose Ready condition is False is refused (ESO's flood
 * gate), and only AWS Secrets Manager stores can be written to.
 */
export function informerStoreLookup(
  resolver: StoreResolver,
  namespaces: Informer<KubeObject> | undefined,
  options: { requireReady?: boolean } = {},
): WriteStoreLookup {
  const requireReady = options.requireReady ?? true;
  return (namespace, choice) => {
    const found = resolver.lookup(choice.kind, choice.kind === "SecretStore" ? namespace : undefined, choice.name);
    if ("error" in found) return { ok: false, reason: found.reason, message: found.error };
    const { store } = found;
    const label = choice.kind === "SecretStore" ? `SecretStore ${namespace}/${choice.name}` : `ClusterSecretStore ${choice.name}`;
    const aws = store.spec.provider.aws;
    if (!aws) return { ok: false, reason: "Invalid", message: `${label} is not an AWS store` };
    if (aws.service !== "SecretsManager") return { ok: false, reason: "Invalid", message: `${label} uses ${aws.service}; write-through writes to SecretsManager stores only` };

    const conditions = choice.kind === "ClusterSecretStore" ? (store as ClusterSecretStore).spec.conditions : undefined;
    const nsLabels = namespaces?.get(undefined, namespace)?.metadata?.labels ?? { "kubernetes.io/metadata.name": namespace };
    const access = storeAccess({ kind: choice.kind, name: choice.name, namespace: store.metadata.namespace, conditions }, namespace, nsLabels);
    if (!access.allowed) return { ok: false, reason: "Forbidden", message: access.message };
    const ready = findCondition(store.status?.conditions, "Ready");
    if (requireReady && ready?.status === "False") return { ok: false, reason: "NotReady", message: `${label} is not ready: ${ready.reason ?? ""}${ready.message ? `: ${ready.message}` : ""}` };

    return {
      ok: true,
      store: {
        ref: {
          kind: choice.kind,
          name: choice.name,
          namespace: store.metadata.namespace,
          uid: store.metadata.uid ?? `${choice.kind}/${store.metadata.namespace ?? ""}/${choice.name}`,
          generation: store.metadata.generation ?? 0,
          // The same spec with `aws` known to be present (checked above).
          spec: { ...store.spec, provider: { ...store.spec.provider, aws } },
        },
        prefix: aws.prefix ?? "",
        recoveryWindowInDays: aws.secretsManager?.recoveryWindowInDays,
        forceDeleteWithoutRecovery: aws.secretsManager?.forceDeleteWithoutRecovery === true,
      },
    };
  };
}
