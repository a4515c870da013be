import { remoteSecretIdKey, type ReadOutcome, type RemoteSecretId, type SecretsClient } from "../providers/provider.ts";
import type { CallBackoff } from "./call-backoff.ts";

export interface ReadCoalescerOptions {
  /** How long a read waits for companions before the batch goes out. */
  windowMs: number;
  /** A batch goes out at once when it reaches this many distinct ids (Secrets Manager takes 20 per call). */
  maxBatch: number;
}

interface Waiter {
  ids: readonly RemoteSecretId[];
  signal: AbortSignal | undefined;
  resolve: (outcomes: Map<string, ReadOutcome>) => void;
  reject: (err: unknown) => void;
}

/**
 * Merges the reads of concurrently running reconciles that use the same provider client into one batched
 * provider call, and reads an id that several of them want once. Most ExternalSecrets read a single key, so
 * batching inside one reconcile alone would still cost ESO's one call per ExternalSecret per refresh
 * (ESO #1769, #2902); coalescing across them is what turns 1,000 refreshes into ~50 BatchGetSecretValue calls.
 * The window is a few milliseconds: nothing is cached, every caller gets values read after it asked.
 */
export class ReadCoalescer {
  readonly #client: SecretsClient;
  readonly #options: ReadCoalescerOptions;
  #pending: Waiter[] = [];
  #pendingIds = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  readonly #onBatch: ((ids: number) => void) | undefined;
  readonly #backoff: CallBackoff | undefined;
  readonly #onRecovered: (() => void) | undefined;

  /**
   * `onBatch` observes each batch sent to the provider, with its count of distinct ids (metrics). With
   * `backoff`, a batch that fails as a whole makes reads fail fast until its wait is over (CallBackoff), and
   * `onRecovered` is called when a batch succeeds after such a failure.
   */
  constructor(
    client: SecretsClient,
    options: ReadCoalescerOptions = { windowMs: 5, maxBatch: 20 },
    hooks: { onBatch?: ((ids: number) => void) | undefined; backoff?: CallBackoff | undefined; onRecovered?: (() => void) | undefined } = {},
  ) {
    this.#client = client;
    this.#options = options;
    this.#onBatch = hooks.onBatch;
    this.#backoff = hooks.backoff;
    this.#onRecovered = hooks.onRecovered;
  }

  /**
   * Reads `ids` in the next batch. `signal` is the caller's (its reconcile's): the batch is aborted only
   * when every caller waiting for it has aborted, so one stopping reconcile never fails the others' reads.
   */
  read(ids: readonly RemoteSecretId[], signal?: AbortSignal): Promise<Map<string, ReadOutcome>> {
    if (ids.length === 0) return Promise.resolve(new Map<string, ReadOutcome>());
    const blocked = this.#backoff?.blocked();
    if (blocked !== undefined) return Promise.reject(asError(blocked));
    if (signal?.aborted) return Promise.reject(asError(signal.reason));
    // A read that would overflow the pending batch goes in the next one: a full batch (a refresh group) that
    // joined two stragglers would cost two calls (20 + 2) instead of one (ADR 14).
    const added = new Set(ids.map(remoteSecretIdKey).filter((k) => !this.#pendingIds.has(k))).size;
    if (this.#pending.length > 0 && this.#pendingIds.size + added > this.#options.maxBatch) this.#flush();
    return new Promise((resolve, reject) => {
      this.#pending.push({ ids, signal, resolve, reject });
      for (const id of ids) this.#pendingIds.add(remoteSecretIdKey(id));
      if (this.#pendingIds.size >= this.#options.maxBatch) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#options.windowMs);
    });
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const waiters = this.#pending;
    this.#pending = [];
    this.#pendingIds = new Set();
    const unique = new Map<string, RemoteSecretId>();
    for (const w of waiters) for (const id of w.ids) unique.set(remoteSecretIdKey(id), id);
    this.#onBatch?.(unique.size);
    const abort = allAborted(waiters.map((w) => w.signal));
    this.#client.readSecrets([...unique.values()], abort.signal).finally(abort.dispose).then(
      (outcomes) => {
        if (this.#backoff?.succeeded()) this.#onRecovered?.();
        for (const w of waiters) {
          const mine = new Map<string, ReadOutcome>();
          for (const id of w.ids) {
            const key = remoteSecretIdKey(id);
            mine.set(key, outcomes.get(key) ?? { ok: false, error: new Error(`${id.key}: no result from provider`) });
          }
          w.resolve(mine);
        }
      },
      (err: unknown) => {
        // An abort is the callers' doing, not the provider's failure.
        if (!waiters.every((w) => w.signal?.aborted)) this.#backoff?.failed(err);
        for (const w of waiters) w.reject(err);
      },
    );
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * A signal that aborts once all of `signals` have; never when one of them is absent (a caller that cannot be
 * stopped). `dispose` removes its listeners: the callers' signals (a controller's) outlive every batch.
 */
export function allAborted(signals: ReadonlyArray<AbortSignal | undefined>): { signal: AbortSignal | undefined; dispose: () => void } {
  if (signals.length === 0 || signals.some((s) => s === undefined)) return { signal: undefined, dispose: () => {} };
  const all = [...new Set(signals as AbortSignal[])];
  const combined = new AbortController();
  const check = () => {
    if (all.every((s) => s.aborted)) combined.abort(all[0]!.reason);
  };
  for (const s of all) s.addEventListener("abort", check);
  check();
  return { signal: combined.signal, dispose: () => all.forEach((s) => s.removeEventListener("abort", check)) };
}
