/** A change event waiting to be read by its ExternalSecret: its order among marks, and when it arrived. */
export interface RemoteChangeMark {
  seq: number;
  /** Monotonic milliseconds when the change was reported, for the event-to-Secret latency. */
  at: number;
}

/**
 * ExternalSecrets whose remote secret changed (a change event) and that have not read it since. A mark
 * makes the next reconcile read the provider although the refresh is not due; it is cleared only by a
 * reconcile that read after the mark was made and succeeded, so a failed read retries with backoff and
 * still reads, and a change reported while a read is in flight is read again. Bounded: one mark per
 * ExternalSecret, dropped when it is deleted.
 */
export class RemoteChanges {
  readonly #marks = new Map<string, RemoteChangeMark>();
  readonly #monotonic: () => number;
  #seq = 0;

  constructor(options: { monotonic?: (() => number) | undefined } = {}) {
    this.#monotonic = options.monotonic ?? (() => performance.now());
  }

  /** The remote secret of this ExternalSecret ("namespace/name") changed; keeps the first arrival time. */
  mark(key: string): void {
    const previous = this.#marks.get(key);
    this.#marks.set(key, { seq: ++this.#seq, at: previous?.at ?? this.#monotonic() });
  }

  pending(key: string): RemoteChangeMark | undefined {
    return this.#marks.get(key);
  }

  /**
   * A reconcile that saw `seen` at its start has synced: the mark goes unless a newer change came in
   * meanwhile. Returns how long after the first report the Secret was synced, or undefined.
   */
  settle(key: string, seen: RemoteChangeMark): number | undefined {
    const current = this.#marks.get(key);
    if (!current || current.seq !== seen.seq) return undefined;
    this.#marks.delete(key);
    return this.#monotonic() - current.at;
  }

  forget(key: string): void {
    this.#marks.delete(key);
  }

  get size(): number {
    return this.#marks.size;
  }
}
