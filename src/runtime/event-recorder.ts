import { hostname } from "node:os";
import type { CoreV1Event } from "@kubernetes/client-node";
import { EventAggregation } from "./event-aggregation.ts";
import { kubeClient, type KubeClient } from "./kube/kube-client.ts";
import type { KubeConfig } from "./kube/kubeconfig.ts";
import { corePath } from "./kube/paths.ts";

export interface EventTarget {
  apiVersion: string;
  kind: string;
  name: string;
  /** Absent for cluster-scoped objects; their Events go to the `default` namespace, as client-go does. */
  namespace?: string | undefined;
  uid?: string | undefined;
}

export type EventType = "Normal" | "Warning";

/** Fire-and-forget Kubernetes Events. Messages must never carry secret values: callers pass names and causes. */
export interface EventRecorder {
  event(target: EventTarget, type: EventType, reason: string, message: string): void;
}

export interface KubeEventRecorderOptions {
  kubeConfig: KubeConfig;
  component: string;
  now?: () => number;
  /** Identical events inside this window update one Event's count instead of creating new ones. */
  aggregateWindowMs?: number;
  /** An aggregated Event's count is written at most this often (an error retried with backoff stays cheap). */
  minPatchIntervalMs?: number;
  /** Distinct Events aggregated at once (client-go: 4096); the oldest is forgotten beyond it. */
  maxAggregated?: number;
  onError?: (err: unknown) => void;
}

/**
 * Records core/v1 Events with client-go's aggregation: the same (object, type, reason, message) within the
 * window bumps `count` on the existing Event, written at most every `minPatchIntervalMs`. A provider error
 * retried with backoff for an hour is one Event with a count, not hundreds of objects.
 */
export class KubeEventRecorder implements EventRecorder {
  readonly #kube: KubeClient;
  readonly #component: string;
  readonly #instance = hostname();
  readonly #now: () => number;
  readonly #window: number;
  readonly #minPatchInterval: number;
  readonly #onError: (err: unknown) => void;
  readonly #seen: EventAggregation;

  constructor(options: KubeEventRecorderOptions) {
    this.#kube = kubeClient(options.kubeConfig);
    this.#component = options.component;
    this.#now = options.now ?? Date.now;
    this.#window = options.aggregateWindowMs ?? 10 * 60_000;
    this.#minPatchInterval = options.minPatchIntervalMs ?? 30_000;
    this.#onError = options.onError ?? (() => {});
    this.#seen = new EventAggregation({ windowMs: this.#window, maxEntries: options.maxAggregated ?? 4096 });
  }

  event(target: EventTarget, type: EventType, reason: string, message: string): void {
    void this.#record(target, type, reason, message).catch(this.#onError);
  }

  async #record(target: EventTarget, type: EventType, reason: string, message: string): Promise<void> {
    const now = this.#now();
    const key = JSON.stringify([target.uid ?? `${target.namespace}/${target.name}`, target.kind, type, reason, message]);
    const seen = this.#seen.get(key, now);
    if (seen) {
      seen.count++;
      if (now - seen.lastWrite < this.#minPatchInterval) return;
      seen.lastWrite = now;
      await this.#kube.patch(corePath("events", seen.namespace, seen.name), "merge", { count: seen.count, lastTimestamp: new Date(now).toISOString() });
      return;
    }
    const namespace = target.namespace ?? "default";
    const name = `${target.name}.${now.toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
    this.#seen.add(key, { name, namespace, count: 1, firstSeen: now, lastWrite: now });
    const at = new Date(now).toISOString();
    // Timestamps as the apiserver's JSON has them (client-node's typings say Date; JSON is what is sent).
    const event = {
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: target.apiVersion,
        kind: target.kind,
        name: target.name,
        ...(target.namespace ? { namespace: target.namespace } : {}),
        ...(target.uid ? { uid: target.uid } : {}),
      },
      type,
      reason,
      message: message.length > 1024 ? `${message.slice(0, 1021)}...` : message,
      count: 1,
      firstTimestamp: at,
      lastTimestamp: at,
      source: { component: this.#component },
      reportingComponent: this.#component,
      reportingInstance: this.#instance,
    } satisfies Omit<CoreV1Event, "firstTimestamp" | "lastTimestamp"> & { firstTimestamp: string; lastTimestamp: string };
    await this.#kube.create(corePath("events", namespace), event);
  }
}

/** Records nothing; for tools and tests that do not care. */
export const noopEventRecorder: EventRecorder = { event: () => {} };
