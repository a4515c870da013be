import type { KubeConfig } from "./kube/kubeconfig.ts";
import { Backoff, type BackoffOptions } from "./backoff.ts";
import { realClock, sleep, type Clock, type TimerHandle } from "./clock.ts";
import { informerHealth, resourceOfPath } from "./informer-health.ts";
import { errorFields, silentLogger, type Logger } from "./logger.ts";
import { kubeListWatcher, type KubeObject, type ListWatcher, type WatchHandle } from "./list-watcher.ts";

export interface InformerHandlers<T extends KubeObject> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  /** The last state the informer saw (after a relist, the object may have been deleted some time ago). */
  delete?(obj: T): void;
}

export interface InformerOptions<T extends KubeObject> {
  /** Collection path: /api/v1/secrets, /apis/external-secrets.io/v1/namespaces/x/externalsecrets. */
  path: string;
  /** Required unless listWatcher is given. */
  kubeConfig?: KubeConfig;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Applied to every object before it is stored and handed to handlers, e.g. to drop a Secret's data the
   * controller does not need, so memory stays flat with thousands of Secrets. Must keep metadata.
   */
  transform?: (obj: T) => T;
  /** LIST page size; default 500 (client-go's). */
  pageSize?: number;
  /** Server-side watch timeout range in seconds, randomised per watch (client-go: 5–10 min). */
  watchTimeoutSeconds?: { min: number; max: number };
  /** See KubeListWatcherOptions.watchIdleTimeoutMs. */
  watchIdleTimeoutMs?: number;
  /** Reconnect backoff; default 800 ms doubling to 30 s with full jitter (client-go's reflector). */
  backoff?: BackoffOptions;
  /**
   * Restart an open watch that has delivered no event and no bookmark for this long, from the last
   * resourceVersion; default 5 min (DEFAULT_WATCH_STALL_MS).
   */
  watchStallMs?: number;
  logger?: Logger;
  clock?: Clock;
  random?: () => number;
  /** Replaces the apiserver (unit tests). */
  listWatcher?: ListWatcher;
}

type WatchOutcome = { kind: "closed" | "gone" | "error" | "stalled" | "stopped"; err?: unknown; events: number; durationMs: number };

/** A watch that delivered events, or stayed open this long, was healthy: the next failure starts the backoff afresh. */
const healthyWatchMs = 30_000;

/**
 * The stall guard's bound. Ferry's watches ask for bookmarks (allowWatchBookmarks), which the apiserver sends
 * about once a minute on a quiet watch, so five minutes of silence is five missed bookmarks: no healthy watch
 * gets there. It is also well above the transport's 150 s idle timeout (list-watcher.ts), which catches a
 * silent socket; this guard catches what that cannot see — bytes that arrive but never make an event (a
 * proxy's keep-alives, a wedged decoder), or a stream whose end is never reported — so the two never race
 * for the same fault.
 */
export const DEFAULT_WATCH_STALL_MS = 5 * 60_000;

/** The store key of an object: "namespace/name", or "name" for cluster-scoped objects (client-go's). */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name ?? ""}` : (obj.metadata?.name ?? "");
}

/**
 * A shared informer: paginated LIST, then WATCH from the list's resourceVersion with bookmarks, keeping an
 * in-memory store and telling handlers about adds, updates and deletes. It never gives up: every failure is
 * retried with capped, jittered backoff (client-node's own informer stops on an error and needs a manual
 * restart, a known pitfall).
 *
 * - A cut or ended watch resumes from the last resourceVersion seen (events or bookmarks), so nothing is
 *   replayed and nothing is missed.
 * - On 410 Gone (the resourceVersion was compacted away) it relists and diffs against the store, emitting
 *   only real changes. KES #190 / #133: a watch restart must never look like delete-all-then-add-all, which
 *   made kubernetes-external-secrets delete and recreate every Secret.
 * - resourceVersions are opaque strings, compared for equality only.
 */
export class Informer<T extends KubeObject = KubeObject> {
  readonly #listWatcher: ListWatcher;
  readonly #transform: ((obj: T) => T) | undefined;
  readonly #pageSize: number;
  readonly #watchTimeout: { min: number; max: number };
  readonly #backoff: Backoff;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #watchStallMs: number;
  readonly #resource: string;

  /** namespace ("" for cluster-scoped) → name → object */
  #store = new Map<string, Map<string, T>>();
  #size = 0;
  readonly #handlers = new Set<InformerHandlers<T>>();
  #resourceVersion = "";
  #synced = false;
  readonly #syncWaiters = new Set<{ resolve: () => void; reject: (err: Error) => void }>();
  #startedAt = 0;
  #lastEventAt: number | undefined;
  #watching = false;

  #running: Promise<void> | undefined;
  readonly #stop = new AbortController();
  #watch: WatchHandle | undefined;
  #endWatch: ((outcome: WatchOutcome) => void) | undefined;

  constructor(options: InformerOptions<T>) {
    if (!options.listWatcher && !options.kubeConfig) throw new Error("Informer needs a kubeConfig or a listWatcher");
    this.#listWatcher =
      options.listWatcher ??
      kubeListWatcher(options.kubeConfig!, {
        path: options.path,
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        ...(options.watchIdleTimeoutMs !== undefined ? { watchIdleTimeoutMs: options.watchIdleTimeoutMs } : {}),
      });
    this.#transform = options.transform;
    this.#pageSize = options.pageSize ?? 500;
    this.#watchTimeout = options.watchTimeoutSeconds ?? { min: 300, max: 600 };
    this.#clock = options.clock ?? realClock;
    this.#random = options.random ?? Math.random;
    this.#watchStallMs = options.watchStallMs ?? DEFAULT_WATCH_STALL_MS;
    this.#resource = resourceOfPath(options.path);
    this.#backoff = new Backoff({ random: this.#random, ...options.backoff });
    this.#logger = (options.logger ?? silentLogger).child({
      informer: options.path,
      ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
      ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
    });
  }

  /** True once the first LIST is in the store (and stays true). */
  get hasSynced(): boolean {
    return this.#synced;
  }

  /** True while a watch stream is open. */
  get watching(): boolean {
    return this.#watching;
  }

  /** The resourceVersion the next watch resumes from. */
  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  /**
   * Milliseconds since the informer last heard from the apiserver (a LIST, an event or a bookmark), for a
   * watchdog or readiness check. Bookmarks arrive about once a minute on a quiet watch, so a few minutes
   * means the informer is stuck.
   */
  get lastEventAge(): number {
    return this.#clock.monotonic() - (this.#lastEventAt ?? this.#startedAt);
  }

  /** The watched resource, as metrics label it ("secrets", "externalsecrets.external-secrets.io"). */
  get resource(): string {
    return this.#resource;
  }

  get size(): number {
    return this.#size;
  }

  /** The stored object (shared with every reader: never mutate it). */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.#store.get(namespace ?? "")?.get(name);
  }

  /** Every stored object, or those of one namespace (shared with every reader: never mutate them). */
  list(namespace?: string): T[] {
    if (namespace !== undefined) return [...(this.#store.get(namespace)?.values() ?? [])];
    const out: T[] = [];
    for (const byName of this.#store.values()) out.push(...byName.values());
    return out;
  }

  /**
   * Registers handlers; objects already in the store are replayed to `add` first (client-go's semantics,
   * so a late registration misses nothing). Returns a function that unregisters.
   */
  addEventHandler(handlers: InformerHandlers<T>): () => void {
    this.#handlers.add(handlers);
    if (handlers.add) for (const obj of this.list()) this.#call(() => handlers.add!(obj));
    return () => void this.#handlers.delete(handlers);
  }

  /** Starts listing and watching in the background; idempotent. */
  start(): void {
    if (this.#running || this.#stop.signal.aborted) return;
    this.#startedAt = this.#clock.monotonic();
    informerHealth.add(this);
    this.#running = this.#run()
      .catch((err: unknown) => this.#logger.error(errorFields(err), "informer loop crashed"))
      .finally(() => informerHealth.delete(this));
  }

  /** Resolves once synced; rejects if the signal aborts or the informer stops first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.#synced) return Promise.resolve();
    if (this.#stop.signal.aborted) return Promise.reject(new Error("informer stopped before it synced"));
    if (signal?.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#syncWaiters.delete(waiter);
        reject(signal?.reason instanceof Error ? signal.reason : new Error("aborted waiting for the informer to sync"));
      };
      const waiter = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (err: Error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(err);
        },
      };
      this.#syncWaiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Stops the watch and any pending LIST or backoff; resolves when the loop has exited. */
  async stop(): Promise<void> {
    if (!this.#stop.signal.aborted) {
      this.#stop.abort();
      this.#watch?.abort();
      this.#endWatch?.({ kind: "stopped", events: 0, durationMs: 0 });
      for (const waiter of this.#syncWaiters) waiter.reject(new Error("informer stopped before it synced"));
      this.#syncWaiters.clear();
    }
    await this.#running;
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    let needList = true;
    let goneStreak = 0;
    while (!signal.aborted) {
      if (needList) {
        try {
          await this.#relist(signal);
          needList = false;
          // A LIST that works is progress, unless it keeps being followed by instant 410s (then keep escalating).
          if (goneStreak <= 1) this.#backoff.reset();
        } catch (err) {
          if (signal.aborted) break;
          const delay = this.#backoff.next();
          this.#logger.warn({ ...errorFields(err), retryInMs: Math.round(delay) }, "list failed; retrying");
          await sleep(this.#clock, delay, signal);
          continue;
        }
      }

      if (signal.aborted) break;
      const outcome = await this.#watchOnce();
      if (signal.aborted || outcome.kind === "stopped") break;
      const healthy = outcome.events > 0 || outcome.durationMs >= healthyWatchMs;
      if (healthy) {
        this.#backoff.reset();
        goneStreak = 0;
      }

      let delay = 0;
      if (outcome.kind === "gone") {
        // Relist at once the first time; a server that keeps answering 410 right after a fresh LIST gets backoff.
        needList = true;
        if (goneStreak++ > 0) delay = this.#backoff.next();
        this.#logger.info({ resourceVersion: this.#resourceVersion, retryInMs: Math.round(delay) }, "watch expired (410 Gone); relisting");
      } else if (outcome.kind === "stalled") {
        // Resume from the last resourceVersion like any cut watch: nothing is relisted, so nothing can look
        // deleted. If that resourceVersion was compacted meanwhile, the 410 path relists and diffs.
        informerHealth.stalled(this.#resource);
        this.#logger.warn({ resourceVersion: this.#resourceVersion, silentForMs: Math.round(outcome.durationMs), boundMs: this.#watchStallMs }, "watch stalled (no event or bookmark); restarting it");
      } else if (outcome.kind === "error") {
        delay = this.#backoff.next();
        this.#logger.warn({ ...errorFields(outcome.err), resourceVersion: this.#resourceVersion, retryInMs: Math.round(delay) }, "watch failed; reconnecting");
      } else {
        // Closed cleanly: the server's timeoutSeconds, or a proxy. Reconnect at once unless it closes instantly.
        if (!healthy) delay = this.#backoff.next();
        this.#logger.debug({ resourceVersion: this.#resourceVersion, retryInMs: Math.round(delay) }, "watch closed; reconnecting");
      }
      if (delay > 0) await sleep(this.#clock, delay, signal);
    }
  }

  async #relist(signal: AbortSignal): Promise<void> {
    const fresh = new Map<string, Map<string, T>>();
    let count = 0;
    let resourceVersion = "";
    let cont: string | undefined;
    let restarts = 0;
    while (!signal.aborted) {
      let page;
      try {
        page = await this.#listWatcher.list({ limit: this.#pageSize, continue: cont }, signal);
      } catch (err) {
        // A continue token expires with compaction (410): start the list over, as client-go's pager does.
        if (cont !== undefined && statusCodeOf(err) === 410 && restarts++ < 3) {
          fresh.clear();
          count = 0;
          cont = undefined;
          continue;
        }
        throw err;
      }
      const kind = page.kind?.endsWith("List") ? page.kind.slice(0, -4) : undefined;
      for (const raw of page.items) {
        // LIST items carry no apiVersion/kind; fill them so handlers see the same shape as from a watch.
        const obj = this.#prepare({ ...(page.apiVersion ? { apiVersion: page.apiVersion } : {}), ...(kind ? { kind } : {}), ...raw } as T);
        const ns = obj.metadata?.namespace ?? "";
        const name = obj.metadata?.name ?? "";
        let byName = fresh.get(ns);
        if (!byName) fresh.set(ns, (byName = new Map<string, T>()));
        if (!byName.has(name)) count++;
        byName.set(name, obj);
      }
      resourceVersion = page.resourceVersion;
      cont = page.continue || undefined;
      if (cont === undefined) break;
    }
    if (signal.aborted) return;

    const changes = this.#replace(fresh, count);
    this.#resourceVersion = resourceVersion;
    this.#lastEventAt = this.#clock.monotonic();
    this.#logger.info({ objects: count, ...changes, resourceVersion }, this.#synced ? "relisted" : "listed");
    if (!this.#synced) {
      this.#synced = true;
      for (const waiter of this.#syncWaiters) waiter.resolve();
      this.#syncWaiters.clear();
    }
  }

  /** Swaps the store for a fresh LIST and emits only the differences. */
  #replace(fresh: Map<string, Map<string, T>>, count: number): { added: number; updated: number; deleted: number } {
    const events: Array<() => void> = [];
    const counts = { added: 0, updated: 0, deleted: 0 };
    for (const [ns, byName] of fresh) {
      for (const [name, obj] of byName) {
        const old = this.#store.get(ns)?.get(name);
        if (!old) {
          counts.added++;
          events.push(() => this.#emit((h) => h.add?.(obj)));
        } else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) {
          counts.updated++;
          events.push(() => this.#emit((h) => h.update?.(old, obj)));
        }
      }
    }
    for (const [ns, byName] of this.#store) {
      for (const [name, old] of byName) {
        if (!fresh.get(ns)?.has(name)) {
          counts.deleted++;
          events.push(() => this.#emit((h) => h.delete?.(old)));
        }
      }
    }
    // Store first, then handlers: a handler that reads the informer sees the state it was told about.
    this.#store = fresh;
    this.#size = count;
    for (const e of events) e();
    return counts;
  }

  #watchOnce(): Promise<WatchOutcome> {
    return new Promise((resolve) => {
      const started = this.#clock.monotonic();
      let events = 0;
      let gone = false;
      let errorEvent: Error | undefined;
      let ended = false;
      let stallTimer: TimerHandle = undefined;
      const end = (outcome: WatchOutcome) => {
        if (ended) return;
        ended = true;
        if (stallTimer !== undefined) this.#clock.clearTimeout(stallTimer);
        this.#watching = false;
        this.#watch = undefined;
        this.#endWatch = undefined;
        resolve(outcome);
      };
      const finish = (err: unknown) => {
        const durationMs = this.#clock.monotonic() - started;
        if (gone || statusCodeOf(err) === 410) end({ kind: "gone", events, durationMs });
        else if (errorEvent || err) end({ kind: "error", err: errorEvent ?? err, events, durationMs });
        else end({ kind: "closed", events, durationMs });
      };
      this.#endWatch = end;
      // stop() may have run while this loop was between awaits; it must not leave a watch open behind it.
      if (this.#stop.signal.aborted) {
        end({ kind: "stopped", events: 0, durationMs: 0 });
        return;
      }
      // The stall guard: one timer, re-armed for the rest of the bound whenever an event or bookmark came in
      // since it was set. The silence is counted from this watch's start at the earliest, so time spent in
      // backoff or a LIST does not count against a new watch.
      const checkStall = () => {
        const silentForMs = this.#clock.monotonic() - Math.max(started, this.#lastEventAt ?? started);
        if (silentForMs < this.#watchStallMs) {
          stallTimer = this.#clock.setTimeout(checkStall, this.#watchStallMs - silentForMs);
          return;
        }
        stallTimer = undefined;
        // Ended here, not by the handle's onDone: a stalled stream may never report its end.
        const handle = this.#watch;
        end({ kind: "stalled", events, durationMs: silentForMs });
        handle?.abort();
      };
      stallTimer = this.#clock.setTimeout(checkStall, this.#watchStallMs);
      const timeoutSeconds = Math.floor(this.#watchTimeout.min + this.#random() * (this.#watchTimeout.max - this.#watchTimeout.min));
      const onEvent = (type: string, object: unknown) => {
        // Events a stream delivers after it was ended (buffered lines) belong to no one.
        if (ended || gone || errorEvent) return;
        if (type === "ERROR") {
          const status = (object ?? {}) as { code?: number; reason?: string; message?: string };
          if (status.code === 410) gone = true;
          else errorEvent = Object.assign(new Error(`watch ERROR event: ${status.code ?? "?"} ${status.reason ?? ""} ${status.message ?? ""}`.trim()), { statusCode: status.code });
          this.#watch?.abort();
          return;
        }
        events++;
        this.#apply(type, object as T);
      };
      this.#listWatcher.watch({ resourceVersion: this.#resourceVersion, timeoutSeconds }, onEvent, finish).then(
        (handle) => {
          if (ended) {
            handle.abort();
            return;
          }
          this.#watch = handle;
          this.#watching = true;
        },
        (err: unknown) => finish(err ?? new Error("watch failed")),
      );
    });
  }

  #apply(type: string, raw: T): void {
    const rv = raw?.metadata?.resourceVersion;
    this.#lastEventAt = this.#clock.monotonic();
    if (type === "BOOKMARK") {
      if (rv) this.#resourceVersion = rv;
      return;
    }
    if (type !== "ADDED" && type !== "MODIFIED" && type !== "DELETED") {
      this.#logger.debug({ type }, "ignoring unknown watch event type");
      return;
    }
    const obj = this.#prepare(raw);
    const ns = obj.metadata?.namespace ?? "";
    const name = obj.metadata?.name ?? "";
    let byName = this.#store.get(ns);
    const old = byName?.get(name);
    if (type === "DELETED") {
      if (old) {
        byName!.delete(name);
        if (byName!.size === 0) this.#store.delete(ns);
        this.#size--;
        this.#emit((h) => h.delete?.(old));
      }
    } else if (!old) {
      if (!byName) this.#store.set(ns, (byName = new Map<string, T>()));
      byName.set(name, obj);
      this.#size++;
      this.#emit((h) => h.add?.(obj));
    } else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) {
      byName!.set(name, obj);
      this.#emit((h) => h.update?.(old, obj));
    }
    if (rv) this.#resourceVersion = rv;
  }

  #prepare(obj: T): T {
    return this.#transform ? this.#transform(obj) : obj;
  }

  #emit(fn: (h: InformerHandlers<T>) => void): void {
    for (const h of this.#handlers) this.#call(() => fn(h));
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      // One broken handler must not stop the informer (or the other handlers).
      this.#logger.error(errorFields(err), "informer event handler threw");
    }
  }
}

function statusCodeOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof code === "number" ? code : undefined;
}
