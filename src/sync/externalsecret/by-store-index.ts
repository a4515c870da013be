import type { KubeObject } from "../../runtime/list-watcher.ts";
import { objectKeyOf } from "../informer-events.ts";

/** The index key of a store: kind, namespace (SecretStore only) and name. */
export function storeKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ""}/${name}`;
}

/** The store an ExternalSecret names, as an index key (ESO's default kind is SecretStore). */
export function storeKeyOf(es: KubeObject): string {
  const ref = (es as { spec?: { secretStoreRef?: { name?: string; kind?: string } } }).spec?.secretStoreRef;
  const kind = ref?.kind === "ClusterSecretStore" ? "ClusterSecretStore" : "SecretStore";
  return storeKey(kind, kind === "SecretStore" ? es.metadata?.namespace : undefined, ref?.name ?? "");
}

/** ExternalSecret keys ("namespace/name") by the store they name, kept current from the informer's events. */
export class ExternalSecretsByStore {
  readonly #byStore = new Map<string, Set<string>>();

  add(es: KubeObject): void {
    const key = storeKeyOf(es);
    let set = this.#byStore.get(key);
    if (!set) this.#byStore.set(key, (set = new Set()));
    set.add(objectKeyOf(es));
  }

  remove(es: KubeObject): void {
    const key = storeKeyOf(es);
    const set = this.#byStore.get(key);
    set?.delete(objectKeyOf(es));
    if (set?.size === 0) this.#byStore.delete(key);
  }

  onStore(kind: string, namespace: string | undefined, name: string): ReadonlySet<string> | undefined {
    return this.#byStore.get(storeKey(kind, kind === "SecretStore" ? namespace : undefined, name));
  }
}
