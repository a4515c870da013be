/**
 * The recently recorded Events an EventRecorder aggregates into (client-go's EventCorrelator keeps an LRU of
 * 4096 for the same reason). Entries live in a Map in first-seen order, which is also age order, so expiry
 * looks only at the oldest entries and stops at the first one still inside the window: O(1) amortised per
 * event, where scanning the whole cache on every event made a burst of N distinct Events cost O(N²). The
 * entry count is bounded too, so a flood of distinct Events (one per failing ExternalSecret) cannot grow it.
 */

export interface AggregatedEvent {
  /** The Event object's name and namespace, to patch its count. */
  name: string;
  namespace: string;
  count: number;
  firstSeen: number;
  lastWrite: number;
}

export interface EventAggregationOptions {
  windowMs: number;
  maxEntries: number;
  /** Storage; tests pass a Map that counts the entries iterated. */
  entries?: Map<string, AggregatedEvent>;
}

export class EventAggregation {
  readonly #entries: Map<string, AggregatedEvent>;
  readonly #window: number;
  readonly #max: number;

  constructor(options: EventAggregationOptions) {
    this.#entries = options.entries ?? new Map<string, AggregatedEvent>();
    this.#window = options.windowMs;
    this.#max = options.maxEntries;
  }

  /** The entry for `key` if it was first seen inside the window; expires older ones first. */
  get(key: string, now: number): AggregatedEvent | undefined {
    this.#expire(now);
    return this.#entries.get(key);
  }

  /** Starts aggregating under `key`, evicting the oldest entry when full. */
  add(key: string, entry: AggregatedEvent): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
  }

  get size(): number {
    return this.#entries.size;
  }

  #expire(now: number): void {
    const cutoff = now - this.#window;
    for (const [key, entry] of this.#entries) {
      if (entry.firstSeen >= cutoff) return;
      this.#entries.delete(key);
    }
  }
}
