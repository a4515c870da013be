import type { ClusterSecretStore, SecretStore } from "../apis/secret-store.ts";
import { formatIssues, parseClusterSecretStore, parseSecretStore, unsupportedProviderMessage, type ParseResult } from "../apis/parse.ts";
import type { ExternalSecret } from "../apis/external-secret.ts";
import type { Informer } from "../runtime/informer.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import type { Capabilities } from "../providers/provider.ts";
import { findCondition } from "./conditions.ts";
import { StoreUnavailableError, type ResolvedStore } from "./externalsecret/reconciler.ts";
import { storeAccess } from "./store-access.ts";
import { parseOnce } from "./parse-once.ts";
import type { StoreKind } from "./secretstore/reconciler.ts";
import type { AwsStoreSpec } from "../providers/aws/spec.ts";

/** A parsed store with what the provider needs. */
export interface ParsedStore {
  kind: StoreKind;
  store: SecretStore | ClusterSecretStore;
}

/**
 * Finds the store an ExternalSecret names in the informer caches and checks it may be used: it exists, it
 * parses, its provider is one Ferry has, the ExternalSecret's namespace is allowed (a SecretStore serves its own
 * namespace only; ClusterSecretStore spec.conditions), and it is not known to be broken (ESO's flood gate:
 * with a store whose Ready condition is False, ExternalSecrets fail fast instead of hammering the provider).
 * Every refusal is a StoreUnavailableError whose message names the store and the reason.
 */
export class StoreResolver {
  readonly #secretStores: Informer<KubeObject>;
  readonly #clusterSecretStores: Informer<KubeObject>;
  readonly #namespaces: Informer<KubeObject> | undefined;
  readonly #capabilities: Capabilities;
  /** Parses by cached object (parseOnce): every reconcile and read-ahead candidate resolves its store. */
  readonly #parseSecretStore = parseOnce((raw: KubeObject) => parseSecretStore({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", ...raw }));
  readonly #parseClusterSecretStore = parseOnce((raw: KubeObject) => parseClusterSecretStore({ apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", ...raw }));

  constructor(options: {
    secretStores: Informer<KubeObject>;
    clusterSecretStores: Informer<KubeObject>;
    /** Namespace labels for ClusterSecretStore namespaceSelector conditions. */
    namespaces?: Informer<KubeObject> | undefined;
    capabilities: Capabilities;
  }) {
    this.#secretStores = options.secretStores;
    this.#clusterSecretStores = options.clusterSecretStores;
    this.#namespaces = options.namespaces;
    this.#capabilities = options.capabilities;
  }

  /** The parsed store of a kind and name, or the reason it cannot be had. */
  lookup(kind: StoreKind, namespace: string | undefined, name: string): ParsedStore | { error: string; reason: "NotFound" | "Invalid" } {
    const raw = kind === "SecretStore" ? this.#secretStores.get(namespace, name) : this.#clusterSecretStores.get(undefined, name);
    const label = kind === "SecretStore" ? `SecretStore ${namespace}/${name}` : `ClusterSecretStore ${name}`;
    if (!raw) return { error: `${label} not found`, reason: "NotFound" };
    const parsed: ParseResult<SecretStore | ClusterSecretStore> = kind === "SecretStore" ? this.#parseSecretStore(raw) : this.#parseClusterSecretStore(raw);
    if (!parsed.ok) return { error: `${label} is invalid: ${formatIssues(parsed.errors)}`, reason: "Invalid" };
    return { kind, store: parsed.value };
  }

  resolve(es: ExternalSecret): ResolvedStore & { parsed: ParsedStore } {
    const namespace = es.metadata.namespace ?? "";
    const ref = es.spec.secretStoreRef;
    if (!ref?.name) throw new StoreUnavailableError("spec.secretStoreRef.name is required");
    const kind: StoreKind = ref.kind === "ClusterSecretStore" ? "ClusterSecretStore" : "SecretStore";
    const found = this.lookup(kind, kind === "SecretStore" ? namespace : undefined, ref.name);
    if ("error" in found) throw new StoreUnavailableError(found.error);
    const { store } = found;
    const provider = Object.keys((store.spec.provider ?? {}) as Record<string, unknown>).find((k) => k !== "aws");
    if (!(store.spec.provider as { aws?: unknown }).aws) {
      throw new StoreUnavailableError(`${kind} ${ref.name}: ${unsupportedProviderMessage(provider ?? "none")}`);
    }
    const conditions = kind === "ClusterSecretStore" ? (store as ClusterSecretStore).spec.conditions : undefined;
    const nsLabels = (this.#namespaces?.get(undefined, namespace)?.metadata?.labels ?? { "kubernetes.io/metadata.name": namespace });
    const access = storeAccess({ kind, name: ref.name, namespace: store.metadata.namespace, conditions }, namespace, nsLabels);
    if (!access.allowed) throw new StoreUnavailableError(access.message);
    const ready = findCondition(store.status?.conditions, "Ready");
    if (ready?.status === "False") {
      throw new StoreUnavailableError(`${kind} ${ref.name} is not ready: ${ready.reason ?? ""}${ready.message ? `: ${ready.message}` : ""}`);
    }
    return {
      kind,
      name: ref.name,
      namespace: store.metadata.namespace,
      uid: store.metadata.uid ?? `${kind}/${store.metadata.namespace ?? ""}/${ref.name}`,
      generation: store.metadata.generation ?? 0,
      capabilities: this.#capabilities,
      parsed: found,
    };
  }
}

/** The store as the provider takes it: identity (for its client cache) and the AWS spec. */
export function providerStoreRef(parsed: ParsedStore) {
  return {
    kind: parsed.kind,
    name: parsed.store.metadata.name ?? "",
    namespace: parsed.store.metadata.namespace,
    uid: parsed.store.metadata.uid ?? "",
    generation: parsed.store.metadata.generation ?? 0,
    // The zod-derived store type is structurally the provider's spec type: no cast, so a drift between
    // src/apis and src/providers/aws/spec.ts fails the type-check.
    spec: { provider: { aws: parsed.store.spec.provider.aws! }, retrySettings: parsed.store.spec.retrySettings } satisfies AwsStoreSpec,
  };
}
