import type { PushSecretData } from "../../apis/push-secret.ts";
import type { SourceData } from "../source-values.ts";

/** How one entry is written: ESO's updatePolicy, and whether the caller expects the remote secret to exist. */
export interface PushOptions {
  /** updatePolicy IfNotExists: an existing remote secret is left as it is. */
  createOnly: boolean;
  /** A previous sync recorded this entry: skip the optimistic create and look first (no failed write call). */
  expectExisting: boolean;
  /** The entry as a previous sync recorded it (its metadata then), e.g. to remove a resource policy it set. */
  previous?: PushSecretData | undefined;
}

export interface PushOutcome {
  outcome: "created" | "updated" | "restored" | "unchanged" | "exists";
  calls: string[];
}

export interface DeleteOutcome {
  outcome: "deleted" | "scheduled" | "already-scheduled" | "not-found" | "not-managed";
  /** When a scheduled deletion becomes final (the store's recovery window). */
  deletionDate?: Date | undefined;
  calls: string[];
}

/**
 * One store's provider as PushSecret sees it: push a `data[]` entry from the source Secret, delete what an
 * entry pushed. Implementations hold the store's shared writer (one writer and one ownership check for
 * write-through and PushSecret) and encode values exactly as ESO's provider does.
 */
export interface PushTarget {
  push(entry: PushSecretData, source: SourceData, options: PushOptions, signal?: AbortSignal): Promise<PushOutcome>;
  delete(entry: PushSecretData, signal?: AbortSignal): Promise<DeleteOutcome>;
}

/**
 * The remote secret exists and is not ESO's/Ferry's (no `managed-by=external-secrets` tag): refused with
 * ESO's message, naming the secret.
 */
export class NotManagedByExternalSecretsError extends Error {
  override readonly name = "NotManagedByExternalSecretsError";
  constructor(what: string) {
    super(`${what}: secret not managed by external-secrets`);
  }
}

/** The entry's configuration is wrong (metadata, property path): retrying will not help until the spec changes. */
export class PushConfigError extends Error {
  override readonly name = "PushConfigError";
}
