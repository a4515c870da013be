import { Counter, Gauge, type Registry } from "prom-client";
import { informerHealth } from "../informer-health.ts";

/**
 * Watch health of this process's informers, read at scrape time from informerHealth. Labelled by resource
 * only ("secrets", "externalsecrets.external-secrets.io"): never a namespace or an object name.
 */
export class InformerMetrics {
  constructor(registry: Registry) {
    const registers = [registry];
    new Gauge({
      name: "ferry_informer_last_event_age_seconds",
      help: "Seconds since the informers of a resource last heard from the apiserver (a LIST, a watch event or a bookmark); the largest over the resource's informers. Bookmarks come about once a minute, so minutes mean a stuck watch.",
      labelNames: ["resource"],
      registers,
      collect() {
        this.reset();
        for (const [resource, ageMs] of informerHealth.lastEventAges()) this.set({ resource }, ageMs / 1000);
      },
    });
    new Counter({
      name: "ferry_informer_watch_stalls_total",
      help: "Watches restarted from their last resourceVersion because they delivered no event or bookmark for 5 minutes.",
      labelNames: ["resource"],
      registers,
      collect() {
        this.reset();
        for (const [resource, stalls] of informerHealth.stalls()) this.inc({ resource }, stalls);
      },
    });
  }
}
