import type { KubeConfig } from "./kube/kubeconfig.ts";
import { Informer, type InformerOptions } from "./informer.ts";
import type { KubeObject, ListWatcher } from "./list-watcher.ts";
import { errorFields, silentLogger, type Logger } from "./logger.ts";

/**
 * What a pool's users hear. `listed` and `add` are apart on purpose: the objects a namespace's first LIST
 * finds were there before the watch began (synthetic adds), so they are not changes; `add` is an object that
 * appeared while the namespace was watched (including one a relist after 410 Gone finds).
 */
export interface NamespacedWatchHandlers<T extends KubeObject> {
  /** An object the namespace's first LIST found, when its watch started. */
  listed?(obj: T): void;
  /** An object created while the namespace was watched. */
  add?(obj: T): void;
  update?(before: T, after: T): void;
  delete?(obj: T): void;
  /** The namespace's first LIST is in (after its `listed` calls). */
  synced?(namespace: string): void;
}

export interface NamespacedWatchPoolOptions<T extends KubeObject> {
  /** The collection of one namespace, e.g. (ns) => `/api/v1/namespaces/${ns}/secrets`. */
  pathOf: (namespace: string) => string;
  /**
   * What is kept of each object, applied before it is cached and handed to handlers (a digest, identity and
   * labels, …): memory grows with the number of objects, not their contents. Must keep metadata.
   */
  transform: (obj: KubeObject) => T;
  handlers: NamespacedWatchHandlers<T>;
  /** Names the namespace's informer in logs: `${name} ${namespace}`. */
  name: string;
  /** Required unless listWatcherOf is given. */
  kubeConfig?: KubeConfig | undefined;
  logger?: Logger | undefined;
  /** Replaces the apiserver for one namespace (unit tests). */
  listWatcherOf?: ((namespace: string) => ListWatcher) | undefined;
  /** Passed to every namespace's informer (unit tests: a fake clock, no jitter). */
  informer?: Pick<InformerOptions<T>, "clock" | "random" | "backoff" | "pageSize"> | undefined;
}

/**
 * Watches one kind only in the namespaces some user needs, one informer per namespace: started with the
 * namespace's first user (retain) and stopped with its last (release). So a controller that cares about the
 * Secrets of a few namespaces never watches, or caches, the cluster's Secrets. A user is an opaque key (a
 * workload, a PushSecret); retaining twice counts once.
 */
export class NamespacedWatchPool<T extends KubeObject> {
  readonly #options: NamespacedWatchPoolOptions<T>;
  readonly #logger: Logger;
  readonly #byNamespace = new Map<string, { informer: Informer<T>; users: Set<string> }>();
  #started = false;

  constructor(options: NamespacedWatchPoolOptions<T>) {
    if (!options.kubeConfig && !options.listWatcherOf) throw new Error("NamespacedWatchPool needs a kubeConfig or a listWatcherOf");
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** `user` needs `namespace` watched: starts its informer if it is the first (once the pool is started). */
  retain(namespace: string, user: string): void {
    let entry = this.#byNamespace.get(namespace);
    if (!entry) {
      entry = { informer: this.#informerFor(namespace), users: new Set() };
      this.#byNamespace.set(namespace, entry);
      if (this.#started) entry.informer.start();
    }
    entry.users.add(user);
  }

  /** `user` no longer needs `namespace`: the last user's release stops the informer and drops its cache. */
  release(namespace: string, user: string): void {
    const entry = this.#byNamespace.get(namespace);
    if (!entry?.users.delete(user) || entry.users.size > 0) return;
    this.#byNamespace.delete(namespace);
    void entry.informer.stop();
  }

  /** The cached (transformed) objects of a watched namespace; none for another. Never mutate them. */
  list(namespace: string): T[] {
    return this.#byNamespace.get(namespace)?.informer.list(namespace) ?? [];
  }

  /** True once the namespace's informer has listed, so its cache is current. */
  synced(namespace: string): boolean {
    return this.#byNamespace.get(namespace)?.informer.hasSynced ?? false;
  }

  /**
   * Resolves true once the namespace has listed; false when it is not watched, is released or the pool stops
   * first, or `signal` aborts. Waits for start() when the pool has not started.
   */
  async waitForSync(namespace: string, signal?: AbortSignal): Promise<boolean> {
    const entry = this.#byNamespace.get(namespace);
    if (!entry) return false;
    try {
      await entry.informer.waitForSync(signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Starts the informers of the namespaces retained so far; later ones start as they are retained. */
  start(): void {
    this.#started = true;
    for (const { informer } of this.#byNamespace.values()) informer.start();
  }

  /** Namespaces watched and objects cached (for tests and logs). */
  get size(): { namespaces: number; objects: number } {
    let objects = 0;
    for (const { informer } of this.#byNamespace.values()) objects += informer.size;
    return { namespaces: this.#byNamespace.size, objects };
  }

  async stop(): Promise<void> {
    this.#started = false;
    await Promise.all([...this.#byNamespace.values()].map(({ informer }) => informer.stop()));
    this.#byNamespace.clear();
  }

  #informerFor(namespace: string): Informer<T> {
    const { pathOf, transform, handlers, name, kubeConfig, listWatcherOf } = this.#options;
    const informer = new Informer<T>({
      path: pathOf(namespace),
      ...(listWatcherOf ? { listWatcher: listWatcherOf(namespace) } : { kubeConfig: kubeConfig! }),
      transform: (o: KubeObject) => transform(o),
      logger: this.#logger.child({ informer: `${name} ${namespace}` }),
      ...this.#options.informer,
    });
    informer.addEventHandler({
      // The informer is synced only after its first LIST's adds are handed out (Informer#relist).
      add: (o) => (informer.hasSynced ? handlers.add?.(o) : handlers.listed?.(o)),
      ...(handlers.update ? { update: (before: T, after: T) => handlers.update!(before, after) } : {}),
      ...(handlers.delete ? { delete: (o: T) => handlers.delete!(o) } : {}),
    });
    if (handlers.synced) {
      informer.waitForSync().then(
        () => {
          try {
            handlers.synced!(namespace);
          } catch (err) {
            this.#logger.error({ ...errorFields(err), namespace }, "namespaced watch synced handler threw");
          }
        },
        () => {}, // stopped before it listed: nothing to tell
      );
    }
    return informer;
  }
}
