import type { KubeObject } from "./list-watcher.ts";

/**
 * Informer transforms: what an informer keeps of each object, applied before it is stored (controller-runtime's
 * cache TransformFunc). The cache holds every watched object for the life of the process, so whatever a
 * controller never reads is memory paid per object: managedFields alone are often the largest part of a small
 * object's metadata (ESO #2608, #3145 — users chose ESO's metadata-only caches for memory).
 *
 * Each returns a new object and never mutates its input (an informer's objects are shared with every reader).
 */
export type CacheTransform = (obj: KubeObject) => KubeObject;

/** Drops metadata.managedFields: the server-side apply bookkeeping nothing but apply itself reads. */
export function withoutManagedFields(obj: KubeObject): KubeObject {
  if (obj.metadata?.managedFields === undefined) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/**
 * Keeps only the managedFields entries whose manager starts with `prefix` (a controller reads the keys its
 * own field managers own, never other managers' entries).
 */
export function keepManagedFieldsOf(prefix: string): CacheTransform {
  return (obj) => {
    const entries = obj.metadata?.managedFields;
    if (!Array.isArray(entries)) return obj;
    const mine = (entries as Array<{ manager?: string }>).filter((e) => typeof e.manager === "string" && e.manager.startsWith(prefix));
    const { managedFields: _all, ...metadata } = obj.metadata!;
    return { ...obj, metadata: mine.length > 0 ? { ...metadata, managedFields: mine } : metadata };
  };
}

/** Drops the named annotations (e.g. kubectl's last-applied-configuration, a second copy of the whole object). */
export function withoutAnnotations(names: readonly string[]): CacheTransform {
  return (obj) => {
    const annotations = obj.metadata?.annotations;
    if (!annotations || !names.some((n) => n in annotations)) return obj;
    const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => !names.includes(k)));
    return { ...obj, metadata: { ...obj.metadata, annotations: kept } };
  };
}

/** Applies transforms left to right. */
export function composeTransforms(...transforms: CacheTransform[]): CacheTransform {
  return (obj) => transforms.reduce((o, t) => t(o), obj);
}

/** The JSON size of what a cache holds, for byte budgets in tests and the memory benchmark. */
export function cachedBytes(objects: Iterable<KubeObject>): number {
  let bytes = 0;
  for (const o of objects) bytes += Buffer.byteLength(JSON.stringify(o));
  return bytes;
}
