import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { ControllerMetrics, ReconcileOutcome } from "../controller.ts";
import type { InProgressWork } from "../work-queue.ts";

/**
 * Work queue and reconcile metrics for the runtime's Controllers, under client-go's and controller-runtime's
 * names and labels (`workqueue_*{name}`, `controller_runtime_*{controller}`), so dashboards and alerts
 * written for ESO or any controller-runtime operator work unchanged. One series set per controller name.
 */
export class ControllerMetricsSet {
  readonly #depth: Gauge<"name">;
  readonly #adds: Counter<"name">;
  readonly #retries: Counter<"name">;
  readonly #queueDuration: Histogram<"name">;
  readonly #workDuration: Histogram<"name">;
  readonly #reconciles: Counter<"controller" | "result">;
  readonly #reconcileTime: Histogram<"controller">;
  readonly #activeWorkers: Gauge<"controller">;
  /** Per queue name, the probe of its work in progress, read at scrape time. */
  readonly #inProgress = new Map<string, () => InProgressWork>();

  constructor(registry: Registry) {
    const registers = [registry];
    // client-go's buckets: 1 µs to 10 s, ×10.
    const queueBuckets = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 60, 300];
    this.#depth = new Gauge({ name: "workqueue_depth", help: "Current depth of the work queue (keys waiting to be handed out).", labelNames: ["name"], registers });
    this.#adds = new Counter({ name: "workqueue_adds_total", help: "Keys added to the work queue (deduplicated adds not counted).", labelNames: ["name"], registers });
    this.#retries = new Counter({ name: "workqueue_retries_total", help: "Keys re-queued with backoff after a failed reconcile.", labelNames: ["name"], registers });
    this.#queueDuration = new Histogram({ name: "workqueue_queue_duration_seconds", help: "How long a key waited in the work queue before a worker took it.", labelNames: ["name"], buckets: queueBuckets, registers });
    this.#workDuration = new Histogram({ name: "workqueue_work_duration_seconds", help: "How long processing one key took.", labelNames: ["name"], buckets: queueBuckets, registers });
    this.#reconciles = new Counter({ name: "controller_runtime_reconcile_total", help: "Reconciles by controller and result (success, requeue_after, error, terminal).", labelNames: ["controller", "result"], registers });
    this.#reconcileTime = new Histogram({
      name: "controller_runtime_reconcile_time_seconds",
      help: "Reconcile duration by controller.",
      labelNames: ["controller"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    // client-go computes these two every 500 ms; reading the queue at scrape time is exact and costs nothing
    // between scrapes. They move while a reconcile hangs, which workqueue_work_duration_seconds cannot.
    const inProgress = this.#inProgress;
    new Gauge({
      name: "workqueue_unfinished_work_seconds",
      help: "How many seconds of work has been done that is in progress and not yet observed by work_duration. Large values indicate stuck workers.",
      labelNames: ["name"],
      registers,
      collect() {
        this.reset();
        for (const [name, probe] of inProgress) this.set({ name }, probe().unfinishedSeconds);
      },
    });
    new Gauge({
      name: "workqueue_longest_running_processor_seconds",
      help: "How many seconds the longest running processor of the work queue has been running.",
      labelNames: ["name"],
      registers,
      collect() {
        this.reset();
        for (const [name, probe] of inProgress) this.set({ name }, probe().longestSeconds);
      },
    });
    this.#activeWorkers = new Gauge({ name: "controller_runtime_active_workers", help: "Reconciles running now, by controller.", labelNames: ["controller"], registers });
  }

  /** The callbacks for one Controller's `metrics` option. */
  for(name: string): ControllerMetrics {
    const q = { name };
    const c = { controller: name };
    // Series exist from the start (a dashboard shows 0, not "no data").
    this.#depth.set(q, 0);
    this.#adds.inc(q, 0);
    this.#retries.inc(q, 0);
    this.#activeWorkers.set(c, 0);
    return {
      depth: (depth) => this.#depth.set(q, depth),
      add: () => this.#adds.inc(q),
      retry: () => this.#retries.inc(q),
      queueLatency: (seconds) => this.#queueDuration.observe(q, seconds),
      workDuration: (seconds) => this.#workDuration.observe(q, seconds),
      reconciled: (outcome, seconds) => {
        this.#reconciles.inc({ controller: name, result: resultLabel(outcome) });
        this.#reconcileTime.observe(c, seconds);
      },
      activeWorkers: (count) => this.#activeWorkers.set(c, count),
      inProgress: (probe) => void this.#inProgress.set(name, probe),
    };
  }
}

/** controller-runtime's result label values (it has no "terminal"; Ferry's non-retried errors get their own). */
function resultLabel(outcome: ReconcileOutcome): string {
  return outcome === "requeue-after" ? "requeue_after" : outcome;
}
