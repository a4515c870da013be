import { Counter, type Registry } from "prom-client";

/** Counts of the rollout path. Labels are kinds and namespaces, never a Secret's content. */
export class RolloutMetrics {
  readonly #triggered: Counter<"kind" | "namespace">;

  constructor(registry: Registry) {
    this.#triggered = new Counter({
      name: "ferry_rollouts_triggered_total",
      help: "Workload rollouts Ferry triggered because a Secret they use changed content (pod template secrets-hash patched).",
      labelNames: ["kind", "namespace"],
      registers: [registry],
    });
  }

  rolloutTriggered(kind: string, namespace: string): void {
    this.#triggered.inc({ kind, namespace });
  }
}
