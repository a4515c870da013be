import type { Request } from "../runtime/controller.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import type { Condition } from "./conditions.ts";

/** The reconcile request that names an object. */
export function requestOf(obj: KubeObject): Request {
  return { namespace: obj.metadata?.namespace, name: obj.metadata?.name ?? "" };
}

/** "namespace/name" of a namespaced object. */
export function objectKeyOf(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}

/** Splits "namespace/name" back into a request. */
export function requestOfKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf("/");
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * Whether an update is a change worth a reconcile: generation, labels, annotations (force-sync) or deletion.
 * Status writes are not (ESO's predicate; KES re-polled on its own status writes).
 */
export function metadataChanged(a: KubeObject, b: KubeObject): boolean {
  const m1 = a.metadata ?? {};
  const m2 = b.metadata ?? {};
  return (
    m1.generation !== m2.generation ||
    JSON.stringify(m1.labels ?? {}) !== JSON.stringify(m2.labels ?? {}) ||
    JSON.stringify(m1.annotations ?? {}) !== JSON.stringify(m2.annotations ?? {}) ||
    m1.deletionTimestamp !== m2.deletionTimestamp
  );
}

export function conditionsOf(obj: KubeObject): Condition[] {
  return (obj as { status?: { conditions?: Condition[] } }).status?.conditions ?? [];
}

export function readyStatus(obj: KubeObject): string | undefined {
  return conditionsOf(obj).find((c) => c.type === "Ready")?.status;
}
