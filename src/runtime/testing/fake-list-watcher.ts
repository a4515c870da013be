import { objectKey } from "../informer.ts";
import type { KubeObject, ListOptions, ListPage, ListWatcher, WatchHandle, WatchOptions } from "../list-watcher.ts";

export interface FakeObject extends KubeObject {
  data?: Record<string, string>;
}

/**
 * A fake apiserver for one collection. resourceVersions are deliberately non-numeric ("rv-0007"): the
 * informer must treat them as opaque.
 */
export class FakeListWatcher implements ListWatcher {
  readonly objects = new Map<string, FakeObject>();
  readonly lists: ListOptions[] = [];
  readonly watches: WatchOptions[] = [];
  readonly listErrors: unknown[] = [];
  readonly watchErrors: unknown[] = [];
  /** The next request for a continuation page fails with 410 (its continue token expired). */
  expireContinueOnce = false;
  #rv = 0;
  #stream: { onEvent: (type: string, obj: unknown) => void; onDone: (err: unknown) => void } | undefined;

  rv(): string {
    return `rv-${String(this.#rv).padStart(4, "0")}`;
  }

  /** Creates or updates an object, emitting the event to an open watch unless `silently`. */
  put(ns: string, name: string, data: Record<string, string> = {}, silently = false): FakeObject {
    this.#rv++;
    const key = `${ns}/${name}`;
    const existed = this.objects.has(key);
    const obj: FakeObject = { metadata: { namespace: ns, name, resourceVersion: this.rv() }, data };
    this.objects.set(key, obj);
    if (!silently) this.#stream?.onEvent(existed ? "MODIFIED" : "ADDED", structuredClone(obj));
    return obj;
  }

  remove(ns: string, name: string, silently = false): void {
    this.#rv++;
    const obj = this.objects.get(`${ns}/${name}`)!;
    this.objects.delete(`${ns}/${name}`);
    if (!silently) this.#stream?.onEvent("DELETED", { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: this.rv() } });
  }

  event(type: string, obj: unknown): void {
    this.#stream!.onEvent(type, obj);
  }

  bookmark(): void {
    this.#rv++;
    this.#stream!.onEvent("BOOKMARK", { metadata: { resourceVersion: this.rv() } });
  }

  /** Ends the open watch, cleanly or with an error (a cut). */
  end(err: unknown = null): void {
    const stream = this.#stream;
    this.#stream = undefined;
    stream?.onDone(err);
  }

  get watching(): boolean {
    return this.#stream !== undefined;
  }

  async list(options: ListOptions, _signal: AbortSignal): Promise<ListPage> {
    this.lists.push(options);
    if (this.listErrors.length > 0) throw this.listErrors.shift();
    if (options.continue && this.expireContinueOnce) {
      this.expireContinueOnce = false;
      throw Object.assign(new Error("continue token expired"), { statusCode: 410 });
    }
    const all = [...this.objects.values()].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
    const start = options.continue ? Number(options.continue.slice("page-".length)) : 0;
    const items = all.slice(start, start + options.limit).map((o) => {
      const { apiVersion: _a, kind: _k, ...rest } = structuredClone(o);
      return rest;
    });
    const next = start + options.limit < all.length ? `page-${start + options.limit}` : undefined;
    return { kind: "ConfigMapList", apiVersion: "v1", items, resourceVersion: this.rv(), continue: next };
  }

  async watch(options: WatchOptions, onEvent: (type: string, obj: unknown) => void, onDone: (err: unknown) => void): Promise<WatchHandle> {
    this.watches.push(options);
    if (this.watchErrors.length > 0) {
      onDone(this.watchErrors.shift());
      return { abort: () => {} };
    }
    const stream = { onEvent, onDone };
    this.#stream = stream;
    return {
      abort: () => {
        if (this.#stream === stream) this.end(new Error("aborted"));
      },
    };
  }
}
