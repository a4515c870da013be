/** A change event waiting to be read by its ExternalSecret: its order among marks, and when it arrived. */
export interface RemoteChangeMark {
  seq: number;
  /** Monotonic milliseconds when the change was reported, for the event-to-Secret latency. */
  at: number;
  /** When the event reached its queue (SQS SentTimestamp, epoch ms), if known: the latency from the queue. */
  sentAt?: number | undefined;
}

/** Where the time from a change event to its synced Secret went; milliseconds since Ferry received the event. */
export interface RemoteChangeTiming {
  /** Until the reconcile that settled the change started (work queue wait, and any earlier reconcile read again). */
  startedMs: number;
  /** Until that reconcile had its provider values. */
  readMs?: number | undefined;
  /** Until the Secret was written (absent when nothing needed writing). */
  writtenMs?: number | undefined;
  /** Until the change was settled (status written): the event-to-Secret latency. */
  totalMs: number;
  /** From the event's arrival in its queue (SentTimestamp) until settled, when known. */
  fromQueueMs?: number | undefined;
}

/** What a reconcile noted about its own progress, in the monotonic clock of RemoteChanges. */
export interface ReconcileStages {
  started: number;
  read?: number | undefined;
  written?: number | undefined;
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
  readonly #now: () => number;
  #seq = 0;

  constructor(options: { monotonic?: (() => number) | undefined; now?: (() => number) | undefined } = {}) {
    this.#monotonic = options.monotonic ?? (() => performance.now());
    this.#now = options.now ?? Date.now;
  }

  /**
   * The remote secret of this ExternalSecret ("namespace/name") changed; keeps the first arrival time, and
   * the earliest time the change was in a queue (`sentAt`, epoch ms).
   */
  mark(key: string, sentAt?: number): void {
    const previous = this.#marks.get(key);
    const sent = [previous?.sentAt, sentAt].filter((t): t is number => t !== undefined);
    this.#marks.set(key, { seq: ++this.#seq, at: previous?.at ?? this.#monotonic(), sentAt: sent.length > 0 ? Math.min(...sent) : undefined });
  }

  pending(key: string): RemoteChangeMark | undefined {
    return this.#marks.get(key);
  }

  /** The clock stages are noted in (monotonic ms). */
  monotonic(): number {
    return this.#monotonic();
  }

  /**
   * A reconcile that saw `seen` at its start has synced: the mark goes unless a newer change came in
   * meanwhile. Returns where the time since the first report went, or undefined.
   */
  settle(key: string, seen: RemoteChangeMark, stages?: ReconcileStages): RemoteChangeTiming | undefined {
    const current = this.#marks.get(key);
    if (!current || current.seq !== seen.seq) return undefined;
    this.#marks.delete(key);
    const since = (t: number | undefined) => (t === undefined ? undefined : Math.max(0, t - current.at));
    return {
      startedMs: since(stages?.started) ?? 0,
      readMs: since(stages?.read),
      writtenMs: since(stages?.written),
      totalMs: this.#monotonic() - current.at,
      fromQueueMs: current.sentAt === undefined ? undefined : Math.max(0, this.#now() - current.sentAt),
    };
  }

  forget(key: string): void {
    this.#marks.delete(key);
  }

  get size(): number {
    return this.#marks.size;
  }
}
