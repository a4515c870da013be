import { remoteSecretIdKey, type RemoteSecretId } from "../providers/provider.ts";

/** Another ExternalSecret that could share a batch: its key and the remote ids it reads. */
export interface ReadAheadCandidate {
  key: string;
  ids: readonly RemoteSecretId[];
}

/**
 * Picks the companions of a read: other ExternalSecrets, due within their jitter window, whose ids fill the
 * batch up to `maxBatch` distinct ids. Candidates come in the caller's order (soonest due first); one that
 * would overflow the batch is skipped for a smaller one. Pure: which candidates are eligible (same client,
 * allowed namespace, due soon, not in flight) is the caller's decision.
 */
export function pickCompanions<C extends ReadAheadCandidate>(
  requested: readonly RemoteSecretId[],
  candidates: Iterable<C>,
  maxBatch: number,
): { companions: C[]; ids: RemoteSecretId[] } {
  const batch = new Map(requested.map((id) => [remoteSecretIdKey(id), id]));
  const companions: C[] = [];
  for (const candidate of candidates) {
    if (batch.size >= maxBatch) break;
    const added = candidate.ids.filter((id) => !batch.has(remoteSecretIdKey(id)));
    if (candidate.ids.length === 0 || batch.size + added.length > maxBatch) continue;
    for (const id of added) batch.set(remoteSecretIdKey(id), id);
    companions.push(candidate);
  }
  return { companions, ids: [...batch.values()] };
}

/** A retry may be read ahead this much before it is due, at least: retries that fell due together share a batch. */
export const RETRY_READ_AHEAD_FLOOR_MS = 1_000;

/**
 * Whether an ExternalSecret backing off after a failure may join another's batch now. Only when its retry
 * is due within a tenth of its backoff (at least RETRY_READ_AHEAD_FLOOR_MS): read-ahead then moves a retry
 * slightly earlier, as it moves refreshes, and failing ExternalSecrets still retry together in batches.
 * Pulling retries forward without this bound bypassed the per-key backoff: during an apiserver outage
 * (reads work, writes fail) every batch re-enqueued up to 19 failing ExternalSecrets at once, one retried
 * 13 times in 1.1 s and the inflated failure counts then held them for minutes after the apiserver was back.
 * `undefined` state: the ExternalSecret is not backing off.
 */
export function retryMayJoinBatch(state: { delayMs: number; dueInMs: number | undefined } | undefined): boolean {
  if (!state) return true;
  if (state.dueInMs === undefined) return false;
  return state.dueInMs <= Math.max(RETRY_READ_AHEAD_FLOOR_MS, state.delayMs / 10);
}
