import type { Informer } from "../../runtime/informer.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";
import type { Logger } from "../../runtime/logger.ts";
import type { TemplateSourceRefs, TemplateSources } from "./template-sources.ts";

export type SourceKind = "ConfigMap" | "Secret";

export interface TemplateSourceCacheOptions {
  /** An informer of exactly one object (list/watch with a metadata.name field selector), not started. */
  watch(kind: SourceKind, namespace: string, name: string): Informer<KubeObject>;
  /** A single read of one object; undefined when it does not exist. */
  get(kind: SourceKind, namespace: string, name: string, signal?: AbortSignal): Promise<KubeObject | undefined>;
  /** Objects changed: the ExternalSecrets ("namespace/name") that render from them. */
  onChange(users: readonly string[]): void;
  /** Most objects watched at once; past it, sources are read with a GET per render and re-render at the next refresh. */
  maxWatches?: number | undefined;
  logger: Logger;
}

export const DEFAULT_MAX_TEMPLATE_SOURCE_WATCHES = 200;

interface Watch {
  informer: Informer<KubeObject>;
  users: Set<string>;
}

/**
 * The ConfigMaps and Secrets named by ExternalSecrets' `templateFrom`, and nothing else: each is watched on
 * its own (a field selector on its name, in its namespace), so the cache holds exactly the referenced objects
 * however many ConfigMaps and Secrets the cluster has, and a change re-renders the ExternalSecrets using it
 * at once (ESO reads them with a GET per reconcile and picks a change up only at the next refresh).
 *
 * Bounded: at most `maxWatches` objects are watched; the rest are read with a GET when rendered.
 */
export class TemplateSourceCache {
  readonly #options: TemplateSourceCacheOptions;
  readonly #maxWatches: number;
  readonly #watches = new Map<string, Watch>();
  /** ExternalSecret → the objects it uses. */
  readonly #uses = new Map<string, Set<string>>();
  #warnedFull = false;

  constructor(options: TemplateSourceCacheOptions) {
    this.#options = options;
    this.#maxWatches = options.maxWatches ?? DEFAULT_MAX_TEMPLATE_SOURCE_WATCHES;
  }

  /** Declares what an ExternalSecret renders from now: watches start for new objects and stop for unused ones. */
  use(user: string, namespace: string, refs: TemplateSourceRefs): void {
    const wanted = new Set(objectKeys(namespace, refs));
    const before = this.#uses.get(user) ?? new Set<string>();
    for (const key of before) if (!wanted.has(key)) this.#release(user, key);
    for (const key of wanted) if (!before.has(key)) this.#acquire(user, key);
    if (wanted.size > 0) this.#uses.set(user, wanted);
    else this.#uses.delete(user);
  }

  /** A deleted ExternalSecret. */
  forget(user: string): void {
    this.use(user, "", { configMaps: [], secrets: [] });
  }

  /**
   * The versions of the objects as the watches see them now (undefined unless every one is watched and
   * synced): compared with the fingerprint `read` returned to know whether a re-render is due.
   */
  fingerprint(namespace: string, refs: TemplateSourceRefs): string | undefined {
    const parts: string[] = [];
    for (const key of objectKeys(namespace, refs)) {
      const w = this.#watches.get(key);
      if (!w?.informer.hasSynced) return undefined;
      const { name } = parseKey(key);
      parts.push(versioned(key, w.informer.get(namespace, name)));
    }
    return parts.join(",");
  }

  /** The objects' data for a render (from the watches when synced, else one GET each) and their fingerprint. */
  async read(namespace: string, refs: TemplateSourceRefs, signal?: AbortSignal): Promise<{ sources: TemplateSources; fingerprint: string }> {
    const configMaps = new Map<string, Record<string, string>>();
    const secrets = new Map<string, Record<string, Uint8Array>>();
    const parts: string[] = [];
    for (const key of objectKeys(namespace, refs)) {
      const { kind, name } = parseKey(key);
      const w = this.#watches.get(key);
      const obj = w?.informer.hasSynced ? w.informer.get(namespace, name) : await this.#options.get(kind, namespace, name, signal);
      parts.push(versioned(key, obj));
      if (!obj) continue;
      const data = ((obj as { data?: Record<string, string> | null }).data ?? {});
      if (kind === "ConfigMap") configMaps.set(name, { ...data });
      else secrets.set(name, Object.fromEntries(Object.entries(data).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, "base64"))])));
    }
    return { sources: { configMaps, secrets }, fingerprint: parts.join(",") };
  }

  /** How many objects are watched (for tests and metrics). */
  get watched(): number {
    return this.#watches.size;
  }

  async stop(): Promise<void> {
    const watches = [...this.#watches.values()];
    this.#watches.clear();
    this.#uses.clear();
    await Promise.all(watches.map((w) => w.informer.stop()));
  }

  #acquire(user: string, key: string): void {
    const existing = this.#watches.get(key);
    if (existing) {
      existing.users.add(user);
      return;
    }
    if (this.#watches.size >= this.#maxWatches) {
      if (!this.#warnedFull) {
        this.#warnedFull = true;
        this.#options.logger.warn({ maxWatches: this.#maxWatches }, "templateFrom sources past the watch limit are read per render; their changes apply at the next refresh");
      }
      return;
    }
    const { kind, namespace, name } = parseKey(key);
    const informer = this.#options.watch(kind, namespace, name);
    const w: Watch = { informer, users: new Set([user]) };
    const changed = () => this.#options.onChange([...w.users]);
    informer.addEventHandler({ add: changed, update: changed, delete: changed });
    this.#watches.set(key, w);
    informer.start();
  }

  #release(user: string, key: string): void {
    const w = this.#watches.get(key);
    if (!w) return;
    w.users.delete(user);
    if (w.users.size > 0) return;
    this.#watches.delete(key);
    void w.informer.stop();
  }
}

function objectKeys(namespace: string, refs: TemplateSourceRefs): string[] {
  return [...refs.configMaps.map((n) => `ConfigMap/${namespace}/${n}`), ...refs.secrets.map((n) => `Secret/${namespace}/${n}`)];
}

function parseKey(key: string): { kind: SourceKind; namespace: string; name: string } {
  const [kind, namespace, name] = key.split("/") as [SourceKind, string, string];
  return { kind, namespace, name };
}

function versioned(key: string, obj: KubeObject | undefined): string {
  return `${key}@${obj ? (obj.metadata?.resourceVersion ?? "") : "-"}`;
}
