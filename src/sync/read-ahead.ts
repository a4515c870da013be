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
