import type { ExternalSecret } from "../apis/external-secret.ts";
import { durationMs } from "../sync/externalsecret/reconciler.ts";

/** One remote read of an ExternalSecret, as the change index needs it. */
export type IndexedRead =
  /** `data[].remoteRef.key` or `dataFrom[].extract.key`: a name (the store's prefix is prepended) or an ARN. */
  | { kind: "key"; key: string }
  /** `dataFrom[].find`: which secrets it could match is decided per event (readMatches). */
  | { kind: "find"; path: string | undefined; nameRegexp: string | undefined; tags: boolean };

/**
 * The remote reads an ExternalSecret refreshes, or none when a change event must not refresh it: only a
 * `Periodic` ExternalSecret with a non-zero `refreshInterval` polls, and an event only moves that poll
 * earlier. `OnChange`, `CreatedOnce` and `refreshInterval: 0` mean "do not re-read on your own" (ESO's
 * semantics), so events leave them alone too.
 */
export function readsOf(es: ExternalSecret): IndexedRead[] {
  const policy = es.spec.refreshPolicy ?? "Periodic";
  if (policy !== "Periodic" || durationMs(es.spec.refreshInterval) <= 0) return [];
  const reads: IndexedRead[] = [];
  for (const d of es.spec.data ?? []) reads.push({ kind: "key", key: d.remoteRef.key });
  for (const from of es.spec.dataFrom ?? []) {
    if (from.extract) reads.push({ kind: "key", key: from.extract.key });
    else if (from.find) reads.push({ kind: "find", path: from.find.path, nameRegexp: from.find.name?.regexp, tags: Object.keys(from.find.tags ?? {}).length > 0 });
  }
  return reads;
}
