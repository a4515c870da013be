/**
 * Reads every object of a mount through the provider's batch-first clients: all Secrets Manager objects in
 * one readSecrets (BatchGetSecretValue, 20 per call; pinned versions one GetSecretValue each), all SSM
 * objects in one readSecrets (GetParameters, 10 per call). ASCP makes one GetSecretValue per secret
 * (ASCP #243, #116).
 *
 * Failover differs from ASCP on purpose: ASCP asks both regions for every object on every mount and so
 * doubles the calls (shared reference §3.3); here the failover region is asked only for the objects whose
 * primary read failed in a way another region can fix (throttling, 5xx, a network error). A client error
 * (not found, access denied) fails the object as in ASCP ("If either region returns a client error (code
 * 4XX), then the mount will fail", ASCP README "Automated Failover Regions").
 */
import { AccessDeniedError, InvalidStoreError, NoSecretError, ThrottledError, remoteSecretIdKey, type ReadOutcome, type RemotePayload, type RemoteSecretId, type SecretsClient } from "../providers/provider.ts";
import type { FailureKind } from "./errors.ts";
import type { MountObject, ObjectSource } from "./parameters.ts";
import type { RegionClients } from "./sessions.ts";

export type ObjectRead =
  | { ok: true; payload: RemotePayload; region: string }
  | { ok: false; kind: FailureKind; cause: string };

export interface ReadTarget {
  region: string;
  clients: RegionClients;
}

export async function readObjects(
  objects: readonly MountObject[],
  primary: ReadTarget,
  failover: ReadTarget | undefined,
  signal?: AbortSignal,
): Promise<Map<MountObject, ObjectRead>> {
  const results = await readFrom(objects, primary, "primary", signal);
  if (!failover) return results;

  const retry = objects.filter((o) => {
    const r = results.get(o)!;
    return !r.ok && failoverHelps(r.kind);
  });
  if (retry.length === 0) return results;
  const second = await readFrom(retry, failover, "failover", signal);
  for (const o of retry) {
    const first = results.get(o)!;
    const again = second.get(o)!;
    if (again.ok) results.set(o, again);
    else if (!first.ok) {
      results.set(o, { ok: false, kind: again.kind, cause: `${primary.region}: ${first.cause}; ${failover.region}: ${again.cause}` });
    }
  }
  return results;
}

/** Failures another region may not have. */
function failoverHelps(kind: FailureKind): boolean {
  return kind === "throttled" || kind === "unavailable";
}

async function readFrom(objects: readonly MountObject[], target: ReadTarget, which: "primary" | "failover", signal: AbortSignal | undefined): Promise<Map<MountObject, ObjectRead>> {
  const sm = objects.filter((o) => o.objectType === "secretsmanager");
  const ssm = objects.filter((o) => o.objectType === "ssmparameter");
  const source = (o: MountObject) => (which === "primary" ? o.primary : o.failover);
  const [smResults, ssmResults] = await Promise.all([
    readService(sm, (o) => secretsManagerId(source(o)), target.clients.secretsManager, target.region, signal),
    readService(ssm, (o) => parameterId(source(o)), target.clients.parameterStore, target.region, signal),
  ]);
  return new Map([...smResults, ...ssmResults]);
}

async function readService(
  objects: readonly MountObject[],
  idOf: (o: MountObject) => RemoteSecretId,
  client: SecretsClient,
  region: string,
  signal: AbortSignal | undefined,
): Promise<Map<MountObject, ObjectRead>> {
  const results = new Map<MountObject, ObjectRead>();
  if (objects.length === 0) return results;
  let outcomes: Map<string, ReadOutcome>;
  try {
    // Duplicates (one secret under two aliases) are read once: readSecrets deduplicates.
    outcomes = await client.readSecrets(objects.map(idOf), signal);
  } catch (err) {
    // The call as a whole failed (throttled after the SDK's retries, credentials refused): every object in it.
    const failure = classify(err);
    for (const o of objects) results.set(o, failure);
    return results;
  }
  for (const o of objects) {
    const outcome = outcomes.get(remoteSecretIdKey(idOf(o)));
    if (outcome?.ok) results.set(o, { ok: true, payload: outcome.payload, region });
    else if (!outcome) results.set(o, { ok: false, kind: "unavailable", cause: "no result" });
    else {
      // The provider's per-key errors start with the key, which the mount error already names.
      const failure = classify(outcome.error);
      const prefix = `${idOf(o).key}: `;
      results.set(o, failure.cause.startsWith(prefix) ? { ...failure, cause: failure.cause.slice(prefix.length) } : failure);
    }
  }
  return results;
}

/**
 * ASCP objectVersion is the Secrets Manager VersionId, objectVersionLabel the VersionStage; the provider's
 * client takes `uuid/<VersionId>` or a stage (ESO's remoteRef.version). When both are set ASCP sends both
 * and AWS requires them to agree; the VersionId alone selects the same version.
 */
export function secretsManagerId(source: ObjectSource): RemoteSecretId {
  if (source.objectVersion) return { key: source.objectName, version: `uuid/${source.objectVersion}` };
  if (source.objectVersionLabel) return { key: source.objectName, version: source.objectVersionLabel };
  return { key: source.objectName };
}

/** SSM: a version number or a label, sent as `name:selector` in the same GetParameters call. */
export function parameterId(source: ObjectSource): RemoteSecretId {
  const version = source.objectVersion ?? source.objectVersionLabel;
  return version ? { key: source.objectName, version } : { key: source.objectName };
}

const INVALID_REQUEST = /: (ValidationException|InvalidParameterException|InvalidRequestException|InvalidParameters|ParameterVersionLabelLimitExceeded):/;

/** The provider's errors are already sanitized (key and AWS error code, no value); only the kind is decided here. */
export function classify(err: unknown): { ok: false; kind: FailureKind; cause: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof NoSecretError) return { ok: false, kind: "not-found", cause: message };
  if (err instanceof AccessDeniedError) return { ok: false, kind: "access-denied", cause: message };
  if (err instanceof ThrottledError) return { ok: false, kind: "throttled", cause: message };
  if (err instanceof InvalidStoreError) return { ok: false, kind: "unauthenticated", cause: message };
  if (err instanceof Error && err.name === "AbortError") return { ok: false, kind: "unavailable", cause: "the mount request was cancelled or timed out" };
  if (INVALID_REQUEST.test(message)) return { ok: false, kind: "invalid", cause: message };
  return { ok: false, kind: "unavailable", cause: message };
}
