import { remoteSecretIdKey, type ReadOutcome, type RemoteSecretId, type SecretsClient } from "../providers/provider.ts";

export interface ReadCoalescerOptions {
  /** How long a read waits for companions before the batch goes out. */
  windowMs: number;
  /** A batch goes out at once when it reaches this many distinct ids (Secrets Manager takes 20 per call). */
  maxBatch: number;
}

interface Waiter {
  ids: readonly RemoteSecretId[];
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

  /** `onBatch` observes each batch sent to the provider, with its count of distinct ids (metrics). */
  constructor(client: SecretsClient, options: ReadCoalescerOptions = { windowMs: 5, maxBatch: 20 }, hooks: { onBatch?: ((ids: number) => void) | undefined } = {}) {
    this.#client = client;
    this.#options = options;
    this.#onBatch = hooks.onBatch;
  }

  read(ids: readonly RemoteSecretId[]): Promise<Map<string, ReadOutcome>> {
    if (ids.length === 0) return Promise.resolve(new Map<string, ReadOutcome>());
    return new Promise((resolve, reject) => {
      this.#pending.push({ ids, resolve, reject });
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
    this.#client.readSecrets([...unique.values()]).then(
      (outcomes) => {
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
        for (const w of waiters) w.reject(err);
      },
    );
  }
}

/** One coalescer per provider client, released with the client. */
export class ReadCoalescers {
  readonly #byClient = new WeakMap<SecretsClient, ReadCoalescer>();
  readonly #options: ReadCoalescerOptions | undefined;

  constructor(options?: ReadCoalescerOptions) {
    this.#options = options;
  }

  for(client: SecretsClient): ReadCoalescer {
    let c = this.#byClient.get(client);
    if (!c) {
      c = new ReadCoalescer(client, this.#options);
      this.#byClient.set(client, c);
    }
    return c;
  }
}
