/**
 * Whether an ExternalSecret must be read from the provider now, decided by small named policies evaluated
 * in order (the shape of cert-manager's trigger policy chain). Each returns the reason to refresh, or
 * undefined to pass. Nothing here does I/O or reads the clock: `now` is passed in.
 *
 * ESO skips the provider call only when the spec/labels/annotations are unchanged, the refresh is not due,
 * and the Secret still carries a matching data-hash (pkg/controllers/externalsecret, shouldRefresh and
 * isSecretValid). Ferry keeps exactly those semantics.
 */

export type RefreshPolicy = "Periodic" | "OnChange" | "CreatedOnce";

export interface RefreshInput {
  refreshPolicy: RefreshPolicy;
  /** 0 means sync once and never poll. */
  refreshIntervalMs: number;
  /** status.refreshTime, epoch ms; undefined when never synced. */
  lastRefreshMs: number | undefined;
  /** status.syncedResourceVersion as stored. */
  syncedResourceVersion: string | undefined;
  /** The current `<generation>-<hash>` (see syncedResourceVersion()). */
  currentResourceVersion: string;
  /** The target Secret as it is: absent, or its managed label and data-hash annotation vs. its data. */
  target: TargetState;
  /** Orphan-policy Secrets are never judged by their content (ESO isSecretValid). */
  creationPolicy: string;
  /** Its values were read ahead in another ExternalSecret's batch: refresh now, early, at no AWS cost. */
  prefetched?: boolean | undefined;
  /** A change event reported that its remote secret changed since it last read (src/changeevents). */
  remoteChanged?: boolean | undefined;
  /**
   * The refresh group it was planned into (refresh-groups.ts) is due now: refresh with the group, which may
   * be up to the jitter bound before its own interval has elapsed (never more: groupDue checks the bound).
   */
  groupDue?: boolean | undefined;
  /** When generated values in the target run out (an ECR token's expires_at), epoch ms; see renewAtMs. */
  valuesExpireAtMs?: number | undefined;
  /** How to renew expiring generated values (defaults: DEFAULT_RENEWAL). */
  renewal?: RenewalSettings | undefined;
  now: number;
}

/**
 * When generated values that expire are renewed: `renewBeforeMs` ahead of their expiry (default a third of
 * their lifetime, cert-manager's rule for certificates), never sooner than `minIntervalMs` after the last
 * refresh, so values that arrive already expired (a wrong clock, an emulator) cost one call per interval,
 * not a hot loop.
 */
export interface RenewalSettings {
  renewBeforeMs?: number | undefined;
  minIntervalMs: number;
}

export const DEFAULT_RENEWAL: RenewalSettings = { minIntervalMs: 60_000 };

export type TargetState =
  | { exists: false }
  | { exists: true; managed: boolean; hashMatches: boolean };

export interface RefreshDecision {
  refresh: boolean;
  /** Short machine-readable reason, used in logs and metrics. */
  reason: string;
}

type Policy = (input: RefreshInput) => string | undefined;

const neverSynced: Policy = (i) => (i.lastRefreshMs === undefined || !i.syncedResourceVersion ? "NeverSynced" : undefined);

/**
 * A new generation or changed labels/annotations (including force-sync) refresh, except under CreatedOnce:
 * ESO's shouldRefresh returns false for CreatedOnce once synced, whatever changed, which is what keeps a
 * generated password stable (pkg/controllers/externalsecret, shouldRefresh).
 */
const resourceChanged: Policy = (i) => (i.refreshPolicy !== "CreatedOnce" && i.syncedResourceVersion !== i.currentResourceVersion ? "ResourceChanged" : undefined);

const targetMissingOrTampered: Policy = (i) => {
  if (i.creationPolicy === "Orphan" || i.creationPolicy === "None") return undefined;
  if (!i.target.exists) return i.creationPolicy === "Merge" ? undefined : "TargetMissing";
  if (!i.target.managed) return "TargetNotManaged";
  if (!i.target.hashMatches) return "TargetDataChanged";
  return undefined;
};

const periodicDue: Policy = (i) => {
  if (i.refreshPolicy !== "Periodic" || i.refreshIntervalMs <= 0 || i.lastRefreshMs === undefined) return undefined;
  return i.now >= i.lastRefreshMs + i.refreshIntervalMs ? "RefreshDue" : undefined;
};

/**
 * Generated values that expire (ECR tokens, STS sessions) are renewed before they do, even when the
 * refreshInterval is longer than their lifetime (ESO lets a 12-hour ECR token in a 24h-refresh pull secret
 * expire). Periodic with an interval only: CreatedOnce, OnChange and interval 0 are explicit "do not poll".
 */
const generatedValuesExpiring: Policy = (i) => {
  const at = renewAtMs(i);
  return at !== undefined && i.now >= at ? "GeneratedValuesExpiring" : undefined;
};

/** When expiring generated values are renewed; undefined when nothing expires or the policy does not poll. */
export function renewAtMs(i: Pick<RefreshInput, "valuesExpireAtMs" | "renewal" | "refreshPolicy" | "refreshIntervalMs" | "lastRefreshMs">): number | undefined {
  if (i.valuesExpireAtMs === undefined || i.lastRefreshMs === undefined) return undefined;
  if (i.refreshPolicy !== "Periodic" || i.refreshIntervalMs <= 0) return undefined;
  const renewal = i.renewal ?? DEFAULT_RENEWAL;
  const lifetime = Math.max(0, i.valuesExpireAtMs - i.lastRefreshMs);
  const before = renewal.renewBeforeMs ?? lifetime / 3;
  return Math.round(Math.max(i.lastRefreshMs + renewal.minIntervalMs, i.valuesExpireAtMs - before));
}

/** Read ahead for this ExternalSecret shortly before it was due (see read-ahead.ts): take the values now. */
const prefetched: Policy = (i) => (i.prefetched ? "Prefetched" : undefined);

/**
 * The remote secret changed (a change event): read now instead of at the next refresh. Only what polls
 * anyway — `Periodic` with an interval — so an event moves a refresh earlier and never adds one that
 * `OnChange`, `CreatedOnce` or `refreshInterval: 0` rule out.
 */
const remoteChanged: Policy = (i) => (i.remoteChanged && i.refreshPolicy === "Periodic" && i.refreshIntervalMs > 0 ? "RemoteChanged" : undefined);

/**
 * Its refresh group is due (batch-aware scheduling, ADR 14): the group refreshes at one time inside every
 * member's window, planned from when the member's values were read — up to one jitter bound before its
 * refreshTime when it took values read in a group's batch — so a member may refresh up to twice the bound
 * before refreshTime + refreshInterval, never more. Never later: that is the window's end.
 */
const groupDue: Policy = (i) => {
  if (!i.groupDue || i.refreshPolicy !== "Periodic" || i.refreshIntervalMs <= 0 || i.lastRefreshMs === undefined) return undefined;
  return i.now >= i.lastRefreshMs + i.refreshIntervalMs - GROUP_EARLY_BOUNDS * readAheadHorizonMs(i.refreshIntervalMs) ? "GroupDue" : undefined;
};

/** How many jitter bounds before refreshTime + refreshInterval a member of a due refresh group may refresh. */
export const GROUP_EARLY_BOUNDS = 2;

/** Evaluated in order; the first reason wins. */
const chain: readonly Policy[] = [neverSynced, resourceChanged, targetMissingOrTampered, periodicDue, groupDue, generatedValuesExpiring, prefetched, remoteChanged];

export function refreshDecision(input: RefreshInput): RefreshDecision {
  for (const policy of chain) {
    const reason = policy(input);
    if (reason) return { refresh: true, reason };
  }
  return { refresh: false, reason: "UpToDate" };
}

/**
 * How far ahead a refresh may be pulled to share a batch, and how late the jitter may push it: the jitter
 * bound, min(10% of refreshInterval, 5 min). Read-ahead and refresh groups never move a refresh more than
 * this before its due time, and a planned refresh is never more than this after it.
 */
export function readAheadHorizonMs(refreshIntervalMs: number): number {
  return refreshIntervalMs > 0 ? Math.min(refreshIntervalMs * 0.1, 5 * 60_000) : 0;
}

/**
 * The times the next periodic refresh may be planned at, epoch ms: `due` is the last refresh plus the
 * interval (now, if that has passed); `earliest` and `latest` are the jitter bound either side of it (never
 * before now). Refresh groups (refresh-groups.ts) pick one time inside the windows of all their members.
 * Undefined: no periodic refresh.
 */
export interface RefreshWindow {
  earliest: number;
  due: number;
  latest: number;
  /** The refresh interval the window was made for (refresh groups line up groups of one interval). */
  intervalMs?: number | undefined;
}

export function refreshWindow(input: Pick<RefreshInput, "refreshPolicy" | "refreshIntervalMs" | "lastRefreshMs" | "now">): RefreshWindow | undefined {
  if (input.refreshPolicy !== "Periodic" || input.refreshIntervalMs <= 0) return undefined;
  const last = input.lastRefreshMs ?? input.now;
  const due = Math.max(input.now, last + input.refreshIntervalMs);
  const bound = readAheadHorizonMs(input.refreshIntervalMs);
  return { earliest: Math.max(input.now, due - bound), due, latest: due + bound, intervalMs: input.refreshIntervalMs };
}

/**
 * When to look again after a reconcile that ended at `now`, for an ExternalSecret in no refresh group: the
 * rest of the interval, plus a jitter so that ExternalSecrets created together (a Helm install, a restart)
 * do not refresh together forever after — ESO #4231 reports exactly those repeating spikes, and ESO has no
 * jitter. The jitter is only ever added, so the refresh is due when the item comes back. Undefined: no
 * periodic requeue.
 */
export function nextRefreshDelayMs(
  input: Pick<RefreshInput, "refreshPolicy" | "refreshIntervalMs" | "lastRefreshMs" | "now" | "valuesExpireAtMs" | "renewal">,
  random: () => number = Math.random,
): number | undefined {
  const window = refreshWindow(input);
  if (!window) return undefined;
  const periodic = Math.round(window.due - input.now + random() * (window.latest - window.due));
  // Renewal of expiring values comes back exactly on time: no jitter may push it past the expiry.
  const renewAt = renewAtMs({ ...input, lastRefreshMs: input.lastRefreshMs ?? input.now });
  return renewAt === undefined ? periodic : Math.min(periodic, Math.max(0, renewAt - input.now));
}
