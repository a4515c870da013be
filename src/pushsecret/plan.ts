/**
 * PushSecret decisions as pure functions: which entry goes to which store, how ESO keys its status
 * (`syncedPushSecrets[<Kind>/<store>][<remoteKey>[/<property>]]`), and what a Delete policy removes.
 */
import type { PushSecretData, PushSecretDataTo, PushSecretStatus } from "../apis/push-secret.ts";
import { compileGoRegexp } from "../lib/goregexp/compile.ts";
import { rewriteKeys, rewriteKeysWith, type KeyTransformer } from "../sync/transform/rewrite.ts";

export type SyncedPushSecrets = Record<string, Record<string, PushSecretData>>;

export interface StoreKey {
  kind: "SecretStore" | "ClusterSecretStore";
  name: string;
}

export interface PlannedPush {
  store: StoreKey;
  storeKey: string;
  statusKey: string;
  entry: PushSecretData;
}

export interface PlannedDeletion {
  store: StoreKey;
  storeKey: string;
  statusKey: string;
  entry: PushSecretData;
}

/** ESO's status key of a store: `<Kind>/<name>`. */
export function storeKeyOf(store: StoreKey): string {
  return `${store.kind}/${store.name}`;
}

export function parseStoreKey(key: string): StoreKey | undefined {
  const slash = key.indexOf("/");
  const kind = key.slice(0, slash);
  if (slash < 0 || (kind !== "SecretStore" && kind !== "ClusterSecretStore")) return undefined;
  return { kind, name: key.slice(slash + 1) };
}

/** ESO's status key of an entry: the remote key, with `/<property>` when one is set. */
export function statusKeyOf(entry: PushSecretData): string {
  const { remoteKey, property } = entry.match.remoteRef;
  return property ? `${remoteKey}/${property}` : remoteKey;
}

/** Every `data[]` entry to every store, in spec order (stores outer, as ESO iterates). */
export function planPushes(data: readonly PushSecretData[], stores: readonly StoreKey[]): PlannedPush[] {
  return stores.flatMap((store) => data.map((entry) => ({ store, storeKey: storeKeyOf(store), statusKey: statusKeyOf(entry), entry })));
}

/**
 * `dataTo[]` as the `data[]` entries it stands for: each key of the source Secret that matches the regexp
 * (all keys without one), pushed under its name after `rewrite[]`, with the block's metadata and conversion.
 * `rewrite[].transform` renames keys through ESO's template engine (`transform`: the sync path's
 * transformKeys, `.value` is the key); without `transform` a transform is refused.
 */
export async function dataToEntries(dataTo: PushSecretDataTo, sourceKeys: readonly string[], transform?: KeyTransformer): Promise<PushSecretData[]> {
  const matcher = dataTo.match?.regexp ? compileGoRegexp(dataTo.match.regexp) : undefined;
  const matched = sourceKeys.filter((k) => !matcher || matcher.matchString(k)).sort();
  const keys = new Map(matched.map((k) => [k, new TextEncoder().encode(k)]));
  const renamed = transform ? await rewriteKeysWith(keys, dataTo.rewrite ?? [], transform) : rewriteKeys(keys, dataTo.rewrite ?? []);
  return [...renamed].map(([remoteKey, original]) => ({
    match: { secretKey: new TextDecoder().decode(original), remoteRef: { remoteKey } },
    metadata: dataTo.metadata,
    conversionStrategy: dataTo.conversionStrategy,
  }));
}

/** The status map of what was pushed. */
export function syncedOf(pushed: readonly PlannedPush[], stores: readonly StoreKey[]): SyncedPushSecrets {
  const out: SyncedPushSecrets = {};
  for (const store of stores) out[storeKeyOf(store)] = {};
  for (const p of pushed) (out[p.storeKey] ??= {})[p.statusKey] = p.entry;
  return out;
}

/** After a failure: what was pushed now, plus what earlier syncs recorded (ESO's mergeSecretState). */
export function mergeSynced(now: SyncedPushSecrets, previous: SyncedPushSecrets | undefined): SyncedPushSecrets {
  const out: SyncedPushSecrets = structuredClone(now);
  for (const [store, entries] of Object.entries(previous ?? {})) out[store] = { ...entries, ...out[store] };
  return out;
}

/**
 * What deletionPolicy Delete removes: entries an earlier sync recorded that the spec no longer pushes.
 * Better than ESO: a remote secret still written by another current entry of the same store (another
 * property of one JSON secret) is kept, not deleted from under it.
 */
export function planDeletions(previous: SyncedPushSecrets | undefined, current: SyncedPushSecrets): PlannedDeletion[] {
  const out: PlannedDeletion[] = [];
  for (const [storeKey, entries] of Object.entries(previous ?? {})) {
    const store = parseStoreKey(storeKey);
    if (!store) continue;
    const now = current[storeKey] ?? {};
    const stillUsed = new Set(Object.values(now).map((e) => e.match.remoteRef.remoteKey));
    for (const [statusKey, entry] of Object.entries(entries)) {
      if (Object.hasOwn(now, statusKey) || stillUsed.has(entry.match.remoteRef.remoteKey)) continue;
      out.push({ store, storeKey, statusKey, entry });
      stillUsed.add(entry.match.remoteRef.remoteKey);
    }
  }
  return out;
}

/** Whether an entry was recorded by an earlier sync (so the remote secret is expected to exist). */
export function wasSynced(status: PushSecretStatus | undefined, storeKey: string, statusKey: string): boolean {
  return Object.hasOwn(status?.syncedPushSecrets?.[storeKey] ?? {}, statusKey);
}

/**
 * The merge patch of `status.syncedPushSecrets` that turns `before` into `after`: a merge patch merges maps,
 * so a removed store or key must be sent as null.
 */
export function syncedPatch(before: SyncedPushSecrets | undefined, after: SyncedPushSecrets): Record<string, Record<string, PushSecretData | null> | null> {
  const patch: Record<string, Record<string, PushSecretData | null> | null> = {};
  for (const store of Object.keys(before ?? {})) if (!Object.hasOwn(after, store)) patch[store] = null;
  for (const [store, entries] of Object.entries(after)) {
    const inner: Record<string, PushSecretData | null> = { ...entries };
    for (const key of Object.keys(before?.[store] ?? {})) if (!Object.hasOwn(entries, key)) inner[key] = null;
    patch[store] = inner;
  }
  return patch;
}

/** A push and the source Secret whose (templated) data it takes its value from. */
export interface SourcedPush<Data> {
  item: PlannedPush;
  source: string;
  data: Data;
}

/**
 * The pushes of several source Secrets (`selector.secret.selector`) as one plan. ESO pushes every selected
 * Secret in turn, in list order (by name), so when two of them write the same remote key (always, for
 * `data[]` entries) the last one's value is what stays. Ferry writes that final value once instead of every
 * intermediate one: same remote result, one write instead of N per change.
 */
export function mergeSourcedPushes<Data>(perSource: ReadonlyArray<ReadonlyArray<SourcedPush<Data>>>): Array<SourcedPush<Data>> {
  const byKey = new Map<string, SourcedPush<Data>>();
  for (const pushes of perSource) {
    for (const p of pushes) {
      const key = `${p.item.storeKey}\u0000${p.item.statusKey}`;
      // Delete first so the entry moves to where its final source put it (ESO's order of the last write).
      byKey.delete(key);
      byKey.set(key, p);
    }
  }
  return [...byKey.values()];
}
