import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { RemoteChangeTiming } from "../sync/externalsecret/remote-changes.ts";
import type { ChangeService } from "./change-event.ts";

/** Why a message enqueued nothing: not a change Ferry acts on, malformed, or a change to a secret nobody reads. */
export type IgnoredReason = "ignored" | "malformed" | "unread";

/** Change-event metrics (docs/observability.md). Labels are queue URLs, services and reasons: never names or values. */
export class ChangeEventMetrics {
  readonly #received: Counter<"queue">;
  readonly #matched: Counter<"service">;
  readonly #ignored: Counter<"reason">;
  readonly #enqueued: Counter;
  readonly #latency: Histogram;
  readonly #fromQueue: Histogram;
  readonly #queueUp: Gauge<"queue">;
  readonly #queueErrors: Counter<"queue" | "call">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#received = new Counter({ name: "ferry_change_events_received_total", help: "Messages received from change-event queues.", labelNames: ["queue"], registers });
    this.#matched = new Counter({ name: "ferry_change_events_matched_total", help: "Change events that enqueued at least one ExternalSecret.", labelNames: ["service"], registers });
    this.#ignored = new Counter({
      name: "ferry_change_events_ignored_total",
      help: "Messages that enqueued nothing: ignored (not a change Ferry acts on), malformed, or unread (a change to a secret no ExternalSecret reads).",
      labelNames: ["reason"],
      registers,
    });
    this.#enqueued = new Counter({ name: "ferry_change_events_enqueued_externalsecrets_total", help: "ExternalSecrets enqueued by change events.", registers });
    this.#latency = new Histogram({
      name: "ferry_change_event_to_secret_seconds",
      help: "From a change event's arrival to its ExternalSecret's successful sync.",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    });
    this.#fromQueue = new Histogram({
      name: "ferry_change_event_queue_to_secret_seconds",
      help: "From a change event's arrival in its SQS queue (SentTimestamp) to its ExternalSecret's successful sync: the event-to-Secret latency including the wait in the queue.",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    });
    this.#queueUp = new Gauge({ name: "ferry_change_events_queue_up", help: "1 while the last call to a change-event queue succeeded, 0 after a failure.", labelNames: ["queue"], registers });
    this.#queueErrors = new Counter({ name: "ferry_change_events_queue_errors_total", help: "Failed calls to change-event queues.", labelNames: ["queue", "call"], registers });
  }

  received(queue: string): void {
    this.#received.inc({ queue });
  }

  matched(service: ChangeService, externalSecrets: number): void {
    this.#matched.inc({ service });
    this.#enqueued.inc(externalSecrets);
  }

  ignored(reason: IgnoredReason): void {
    this.#ignored.inc({ reason });
  }

  synced(timing: RemoteChangeTiming): void {
    this.#latency.observe(timing.totalMs / 1000);
    if (timing.fromQueueMs !== undefined) this.#fromQueue.observe(timing.fromQueueMs / 1000);
  }

  queueUp(queue: string, up: boolean): void {
    this.#queueUp.set({ queue }, up ? 1 : 0);
  }

  queueError(queue: string, call: string): void {
    this.#queueErrors.inc({ queue, call });
  }
}
