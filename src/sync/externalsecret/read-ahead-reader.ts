import type { ExternalSecret } from "../../apis/external-secret.ts";
import { remoteSecretIdKey, type ReadOutcome, type RemoteSecretId, type SecretsClient } from "../../providers/provider.ts";
import type { Informer } from "../../runtime/informer.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";
import type { Logger } from "../../runtime/logger.ts";
import type { QueuePriority, WorkQueue } from "../../runtime/work-queue.ts";
import { requestOfKey } from "../informer-events.ts";
import { PrefetchCache } from "../prefetch-cache.ts";
import { pickCompanions, retryMayJoinBatch, type ReadAheadCandidate } from "../read-ahead.ts";
import { CallBackoff } from "../call-backoff.ts";
import { ReadCoalescer, type ReadCoalescerOptions } from "../read-coalescer.ts";
import { GROUP_EARLY_BOUNDS, readAheadHorizonMs, type RefreshWindow } from "../refresh-policy.ts";
import { cohortsOf, GROUP_DUE_TOLERANCE_MS, RefreshGroups, type Cohort } from "../refresh-groups.ts";
import { plannedReads, type PayloadReader } from "../remote-data.ts";
import { syncedResourceVersion } from "../synced-resource-version.ts";
import type { ExternalSecretsByStore } from "./by-store-index.ts";
import { SiblingReads, siblingGroupOf, siblingShareMs } from "./sibling-reads.ts";
import { dueWithin, durationMs, type ResolvedStore } from "./reconciler.ts";
import type { V1Secret } from "@kubernetes/client-node";

/**
 * Per provider client: the coalescer that merges concurrent reads (with the client's backoff after a failed
 * call), the outcomes read ahead, and the ExternalSecrets whose read failed during an outage, retried
 * together the moment a call succeeds again.
 */
interface ClientReader {
  coalescer: ReadCoalescer;
  prefetched: PrefetchCache;
  siblings: SiblingReads;
  /** Refresh groups planned on this client (batch-aware scheduling, ADR 14). */
  groups: RefreshGroups;
  /** Distinct ids per provider call on this client. */
  maxBatch: number;
  failedDuringOutage: Set<string>;
}

/**
 * An ExternalSecret claimed as a companion of another's batch. `done` settles once the batch's values are put
 * for it (or the claim is released), so a claimed ExternalSecret whose own reconcile reaches its read meanwhile
 * waits and takes those values instead of reading again. `picked`: its batch is in flight.
 */
interface Claim {
  done: Promise<void>;
  settle: () => void;
  picked: boolean;
}

function newClaim(): Claim {
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  return { done, settle, picked: false };
}

/** Rounds of claiming companions then checking them: a round whose claims turn out ineligible frees room. */
const COMPANION_ROUNDS = 3;
/** How long a claimed ExternalSecret's own read waits for the batch that claimed it, at most. */
const CLAIM_WAIT_MS = 10_000;

/** Whether `done` settled within `ms` (false also when `signal` aborts first). */
async function settledWithin(done: Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    onAbort = () => resolve(false);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([done.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}
/** How long values read ahead for an ExternalSecret wait for its reconcile. */
const PREFETCH_TTL_MS = 60_000;
/** The longest read-ahead window (readAheadHorizonMs caps at 5 minutes). */
const MAX_READ_AHEAD_MS = 5 * 60_000;
/**
 * Queue keys one read looks at for companions, at most, skipped ones included (read ahead already, claimed, in
 * flight, on another store). Without it a read whose batch does not fill walked the whole queue: at 10,000
 * ExternalSecrets with most refreshes overdue that walk was 45% of the controller's CPU (ADR 21). Queues of up
 * to this many keys are walked whole, as before.
 */
export const MAX_QUEUE_KEYS_PER_READ = 2_048;
/** Distinct ids per provider batch when the client does not say (BatchGetSecretValue's limit). */
const MAX_BATCH = 20;

export interface ReadAheadReadersOptions {
  externalSecrets: Informer<KubeObject>;
  byStore: ExternalSecretsByStore;
  /** The ExternalSecret work queue: read-ahead looks at what it will hand out soon and enqueues companions. */
  queue: () => Pick<WorkQueue, "pending" | "retryState">;
  /** Queues an ExternalSecret: low priority for one whose values were read ahead (periodic work, QueuePriority). */
  enqueue: (request: { namespace: string; name: string }, priority: QueuePriority) => void;
  /** The cached, parsed ExternalSecret (undefined when it does not parse). */
  parse: (raw: KubeObject) => ExternalSecret | undefined;
  /** The ExternalSecret with the status its reconciler last wrote (fresher than the informer's). */
  withLastSync: (es: ExternalSecret) => ExternalSecret;
  /** The target Secret from the cache only (no API call). */
  cachedSecret: (namespace: string, name: string) => Promise<V1Secret | undefined>;
  /** Whether this ExternalSecret would be served by exactly this client (same credentials, region, access). */
  sameClient: (es: ExternalSecret, client: SecretsClient) => Promise<boolean>;
  coalescing?: ReadCoalescerOptions | undefined;
  /** Off: every ExternalSecret reads only for itself (coalescing still merges identical concurrent reads). */
  readAhead: boolean;
  now: () => number;
  /** Picks where a new refresh group goes inside its jitter range (Math.random by default). */
  random?: (() => number) | undefined;
  /** Monotonic milliseconds, for the per-client backoff after failed calls; default performance.now. */
  monotonic?: (() => number) | undefined;
  onBatch?: ((ids: number) => void) | undefined;
  /** How long a claimed ExternalSecret's own read waits for the batch that claimed it (default 10 s). */
  claimWaitMs?: number | undefined;
  logger: Logger;
}

/**
 * The provider readers of ExternalSecrets: one read coalescer per client, so concurrent reconciles on the
 * same client share batches and identical ids are read once, and read-ahead, which fills a batch with the
 * reads of other ExternalSecrets on the same client due within their jitter window (ADR 3).
 */
export class ReadAheadReaders {
  readonly #o: ReadAheadReadersOptions;
  /** Where read-ahead outcomes for an ExternalSecret wait (its client's cache), until its reconcile takes them. */
  readonly #prefetchedIn = new Map<string, PrefetchCache>();
  /**
   * ExternalSecrets claimed as companions of a batch being assembled or in flight. Every claim of one batch
   * is made synchronously, before the first await: the members of a due refresh group are dequeued together
   * by several workers, and when claims were made one per await, the workers took turns and split the group
   * into one partial batch each (8 workers: batches of 12–16 ids instead of 20, issue 16). A claimed
   * ExternalSecret that a worker dequeues meanwhile waits for the batch instead of reading again.
   */
  readonly #claims = new Map<string, Claim>();
  /** ExternalSecrets whose own read is under way: never claimed as another's companion (read twice). */
  readonly #reading = new Set<string>();
  readonly #clientReaders = new WeakMap<SecretsClient, ClientReader>();
  /** The refresh groups each ExternalSecret is planned in (its client's): one entry per ExternalSecret. */
  readonly #groupsOf = new Map<string, RefreshGroups>();
  /**
   * When each ExternalSecret's values were last read (its batch went out), taken by its reconcile to plan the
   * next refresh from then: every member of a group read in one batch gets the same window, however long the
   * queue took to reconcile each, so the group stays whole. One entry per ExternalSecret.
   */
  readonly #readAt = new Map<string, number>();
  /**
   * How many distinct ids the batch that last read each ExternalSecret held, taken by its next plan: a
   * group of a partial batch lines up with another partial group to merge (refresh-groups.ts). One entry
   * per ExternalSecret.
   */
  readonly #cohortOf = new Map<string, Cohort>();
  /** Numbers the batches, for cohorts. */
  #batches = 0;
  /**
   * When a change event last reported each ExternalSecret's remote secret changed (forgetPrefetched), until
   * the ExternalSecret reads for itself: a sibling's read that started before then is not shared with it.
   * One entry per ExternalSecret.
   */
  readonly #changedAt = new Map<string, number>();

  constructor(options: ReadAheadReadersOptions) {
    this.#o = options;
  }

  /** Whether values were read ahead for this ExternalSecret at its current version (its reader then uses them). */
  hasPrefetched(es: ExternalSecret): boolean {
    const key = `${es.metadata.namespace}/${es.metadata.name}`;
    // Picked for a batch in flight: its reader waits for that batch and takes the values.
    if (this.#claims.get(key)?.picked) return true;
    const cache = this.#prefetchedIn.get(key);
    if (cache?.has(key, syncedResourceVersion(es.metadata))) return true;
    this.#prefetchedIn.delete(key);
    return false;
  }

  /**
   * Outcomes read ahead before a change event are stale: the ExternalSecret's next reconcile reads again.
   * That includes a batch still in flight that read ahead for it: the batch may have read the old value, so
   * the ExternalSecret no longer waits for it (its claim is released) and the batch leaves it nothing (a
   * change is settled only by a read that started after it, ADR 16; taking that batch's values would settle
   * it with the old ones, and the change would wait for the next periodic refresh).
   */
  forgetPrefetched(key: string): void {
    this.#prefetchedIn.get(key)?.take(key, "");
    this.#prefetchedIn.delete(key);
    const claim = this.#claims.get(key);
    if (claim) this.#release(key, claim);
    this.#changedAt.set(key, this.#o.now());
  }

  /**
   * Plans an ExternalSecret's next refresh into a refresh group of its client, inside `window`; returns the
   * time (epoch ms). An ExternalSecret is planned in one group of one client at a time.
   */
  planRefresh(client: SecretsClient, key: string, ids: readonly RemoteSecretId[], window: RefreshWindow): number {
    const { groups } = this.#clientReader(client);
    const previous = this.#groupsOf.get(key);
    if (previous && previous !== groups) previous.leave(key);
    this.#groupsOf.set(key, groups);
    const cohort = this.#cohortOf.get(key);
    this.#cohortOf.delete(key);
    return groups.plan(key, ids.map(remoteSecretIdKey), window, this.#o.random ?? Math.random, cohort);
  }

  /** Whether the refresh group the ExternalSecret was planned in is due: it refreshes with it (GroupDue). */
  groupDue(key: string): boolean {
    return this.#groupsOf.get(key)?.isDue(key) ?? false;
  }

  /**
   * When the values the ExternalSecret's last reconcile used were read (its own batch, or another's that read
   * ahead for it), if within the prefetch lifetime; taken once.
   */
  valuesReadAt(key: string): number | undefined {
    const at = this.#readAt.get(key);
    this.#readAt.delete(key);
    return at !== undefined && at >= this.#o.now() - PREFETCH_TTL_MS ? at : undefined;
  }

  /** Forgets a deleted ExternalSecret. */
  forget(key: string): void {
    this.#groupsOf.get(key)?.leave(key);
    this.#groupsOf.delete(key);
    this.#readAt.delete(key);
    this.#cohortOf.delete(key);
    this.#prefetchedIn.delete(key);
    this.#changedAt.delete(key);
  }

  #clientReader(client: SecretsClient): ClientReader {
    let r = this.#clientReaders.get(client);
    if (!r) {
      const failedDuringOutage = new Set<string>();
      const coalescer = new ReadCoalescer(client, this.#o.coalescing, {
        onBatch: this.#o.onBatch,
        backoff: new CallBackoff({ now: this.#o.monotonic ?? (() => performance.now()) }),
        // The provider answers again: every ExternalSecret that failed meanwhile retries now, together, so
        // read-ahead batches them (queued, so due) instead of each waiting out its own backoff.
        onRecovered: () => {
          this.#o.logger.info({ externalSecrets: failedDuringOutage.size }, "provider calls succeed again; retrying the ExternalSecrets that failed meanwhile");
          for (const key of failedDuringOutage) this.#o.enqueue(requestOfKey(key), "normal");
          failedDuringOutage.clear();
        },
      });
      const maxBatch = client.batchSize ?? MAX_BATCH;
      r = {
        coalescer,
        prefetched: new PrefetchCache({ ttlMs: PREFETCH_TTL_MS, now: this.#o.now }),
        siblings: new SiblingReads({ now: this.#o.now }),
        groups: new RefreshGroups({ maxBatch, now: this.#o.now }),
        maxBatch,
        failedDuringOutage,
      };
      this.#clientReaders.set(client, r);
    }
    return r;
  }

  /**
   * Reads for one ExternalSecret: outcomes read ahead for it are used as they are; the rest goes out in one
   * batch that read-ahead fills with the ids of other ExternalSecrets on the same client due within their
   * jitter window. Those get the outcomes cached for a minute and are enqueued to refresh now. ExternalSecrets
   * fanned out by one ClusterExternalSecret share one read (sibling-reads.ts).
   */
  readerFor(client: SecretsClient, store: ResolvedStore, requester: { namespace: string; name: string }, signal?: AbortSignal): PayloadReader {
    const requesterKey = `${requester.namespace}/${requester.name}`;
    return {
      read: async (ids) => {
        this.#reading.add(requesterKey);
        try {
          return await this.#read(client, store, requester, requesterKey, ids, signal);
        } finally {
          this.#reading.delete(requesterKey);
        }
      },
      find: (query) => client.findSecrets(query, signal),
    };
  }

  async #read(client: SecretsClient, store: ResolvedStore, requester: { namespace: string; name: string }, requesterKey: string, ids: readonly RemoteSecretId[], signal: AbortSignal | undefined): Promise<Map<string, ReadOutcome>> {
    const { coalescer, prefetched, siblings, failedDuringOutage, maxBatch } = this.#clientReader(client);
    // Claimed for another's batch: wait for it (values put for this one) rather than read again; never for
    // long: the batch has its own deadline, and a worker must not hang on another's.
    const claim = this.#claims.get(requesterKey);
    const claimWaitMs = this.#o.claimWaitMs ?? CLAIM_WAIT_MS;
    if (claim && !(await settledWithin(claim.done, claimWaitMs, signal))) {
      this.#o.logger.debug({ externalSecret: requesterKey, waitedMs: claimWaitMs }, "batch that claimed this ExternalSecret still pending; reading on its own");
    }
    // Read now, on its own or with others: it leaves its refresh group, and when that group is due, the
    // rest of the group is read in this same batch (one call for the group, whichever member comes first).
    const groups = this.#groupsOf.get(requesterKey);
    const mates = groups?.dueMates(requesterKey) ?? [];
    groups?.leave(requesterKey);
    // Outcomes read ahead for this very ExternalSecret, at its current version, are used once.
    const raw = this.#o.externalSecrets.get(requester.namespace, requester.name);
    const version = raw ? syncedResourceVersion(raw.metadata ?? {}) : "";
    const mine = prefetched.take(requesterKey, version);
    this.#prefetchedIn.delete(requesterKey);
    if (mine && ids.every((id) => mine.has(remoteSecretIdKey(id)))) return mine;

    // A sibling (same ClusterExternalSecret, same content, same client) is reading or just read these ids.
    const group = raw ? siblingGroupOf(raw) : undefined;
    // Not one that started at or before a change event reported for this ExternalSecret: it may hold the old value.
    const changedAt = this.#changedAt.get(requesterKey);
    const startedAt = group ? siblings.startedAt(group) : undefined;
    const shared = group && (changedAt === undefined || (startedAt !== undefined && startedAt > changedAt)) ? siblings.get(group) : undefined;
    if (shared) {
      const outcomes = await shared.catch(() => undefined);
      if (outcomes && ids.every((id) => outcomes.has(remoteSecretIdKey(id)))) {
        if (startedAt !== undefined) this.#readAt.set(requesterKey, startedAt);
        this.#changedAt.delete(requesterKey);
        this.#o.logger.debug({ externalSecret: requesterKey, ids: ids.map((id) => id.key) }, "provider read shared with sibling ExternalSecrets");
        return new Map(ids.map((id) => [remoteSecretIdKey(id), outcomes.get(remoteSecretIdKey(id))!]));
      }
    }

    // Registered before the first await: siblings reconciling beside this one (one per worker) wait for this
    // read instead of each starting their own while it gathers companions.
    const forSiblings = group ? Promise.withResolvers<Map<string, ReadOutcome>>() : undefined;
    if (group && forSiblings) {
      const intervalMs = durationMs((raw && this.#o.parse(raw))?.spec.refreshInterval);
      siblings.put(group, forSiblings.promise, siblingShareMs(intervalMs));
    }
    let companions: Companion[];
    try {
      companions = this.#o.readAhead ? await this.#companions(client, store, requester, ids, mates, maxBatch) : [];
    } catch (err) {
      forSiblings?.reject(err);
      throw err;
    }
    const picked = pickCompanions(ids, companions, maxBatch);
    for (const c of companions) if (!picked.companions.includes(c)) this.#release(c.key, c.claim);
    let reading: Promise<Map<string, ReadOutcome>>;
    try {
      for (const c of picked.companions) {
        this.#groupsOf.get(c.key)?.leave(c.key);
        c.claim.picked = true;
      }
      reading = coalescer.read(picked.ids, signal);
      this.#changedAt.delete(requesterKey);
      const readAt = this.#o.now();
      this.#readAt.set(requesterKey, readAt);
      for (const c of picked.companions) this.#readAt.set(c.key, readAt);
      const intervalMs = durationMs((raw && this.#o.parse(raw))?.spec.refreshInterval);
      const cohorts = cohortsOf(++this.#batches, [
        { key: requesterKey, ids: ids.map(remoteSecretIdKey), intervalMs },
        ...picked.companions.map((c) => ({ key: c.key, ids: c.ids.map(remoteSecretIdKey), intervalMs: c.intervalMs })),
      ]);
      for (const [key, cohort] of cohorts) this.#cohortOf.set(key, cohort);
      forSiblings?.resolve(reading);
    } catch (err) {
      for (const c of picked.companions) this.#release(c.key, c.claim);
      forSiblings?.reject(err);
      throw err;
    }
    let outcomes: Map<string, ReadOutcome>;
    try {
      outcomes = await reading;
    } catch (err) {
      // Bounded: one entry per ExternalSecret on this client, cleared when calls succeed again.
      if (!signal?.aborted) failedDuringOutage.add(requesterKey);
      for (const c of picked.companions) this.#release(c.key, c.claim);
      throw err;
    }
    this.#o.logger.debug(
      {
        externalSecret: requesterKey,
        ids: picked.ids.map((id) => id.key),
        companions: picked.companions.map((c) => c.key),
        failed: [...outcomes].filter(([, o]) => !o.ok).map(([k]) => k),
      },
      "provider batch read",
    );
    prefetched.sweep();
    for (const companion of picked.companions) {
      // Released meanwhile by a change event (forgetPrefetched): it reads again for itself.
      if (this.#claims.get(companion.key) !== companion.claim) continue;
      prefetched.put(companion.key, companion.version, new Map(companion.ids.map((id) => [remoteSecretIdKey(id), outcomes.get(remoteSecretIdKey(id))!])));
      this.#prefetchedIn.set(companion.key, prefetched);
      // Its values are waiting: a reconcile of it that waits for the claim takes them now.
      this.#release(companion.key, companion.claim);
      this.#o.enqueue(requestOfKey(companion.key), "low");
    }
    return new Map(ids.map((id) => [remoteSecretIdKey(id), outcomes.get(remoteSecretIdKey(id))!]));
  }

  /** Ends a claim (its batch is done, or it was not picked): whoever waits for it goes on. */
  #release(key: string, claim: Claim): void {
    if (this.#claims.get(key) === claim) this.#claims.delete(key);
    claim.settle();
  }

  /**
   * The companions of a read, each claimed: first the rest of the requester's refresh group when it is due
   * (`mates`), then ExternalSecrets on the same store and client that the queue will hand out soon (queued, or
   * requeued to refresh within the longest jitter window); each due within its own window, not in flight and
   * not already read ahead. Driven by the group and the queue, not a scan of every ExternalSecret, so a read
   * costs O(batch) and at most MAX_QUEUE_KEYS_PER_READ queue keys per round. Each round claims, synchronously, as many as fit in the batch (by the ids their specs
   * read), then checks them all (target Secret, same client: awaits); the ineligible are released and the
   * next round fills their room. The caller releases every claim returned.
   */
  async #companions(client: SecretsClient, store: ResolvedStore, requester: { namespace: string; name: string }, requested: readonly RemoteSecretId[], mates: readonly string[], maxBatch: number): Promise<Companion[]> {
    const onStore = this.#o.byStore.onStore(store.kind, store.namespace, store.name);
    if (!onStore || onStore.size < 2) return [];
    const now = this.#o.now();
    const out: Companion[] = [];
    const requestedIds = requested.map(remoteSecretIdKey);
    let batch = new Set(requestedIds);
    const mateKeys = new Set(mates);
    const passedOver = new Set<string>();
    let examined = 0;
    const requesterKey = `${requester.namespace}/${requester.name}`;
    let claimed: Array<Companion & { es: ExternalSecret; mate: boolean }> = [];
    try {
      for (let round = 0; round < COMPANION_ROUNDS; round++) {
        claimed = [];
        // Synchronous from here to the first await: concurrent reads claim disjoint, whole batches.
        let looked = 0;
        for (const key of candidatesOf(mates, this.#o.queue().pending(MAX_READ_AHEAD_MS))) {
          const mate = mateKeys.has(key);
          // Group mates are all looked at (a group is bounded, and siblings add no ids); the queue only while
          // the batch has room, and only so far.
          if (!mate && (batch.size >= maxBatch || examined >= 4 * maxBatch || ++looked > MAX_QUEUE_KEYS_PER_READ)) break;
          if (!onStore.has(key) || key === requesterKey || passedOver.has(key) || this.#reading.has(key) || this.#prefetchedIn.has(key) || this.#claims.has(key)) continue;
          // A failing ExternalSecret keeps its backoff: read ahead only when its retry is about due anyway.
          if (!retryMayJoinBatch(this.#o.queue().retryState(key))) continue;
          examined++;
          const { namespace, name } = requestOfKey(key);
          const raw = this.#o.externalSecrets.get(namespace, name);
          const parsed = raw && this.#o.parse(raw);
          if (!parsed) {
            passedOver.add(key);
            continue;
          }
          const es = this.#o.withLastSync(parsed);
          const ids = plannedReads(es.spec);
          const added = new Set(ids.map(remoteSecretIdKey).filter((id) => !batch.has(id)));
          if (batch.size + added.size > maxBatch) {
            passedOver.add(key);
            continue;
          }
          for (const id of added) batch.add(id);
          const claim = newClaim();
          this.#claims.set(key, claim);
          claimed.push({ key, ids, version: syncedResourceVersion(es.metadata), claim, es, mate, intervalMs: durationMs(es.spec.refreshInterval) });
        }
        if (claimed.length === 0) break;
        const eligible = await Promise.all(claimed.map((c) => this.#eligible(c.es, c.mate, client, now)));
        let released = false;
        for (const [i, c] of claimed.entries()) {
          if (eligible[i]) {
            out.push({ key: c.key, ids: c.ids, version: c.version, claim: c.claim, intervalMs: c.intervalMs });
          } else {
            this.#release(c.key, c.claim);
            passedOver.add(c.key);
            released = true;
          }
        }
        claimed = [];
        if (!released) break;
        batch = new Set([...requestedIds, ...out.flatMap((c) => c.ids.map(remoteSecretIdKey))]);
      }
    } catch (err) {
      for (const c of [...out, ...claimed]) this.#release(c.key, c.claim);
      throw err;
    }
    return out;
  }

  /** Whether a candidate companion may be read now: due within its window, and served by exactly this client. */
  async #eligible(es: ExternalSecret, mate: boolean, client: SecretsClient, now: number): Promise<boolean> {
    try {
      const target = await this.#o.cachedSecret(es.metadata.namespace ?? "", es.spec.target.name ?? es.metadata.name ?? "");
      const horizon = readAheadHorizonMs(durationMs(es.spec.refreshInterval));
      return (
        // A due group's mate refreshes with it as GroupDue allows (GROUP_EARLY_BOUNDS), up to
        // GROUP_DUE_TOLERANCE_MS before the group's time.
        dueWithin(es, target, now, mate ? GROUP_EARLY_BOUNDS * horizon + GROUP_DUE_TOLERANCE_MS : horizon) &&
        // Same client means same credentials and region: never read for a namespace the store does not serve.
        (await this.#o.sameClient(es, client))
      );
    } catch {
      return false;
    }
  }
}

/** A companion of a read: the ids it reads, its version when claimed, its claim and its interval. */
interface Companion extends ReadAheadCandidate {
  version: string;
  claim: Claim;
  /** Its spec's refresh interval: batch mates of one interval plan together (cohortsOf). */
  intervalMs: number;
}

/** The group mates first, then the queue's keys that are not mates. */
function* candidatesOf(mates: readonly string[], queued: Iterable<string>): Generator<string> {
  yield* mates;
  const seen = new Set(mates);
  for (const key of queued) if (!seen.has(key)) yield key;
}
