import type { RefreshWindow } from "./refresh-policy.ts";

/**
 * Batch-aware refresh scheduling (ADR 14). Read-ahead alone (ADR 3) only gathers refreshes that happen to
 * fall close together; with independent jitter, steady-state refreshes spread out and batches held ~7 ids
 * of 20 against the real ESO benchmark (issue 16). Here, ExternalSecrets on one provider client are planned
 * into refresh groups: each group refreshes at one time inside the refresh window of every member, and holds
 * at most one provider batch of distinct ids, so a cycle costs about ceil(ids / batch size) calls. A new
 * group is placed at a random time in its first member's jitter range, so groups of different stores (and
 * of one store) stay spread over the cycle instead of refreshing together (no thundering herd, ESO #4231).
 */

/**
 * One planned refresh of several ExternalSecrets on one client, at one time. `at` lies inside every member's
 * window: at most the latest of each, at least `earliest`, the latest of their earliest times. A joiner may
 * move `at` earlier (to its own latest time), never later: members already waiting for `at` are then read
 * by whichever member comes first (its batch takes the due group's other members), so none is late.
 */
export interface RefreshGroup {
  /** When the group refreshes, epoch ms. */
  at: number;
  /** The latest of its members' earliest times: `at` never moves before it. */
  earliest: number;
  /** The distinct remote ids its members read (remoteSecretIdKey), with how many members read each. */
  readonly ids: Map<string, number>;
  /** Its members' keys ("namespace/name"). */
  readonly members: Set<string>;
  /** Its members' refresh interval (the first member's window): groups line up only with groups of theirs. */
  intervalMs?: number | undefined;
  /**
   * How many distinct ids it is expected to read: the largest batch its members were last read in. Members
   * of one batch plan one after another, so a group still forming is expected to hold their batch.
   */
  expected?: number | undefined;
}

/**
 * The batch an ExternalSecret was last read in: its sequence number and its distinct ids among the batch mates
 * of the same interval (cohortsOf). They plan their next refresh one after another with the same window.
 */
export interface Cohort {
  batch: number;
  ids: number;
}

/**
 * The cohort of each member of batch number `batch`: the batch's distinct ids among the members of the same
 * refresh interval, the ones that plan with the same window. A batch of 60 s and 5 min ExternalSecrets forms
 * two groups; counting the whole batch for each made both look full and kept strangers out of them for good.
 */
export function cohortsOf(batch: number, members: ReadonlyArray<{ key: string; ids: readonly string[]; intervalMs: number }>): Map<string, Cohort> {
  const idsByInterval = new Map<number, Set<string>>();
  for (const m of members) {
    let set = idsByInterval.get(m.intervalMs);
    if (!set) idsByInterval.set(m.intervalMs, (set = new Set()));
    for (const id of m.ids) set.add(id);
  }
  return new Map(members.map((m) => [m.key, { batch, ids: idsByInterval.get(m.intervalMs)!.size }]));
}

/** A refresh group holds at most this many ExternalSecrets (siblings that share ids cost no extra ids). */
export const MAX_GROUP_MEMBERS = 100;

export type GroupChoice = { join: RefreshGroup; at: number } | { create: number };

/** How many of `ids` a group does not read yet: what joining it costs in its batch. */
function addedIds(group: RefreshGroup, ids: readonly string[]): number {
  let added = 0;
  for (const id of new Set(ids)) if (!group.ids.has(id)) added++;
  return added;
}

/**
 * Where an ExternalSecret's next refresh goes. Among the client's planned groups (sorted by time) it can
 * refresh with — the group's time, moved no earlier than its other members allow, falls in its window — and
 * that still fit its ids in one batch: the one that already reads most of them (siblings of a
 * ClusterExternalSecret stay together), then the fullest (batches fill up), then the one closest to its due
 * time. None fits: a new group at `due` plus a random share of the jitter bound — the same jitter a lone
 * ExternalSecret gets, so refreshes stay spread. Never outside the window: no member refreshes more than the
 * jitter bound early or late.
 */
export function chooseRefreshGroup(
  window: RefreshWindow,
  ids: readonly string[],
  groups: readonly RefreshGroup[],
  maxBatch: number,
  random: () => number,
  options: { maxMembers?: number | undefined; cohort?: Cohort | undefined } = {},
): GroupChoice {
  const maxMembers = options.maxMembers ?? MAX_GROUP_MEMBERS;
  let best: { group: RefreshGroup; at: number; added: number; size: number; distance: number } | undefined;
  // A group's time is at most twice a jitter bound after its earliest; scanning that far past this window's
  // end finds every group whose time could move into it.
  const scanUntil = window.latest + (window.latest - window.earliest);
  for (let i = firstAtOrAfter(groups, window.earliest); i < groups.length; i++) {
    const group = groups[i]!;
    if (group.at > scanUntil) break;
    const at = Math.min(group.at, window.latest);
    if (at < group.earliest || group.members.size >= maxMembers) continue;
    const added = addedIds(group, ids);
    const size = group.ids.size + added;
    if (size > maxBatch && added > 0) continue;
    const distance = Math.abs(at - window.due);
    if (!best || added < best.added || (added === best.added && (size > best.size || (size === best.size && distance < best.distance)))) {
      best = { group, at, added, size, distance };
    }
  }
  if (best) return { join: best.group, at: best.at };
  const sharing = nearestSharingGroup(window, ids, groups);
  if (sharing) return { create: Math.min(window.latest, Math.max(window.earliest, sharing.at)) };
  const partner = towardMergeableGroup(window, ids, groups, maxBatch, maxMembers, options.cohort);
  if (partner !== undefined) return { create: partner };
  return { create: Math.round(window.due + random() * (window.latest - window.due)) };
}

/** The ids a group is expected to read once its forming members have all planned. */
function expectedIds(group: RefreshGroup): number {
  return Math.max(group.ids.size, group.expected ?? 0);
}

/**
 * Where a new group goes to line up with the nearest group of the same interval, anywhere in the cycle, that
 * its batch could merge with (both together fit one batch): as close to that group's phase as the window
 * allows (inside the range its jitter would take). Partial groups a jitter window or more apart never join
 * each other on their own — each keeps its phase, and 100 ExternalSecrets in groups of 20,20,20,20,13,5,2
 * cost 7 calls per cycle for good (issue 16). Moving toward each other, they merge within a few cycles.
 * Only groups of one interval line up (a mixed group's phase holds for none of its members). Full groups
 * never move (nothing fits with them), so the groups of a client stay spread over the cycle, and groups of
 * different clients never meet here (each client has its own book; ESO #4231). Undefined: none to line up with.
 */
function towardMergeableGroup(window: RefreshWindow, ids: readonly string[], groups: readonly RefreshGroup[], maxBatch: number, maxMembers: number, cohort: Cohort | undefined): number | undefined {
  const interval = window.intervalMs;
  // Not before its first read: with nothing known of its batch, every ExternalSecret of a Helm install would
  // line up with the first groups instead of spreading.
  if (!interval || !cohort) return undefined;
  const mine = Math.max(cohort.ids, new Set(ids).size);
  let nearest: number | undefined;
  for (const group of groups) {
    if (group.intervalMs !== interval || group.members.size >= maxMembers || expectedIds(group) + mine > maxBatch) continue;
    const offset = phaseOffset(group.at - window.due, interval);
    if (nearest === undefined || Math.abs(offset) < Math.abs(nearest)) nearest = offset;
  }
  // Within [due, latest], the range a new group's jitter takes anyway: lining up never makes a refresh early,
  // and leaves the group its room to move earlier for joiners (a group at its earliest takes fewer).
  return nearest === undefined ? undefined : Math.round(Math.min(window.latest, Math.max(window.due, window.due + nearest)));
}

/** `delta` folded into (−interval/2, interval/2]: how far ahead (or behind) in the cycle a time lies. */
export function phaseOffset(delta: number, interval: number): number {
  let offset = delta % interval;
  if (offset > interval / 2) offset -= interval;
  else if (offset <= -interval / 2) offset += interval;
  return offset;
}

/**
 * A group nearby (within a few windows) that reads some of these ids but cannot be joined: siblings of a
 * ClusterExternalSecret created over longer than a window. A new group then goes as close to it as the window
 * allows, so sibling groups converge cycle by cycle and merge, instead of drifting apart with independent
 * jitter until they outgrow the sibling-sharing window (issue #12).
 */
function nearestSharingGroup(window: RefreshWindow, ids: readonly string[], groups: readonly RefreshGroup[]): RefreshGroup | undefined {
  if (ids.length === 0) return undefined;
  const reach = 4 * (window.latest - window.earliest);
  let nearest: RefreshGroup | undefined;
  for (let i = firstAtOrAfter(groups, window.earliest - reach); i < groups.length && groups[i]!.at <= window.latest + reach; i++) {
    const group = groups[i]!;
    if (!ids.some((id) => group.ids.has(id))) continue;
    if (!nearest || Math.abs(group.at - window.due) < Math.abs(nearest.at - window.due)) nearest = group;
  }
  return nearest;
}

/** The index of the first group at or after `at` (groups sorted by time). */
export function firstAtOrAfter(groups: readonly { at: number }[], at: number): number {
  let lo = 0;
  let hi = groups.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (groups[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sameIds(a: readonly string[] | undefined, b: readonly string[]): boolean {
  const set = new Set(b);
  return a !== undefined && a.length === set.size && a.every((id) => set.has(id));
}

/** How long a group is kept after its time, for members that reconcile late (a busy queue). */
export const GROUP_GRACE_MS = 60_000;
/** A member reconciling this close before its group's time counts as due with it (timers are not exact). */
export const GROUP_DUE_TOLERANCE_MS = 1_000;

/**
 * The refresh groups of one provider client. Bounded: one membership per ExternalSecret planned on the client
 * (forgotten when it is deleted or moves), and groups are dropped once empty or past their grace.
 * Nothing here reads the clock on its own: `now` is injected.
 */
export class RefreshGroups {
  /** Sorted by `at`. */
  readonly #groups: RefreshGroup[] = [];
  readonly #memberOf = new Map<string, RefreshGroup>();
  /** The distinct ids each member was planned with, to take them out of its group when it leaves. */
  readonly #idsOf = new Map<string, string[]>();
  readonly #maxBatch: number;
  readonly #now: () => number;

  constructor(options: { maxBatch: number; now: () => number }) {
    this.#maxBatch = options.maxBatch;
    this.#now = options.now;
  }

  /**
   * Plans a member's next refresh inside `window` and returns its time (epoch ms). A member is in one group.
   * A member planned again without having been read (a reconcile that found it up to date) keeps its group
   * while the group's time is still ahead and fits its window: its group was planned from when its values
   * were read, which its status does not show, so the window of an up-to-date reconcile may start up to one
   * bound later (GROUP_EARLY_BOUNDS). `cohort`: the batch the member was last read in (its batch mates plan
   * with it), so batches stay whole, partial groups line up to merge and full ones stay put.
   */
  plan(member: string, ids: readonly string[], window: RefreshWindow, random: () => number, cohort?: Cohort): number {
    const current = this.#memberOf.get(member);
    if (current && current.at >= this.#now() && current.at <= window.latest && current.at >= window.earliest - (window.latest - window.due) && sameIds(this.#idsOf.get(member), ids)) {
      return current.at;
    }
    this.leave(member);
    this.#sweep();
    const choice = chooseRefreshGroup(window, ids, this.#groups, this.#maxBatch, random, { cohort });
    let group: RefreshGroup;
    if ("join" in choice) {
      group = choice.join;
      group.earliest = Math.max(group.earliest, window.earliest);
      // Members of several intervals: its phase holds for none of them, nothing lines up with it.
      if (group.intervalMs !== window.intervalMs) group.intervalMs = undefined;
      if (choice.at !== group.at) {
        this.#remove(group);
        group.at = choice.at;
        this.#insert(group);
      }
    } else {
      group = { at: choice.create, earliest: window.earliest, ids: new Map(), members: new Set(), intervalMs: window.intervalMs };
      this.#insert(group);
    }
    group.members.add(member);
    for (const id of new Set(ids)) group.ids.set(id, (group.ids.get(id) ?? 0) + 1);
    if (cohort) group.expected = Math.max(group.expected ?? 0, cohort.ids);
    this.#memberOf.set(member, group);
    this.#idsOf.set(member, [...new Set(ids)]);
    return group.at;
  }

  /** Whether the member's group is due now: it refreshes with its group. */
  isDue(member: string): boolean {
    const group = this.#memberOf.get(member);
    return group !== undefined && group.at <= this.#now() + GROUP_DUE_TOLERANCE_MS;
  }

  /** The other members of the member's group once that group is due (read together in its batch); else none. */
  dueMates(member: string): string[] {
    const group = this.#memberOf.get(member);
    if (!group || group.at > this.#now() + GROUP_DUE_TOLERANCE_MS) return [];
    return [...group.members].filter((m) => m !== member);
  }

  /** The member was read (on its own or in another's batch): it leaves its group until it is planned again. */
  leave(member: string): void {
    const group = this.#memberOf.get(member);
    if (!group) return;
    this.#memberOf.delete(member);
    group.members.delete(member);
    for (const id of this.#idsOf.get(member) ?? []) {
      const n = (group.ids.get(id) ?? 1) - 1;
      if (n <= 0) group.ids.delete(id);
      else group.ids.set(id, n);
    }
    this.#idsOf.delete(member);
    if (group.members.size === 0) this.#remove(group);
  }

  #insert(group: RefreshGroup): void {
    this.#groups.splice(firstAtOrAfter(this.#groups, group.at + 1), 0, group);
  }

  #remove(group: RefreshGroup): void {
    for (let i = firstAtOrAfter(this.#groups, group.at); i < this.#groups.length && this.#groups[i]!.at === group.at; i++) {
      if (this.#groups[i] === group) {
        this.#groups.splice(i, 1);
        return;
      }
    }
  }

  has(member: string): boolean {
    return this.#memberOf.has(member);
  }

  /** Planned groups, soonest first (tests, debugging). */
  get groups(): readonly RefreshGroup[] {
    return this.#groups;
  }

  get members(): number {
    return this.#memberOf.size;
  }

  /** Drops groups past their grace; their members are planned again when they next reconcile. */
  #sweep(): void {
    const cutoff = this.#now() - GROUP_GRACE_MS;
    let n = 0;
    while (n < this.#groups.length && this.#groups[n]!.at < cutoff) n++;
    if (n === 0) return;
    for (const group of this.#groups.splice(0, n)) {
      for (const member of group.members) {
        this.#memberOf.delete(member);
        this.#idsOf.delete(member);
      }
    }
  }
}
