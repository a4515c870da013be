import type { InformerHandlers } from "./informer.ts";
import { objectKey } from "./informer.ts";
import type { KubeObject } from "./list-watcher.ts";

/** What an index needs of an informer: its events (client-go replays the store to a late `add`). */
export interface IndexSource<T extends KubeObject> {
  addEventHandler(handlers: InformerHandlers<T>): () => void;
}

/**
 * A secondary index over an informer's store (client-go's Indexer, controller-runtime's field index): the
 * objects whose index function returns a value, kept current from the informer's events, so a reconcile asks
 * for "the objects with value v" in O(result) instead of scanning the whole cache. Register it before the
 * handlers that read it (handlers run in registration order, after the store is updated).
 */
export class InformerIndex<T extends KubeObject> {
  readonly #indexOf: (obj: T) => readonly string[];
  readonly #byValue = new Map<string, Map<string, T>>();
  readonly #valuesOf = new Map<string, readonly string[]>();

  constructor(source: IndexSource<T>, indexOf: (obj: T) => readonly string[]) {
    this.#indexOf = indexOf;
    source.addEventHandler({
      add: (obj) => this.#set(obj),
      update: (_old, obj) => this.#set(obj),
      delete: (obj) => this.#remove(objectKey(obj)),
    });
  }

  /** The objects indexed under `value` (shared with the informer: never mutate them). */
  byIndex(value: string): T[] {
    return [...(this.#byValue.get(value)?.values() ?? [])];
  }

  /** Distinct index values held (for tests and logs). */
  get size(): number {
    return this.#byValue.size;
  }

  #set(obj: T): void {
    const key = objectKey(obj);
    this.#remove(key);
    const values = [...new Set(this.#indexOf(obj))];
    if (values.length === 0) return;
    this.#valuesOf.set(key, values);
    for (const value of values) {
      let objects = this.#byValue.get(value);
      if (!objects) this.#byValue.set(value, (objects = new Map<string, T>()));
      objects.set(key, obj);
    }
  }

  #remove(key: string): void {
    const values = this.#valuesOf.get(key);
    if (!values) return;
    this.#valuesOf.delete(key);
    for (const value of values) {
      const objects = this.#byValue.get(value);
      objects?.delete(key);
      if (objects?.size === 0) this.#byValue.delete(value);
    }
  }
}

/** Index function: the controller owner of an object as `<Kind>/<name>` (ownerReferences with controller: true). */
export function controllerOwnerOf(obj: KubeObject): string[] {
  const owners = (obj.metadata as { ownerReferences?: Array<{ kind?: string; name?: string; controller?: boolean }> } | undefined)?.ownerReferences ?? [];
  return owners.filter((o) => o.controller === true).map((o) => `${o.kind ?? ""}/${o.name ?? ""}`);
}
