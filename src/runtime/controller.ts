import { realClock, sleep, type Clock } from "./clock.ts";
import { errorFields, silentLogger, type Logger } from "./logger.ts";
import type { InformerHandlers } from "./informer.ts";
import type { KubeObject } from "./list-watcher.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import { WorkQueue, type QueuePriority, type WorkQueueMetrics } from "./work-queue.ts";

/**
 * What to reconcile: a name, never an event. Level-based (controller-runtime's philosophy): the reconciler
 * reads the current state and converges, so a missed, merged or replayed event cannot cause a wrong action.
 */
export interface Request {
  namespace?: string | undefined;
  name: string;
}

export interface ReconcileResult {
  /** Reconcile this object again after this long (e.g. the refresh interval), even without events. */
  requeueAfterMs?: number | undefined;
}

export interface Reconciler {
  /**
   * Converges one object. Throwing retries it with per-key backoff; throwing TerminalError does not retry.
   * `signal` aborts when the controller stops and the grace period is over (or leadership is lost).
   */
  reconcile(request: Request, signal: AbortSignal): Promise<ReconcileResult>;
}

/**
 * An error that retrying will not fix (an invalid spec): logged, not requeued. The object is reconciled
 * again when it changes. Detected through `cause` chains too, as errors.Is does for controller-runtime's.
 */
export class TerminalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TerminalError";
  }
}

export function isTerminalError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e instanceof TerminalError) return true;
  }
  return false;
}

export type ReconcileOutcome = "success" | "requeue-after" | "error" | "terminal";

export interface ControllerMetrics extends WorkQueueMetrics {
  /** One finished reconcile: its outcome and duration in seconds. */
  reconciled?(outcome: ReconcileOutcome, seconds: number): void;
  /** Reconciles running now. */
  activeWorkers?(count: number): void;
}

export interface ControllerOptions {
  /** For logs and metrics, e.g. "externalsecret". */
  name: string;
  reconciler: Reconciler;
  /** Concurrent reconciles; default 2. One key is never reconciled by two workers at once. */
  concurrency?: number;
  logger?: Logger;
  clock?: Clock;
  rateLimiter?: RateLimiter;
  metrics?: ControllerMetrics;
  /**
   * At most this many low-priority reconciles (periodic requeues) run at once, so the other workers are
   * there for changes (WorkQueueOptions.maxLowInFlight); default: all of them.
   */
  periodicConcurrency?: number | undefined;
  /** How long stop() waits for in-flight reconciles before aborting them; default 30 s. */
  shutdownTimeoutMs?: number;
  /**
   * The longest retry delay for a failure, when the failure says the wait should be short: e.g. an
   * unreachable apiserver (isTransientKubeError) is retried at least this often, so every object converges
   * soon after it returns instead of sitting out a backoff that grew during the outage. Undefined: the rate
   * limiter's delay as is.
   */
  maxRetryDelayMs?: (err: unknown) => number | undefined;
}

/** How long stop() still waits for reconciles after aborting them. */
const abortGraceMs = 5_000;

/** "namespace/name", or "name" for cluster-scoped objects. Names and namespaces never contain "/". */
export function requestKey(request: Request): string {
  return request.namespace ? `${request.namespace}/${request.name}` : request.name;
}

export function parseRequestKey(key: string): Request {
  const slash = key.indexOf("/");
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * Runs a Reconciler over a work queue with N workers. Keys are deduplicated (a burst of events for one
 * object is one reconcile), a key is never processed concurrently, failures back off per key, and results
 * may ask for a periodic requeue.
 */
export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #reconciler: Reconciler;
  readonly #concurrency: number;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #metrics: ControllerMetrics;
  readonly #shutdownTimeoutMs: number;
  readonly #maxRetryDelayMs: ((err: unknown) => number | undefined) | undefined;
  readonly #abort = new AbortController();
  readonly #inFlight = new Map<string, Promise<void>>();
  #workers: Promise<void>[] = [];
  #started = false;
  #stopping: Promise<void> | undefined;

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.#reconciler = options.reconciler;
    this.#concurrency = Math.max(1, options.concurrency ?? 2);
    this.#logger = (options.logger ?? silentLogger).child({ controller: options.name });
    this.#clock = options.clock ?? realClock;
    this.#metrics = options.metrics ?? {};
    this.#shutdownTimeoutMs = options.shutdownTimeoutMs ?? 30_000;
    this.#maxRetryDelayMs = options.maxRetryDelayMs;
    this.queue = new WorkQueue({
      clock: this.#clock,
      maxLowInFlight: options.periodicConcurrency,
      metrics: this.#metrics,
      ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
    });
  }

  /** Keys being reconciled right now. */
  get inFlight(): string[] {
    return [...this.#inFlight.keys()];
  }

  /** `low`: periodic work nobody waits for (QueuePriority); changes and user actions stay normal. */
  enqueue(request: Request, priority: QueuePriority = "normal"): void {
    this.queue.add(requestKey(request), priority);
  }

  enqueueAfter(request: Request, ms: number, priority: QueuePriority = "normal"): void {
    this.queue.addAfter(requestKey(request), ms, priority);
  }

  /**
   * Informer handlers that enqueue, for `informer.addEventHandler(controller.handlers(map))`. `map` turns an
   * object into the requests it affects (default: the object itself; e.g. a Secret → its owning
   * ExternalSecret). Updates enqueue both the old and the new mapping, so a changed reference is seen.
   */
  handlers<T extends KubeObject>(map: (obj: T) => Request[] = ownRequest): InformerHandlers<T> {
    const enqueueAll = (obj: T) => {
      for (const r of map(obj)) this.enqueue(r);
    };
    return {
      add: enqueueAll,
      update: (oldObj, newObj) => {
        enqueueAll(oldObj);
        enqueueAll(newObj);
      },
      delete: enqueueAll,
    };
  }

  /** Starts the workers; idempotent. */
  start(): void {
    if (this.#started || this.#stopping) return;
    this.#started = true;
    this.#logger.info({ workers: this.#concurrency }, "controller started");
    for (let i = 0; i < this.#concurrency; i++) this.#workers.push(this.#work());
  }

  /**
   * Stops taking keys (queued ones are dropped: level-based, whoever runs next relists them), waits up to
   * `timeoutMs` for in-flight reconciles, then aborts their signal and waits for them to return. Pass
   * `timeoutMs: 0` when leadership is lost: another replica may already be writing.
   */
  stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#stopping ??= this.#stop(options.timeoutMs ?? this.#shutdownTimeoutMs);
    return this.#stopping;
  }

  async #stop(timeoutMs: number): Promise<void> {
    await this.queue.shutDown();
    if (this.#inFlight.size > 0 && !(await this.#workersDoneWithin(timeoutMs))) {
      this.#logger.warn({ inFlight: this.inFlight, timeoutMs }, "aborting in-flight reconciles");
      this.#abort.abort(new Error(`controller ${this.name} stopping`));
      // A reconciler that ignores its signal must not keep the process from exiting.
      if (!(await this.#workersDoneWithin(abortGraceMs))) {
        this.#logger.error({ inFlight: this.inFlight }, "reconciles ignored the abort signal; giving up on them");
      }
    }
    this.#abort.abort(new Error(`controller ${this.name} stopped`));
    this.#logger.info("controller stopped");
  }

  async #workersDoneWithin(ms: number): Promise<boolean> {
    const timer = new AbortController();
    let done = false;
    const all = Promise.all(this.#workers).then(() => {
      done = true;
      timer.abort();
    });
    await Promise.race([all, sleep(this.#clock, ms, timer.signal)]);
    timer.abort();
    return done;
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      const run = this.#reconcile(key);
      this.#inFlight.set(key, run);
      this.#metrics.activeWorkers?.(this.#inFlight.size);
      await run;
      this.#inFlight.delete(key);
      this.#metrics.activeWorkers?.(this.#inFlight.size);
      this.queue.done(key);
    }
  }

  async #reconcile(key: string): Promise<void> {
    const request = parseRequestKey(key);
    const started = this.#clock.monotonic();
    const seconds = () => (this.#clock.monotonic() - started) / 1000;
    try {
      const result = await this.#reconciler.reconcile(request, this.#abort.signal);
      this.queue.forget(key);
      const after = result?.requeueAfterMs;
      if (after !== undefined && after >= 0) {
        // A requeue after a success is the next periodic refresh: behind any change waiting (QueuePriority).
        this.queue.addAfter(key, after, "low");
        this.#metrics.reconciled?.("requeue-after", seconds());
      } else {
        this.#metrics.reconciled?.("success", seconds());
      }
    } catch (err) {
      if (isTerminalError(err)) {
        this.queue.forget(key);
        this.#logger.error({ key, ...errorFields(err) }, "reconcile failed permanently; not retrying until the object changes");
        this.#metrics.reconciled?.("terminal", seconds());
      } else {
        this.queue.addRateLimited(key, { maxDelayMs: this.#maxRetryDelayMs?.(err) });
        this.#logger.warn({ key, ...errorFields(err), retries: this.queue.numRequeues(key) }, "reconcile failed; retrying with backoff");
        this.#metrics.reconciled?.("error", seconds());
      }
    }
  }
}

function ownRequest(obj: KubeObject): Request[] {
  const name = obj.metadata?.name;
  return name ? [{ namespace: obj.metadata?.namespace, name }] : [];
}
