import type { ApiCallObserver } from "../provider.ts";
import type { Clock, CredentialSource } from "./auth/credentials.ts";

/** What to release when a cache entry goes (SDK clients hold sockets). */
export type Disposables = Array<{ destroy(): void }>;

interface Entry<T> {
  uid: string;
  generation: number;
  value: T;
  disposables: Disposables;
}

/**
 * The per-store cache every AWS client factory keeps (readers and writers alike): entries keyed by store
 * uid, generation and (for referent auth) namespace; least recently used dropped first; a new generation of a
 * store drops its older entries, so an edited store gets fresh credentials while refreshes of an unchanged one
 * reuse them (ESO rebuilds both on every reconcile, ESO #1194).
 */
export class StoreCache<T> {
  readonly #max: number;
  /** Insertion order is recency order: a hit re-inserts its entry. */
  readonly #entries = new Map<string, Entry<T>>();

  constructor(max: number) {
    this.#max = max;
  }

  static key(store: { uid: string; generation: number }, namespace: string | undefined): string {
    return JSON.stringify([store.uid, store.generation, namespace ?? ""]);
  }

  get(key: string): T | undefined {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit.value;
  }

  set(key: string, store: { uid: string; generation: number }, value: T, disposables: Disposables): void {
    for (const [k, entry] of this.#entries) if (entry.uid === store.uid && entry.generation !== store.generation) this.#drop(k);
    this.#entries.set(key, { uid: store.uid, generation: store.generation, value, disposables });
    while (this.#entries.size > this.#max) this.#drop(this.#entries.keys().next().value!);
  }

  forgetStore(uid: string): void {
    for (const [key, entry] of this.#entries) if (entry.uid === uid) this.#drop(key);
  }

  /** Releases every entry (shutdown). */
  close(): void {
    for (const key of [...this.#entries.keys()]) this.#drop(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    for (const d of entry?.disposables ?? []) d.destroy();
  }
}

/** The SDK default chain for stores without `auth`: one source per region, shared by every store using it. */
export class DefaultCredentialsByRegion {
  readonly #sources = new Map<string, CredentialSource>();
  readonly #create: (options: { region: string; onApiCall?: ApiCallObserver | undefined; now: Clock }) => CredentialSource;
  readonly #onApiCall: ApiCallObserver | undefined;
  readonly #now: Clock;

  constructor(options: {
    create: (options: { region: string; onApiCall?: ApiCallObserver | undefined; now: Clock }) => CredentialSource;
    onApiCall: ApiCallObserver | undefined;
    now: Clock;
  }) {
    this.#create = options.create;
    this.#onApiCall = options.onApiCall;
    this.#now = options.now;
  }

  for(region: string): CredentialSource {
    let source = this.#sources.get(region);
    if (!source) {
      source = this.#create({ region, onApiCall: this.#onApiCall, now: this.#now });
      this.#sources.set(region, source);
    }
    return source;
  }
}
