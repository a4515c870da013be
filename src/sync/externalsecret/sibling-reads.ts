import { createHash } from "node:crypto";
import type { ReadOutcome } from "../../providers/provider.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";

interface Entry {
  reading: Promise<Map<string, ReadOutcome>>;
  startedAt: number;
  expiresAt: number;
}

/** JSON with object keys sorted, so equal content hashes equally whatever order the apiserver sent. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * The sibling group of an ExternalSecret fanned out by a ClusterExternalSecret: its controller's uid and a
 * hash of everything that decides what it reads (spec, labels, annotations: a force-sync annotation passed on
 * from the ClusterExternalSecret starts a new group, so it gets a fresh read). Undefined for any other
 * ExternalSecret.
 */
export function siblingGroupOf(es: KubeObject): string | undefined {
  const refs = (es.metadata as { ownerReferences?: Array<{ kind: string; uid: string; controller?: boolean; apiVersion: string }> } | undefined)?.ownerReferences;
  const owner = refs?.find((r) => r.controller && r.kind === "ClusterExternalSecret" && r.apiVersion.startsWith("external-secrets.io/"));
  if (!owner) return undefined;
  const content = canonical({ spec: (es as { spec?: unknown }).spec, labels: es.metadata?.labels ?? {}, annotations: es.metadata?.annotations ?? {} });
  return `${owner.uid}/${createHash("sha256").update(content).digest("hex")}`;
}

/**
 * Reads shared by the ExternalSecrets one ClusterExternalSecret fans out (ESO KES #382, ESO PR #6241: ESO
 * reads the same secret once per namespace). Siblings are one definition copied to N namespaces: on the same
 * client (same store, credentials and region; each sibling's own namespace access is checked by its
 * reconcile before it reads) they read the same ids, so the first sibling's read, in flight or finished, is
 * the read of all of them for `ttlMs` (siblingShareMs: most of their interval, and each plans its next refresh
 * from when that read went out). Kept per client,
 * so nothing crosses credentials; entries expire, so memory is bounded by the ClusterExternalSecrets read
 * within the window.
 */
export class SiblingReads {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(options: { now: () => number }) {
    this.#now = options.now;
  }

  /** The group's read, if one started within its TTL and did not fail as a whole. */
  get(group: string): Promise<Map<string, ReadOutcome>> | undefined {
    return this.#live(group)?.reading;
  }

  /** When the group's read went out (siblings plan their next refresh from then, ADR 14). */
  startedAt(group: string): number | undefined {
    return this.#live(group)?.startedAt;
  }

  #live(group: string): Entry | undefined {
    const entry = this.#entries.get(group);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(group);
      return undefined;
    }
    return entry;
  }

  /** Records a read started for a group; a call that fails as a whole is forgotten (siblings then read themselves). */
  put(group: string, reading: Promise<Map<string, ReadOutcome>>, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.#sweep();
    const entry = { reading, startedAt: this.#now(), expiresAt: this.#now() + ttlMs };
    this.#entries.set(group, entry);
    reading.catch(() => {
      if (this.#entries.get(group) === entry) this.#entries.delete(group);
    });
  }

  get size(): number {
    return this.#entries.size;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [group, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(group);
  }
}

/**
 * How long siblings share a read: three quarters of their refreshInterval, at most a minute (the read time
 * a reconcile plans from must be within the prefetch lifetime); refreshInterval 0 (read once): a minute.
 * Every sibling that takes the read plans its next refresh from when the read went out, so a sibling never
 * holds a value longer than its interval plus jitter, and all of them land in one refresh group. A shorter
 * TTL (10 s, until issue #12's last runs) let the last siblings of a fan-out created slowly on a busy
 * machine read again and plan from that second read: two refresh groups, two reads per cycle for cycles.
 */
export function siblingShareMs(refreshIntervalMs: number): number {
  if (refreshIntervalMs <= 0) return 60_000;
  return Math.min(60_000, Math.floor((refreshIntervalMs * 3) / 4));
}
