/**
 * The provider contract, shaped after ESO's (apis/externalsecrets/v1/provider.go) with one deliberate
 * change: reads are batch-first. ESO's SecretsClient.GetSecret takes one key, so every provider makes one
 * call per key (ESO #1193, #2902); here the sync layer hands a client every remote secret a reconcile
 * needs at once (deduplicated), and a client turns them into as few API calls as its backend allows
 * (Secrets Manager BatchGetSecretValue: 20 ids, SSM GetParameters: 10 names). The same entry point lets
 * reads be coalesced across ExternalSecrets later without touching providers.
 *
 * Providers return raw payloads. What is done with them (gjson `property`, decoding, conversion, rewrite,
 * templates) is the sync layer's business and the same for every provider.
 */

import type { KubeAccess } from "./kube-access.ts";

/** Which directions a store supports; shown in the store's status and printer column, as in ESO. */
export type Capabilities = "ReadOnly" | "WriteOnly" | "ReadWrite";

/** Whether a store's configuration and credentials work, as ESO's ValidationResult. */
export type ValidationResult = "Ready" | "Unknown" | "Error";

/**
 * One remote secret to read. `version` is provider-specific: for Secrets Manager a stage label (default
 * AWSCURRENT) or `uuid/<VersionId>`; for Parameter Store a version number or label (`name:version`).
 */
export interface RemoteSecretId {
  key: string;
  version?: string | undefined;
  /** `Fetch` reads the secret's tags as a JSON object instead of its value (ESO metadataPolicy). */
  metadataPolicy?: "None" | "Fetch" | undefined;
}

/** A secret's payload as stored: text (SecretString, parameter value) or bytes (SecretBinary). */
export interface RemotePayload {
  value: Uint8Array;
  /** True when the payload is binary (SecretBinary), so property lookups treat it as bytes read as text. */
  binary: boolean;
  /** The backend's version id, for status and CSI object versions. */
  versionId?: string | undefined;
}

/** The outcome of reading one RemoteSecretId. Errors are per id: one missing key never fails the others. */
export type ReadOutcome = { ok: true; payload: RemotePayload } | { ok: false; error: Error };

/** dataFrom.find: select many secrets by name pattern, path prefix and tags. */
export interface FindQuery {
  /** Go RE2 syntax, as ESO. */
  nameRegexp?: string | undefined;
  path?: string | undefined;
  tags?: Readonly<Record<string, string>> | undefined;
}

export interface SecretsClient {
  /**
   * Distinct ids one provider call reads (BatchGetSecretValue 20, GetParameters 10): the size sync fills its
   * batches and refresh groups to. Undefined: 20.
   */
  readonly batchSize?: number | undefined;

  /**
   * Reads every id, deduplicated and batched; the result map is keyed by `remoteSecretIdKey(id)`.
   * Rejects only when the call itself cannot be made (credentials, throttling after retries); a missing
   * secret is a per-id `NoSecretError`.
   */
  readSecrets(ids: readonly RemoteSecretId[], signal?: AbortSignal): Promise<Map<string, ReadOutcome>>;

  /** Secrets matching the query, keyed by their remote name (ESO GetAllSecrets). */
  findSecrets(query: FindQuery, signal?: AbortSignal): Promise<Map<string, RemotePayload>>;

  /** Checks that credentials work (ESO Validate), without reading secret values. */
  validate(signal?: AbortSignal): Promise<ValidationResult>;
}

/** The stable key of a RemoteSecretId: identical reads share it and are fetched once. */
export function remoteSecretIdKey(id: RemoteSecretId): string {
  return JSON.stringify([id.key, id.version ?? "", id.metadataPolicy ?? "None"]);
}

/**
 * The remote secret does not exist (or is scheduled for deletion). It drives ExternalSecret
 * deletionPolicy, exactly like ESO's NoSecretErr. The message names the key, never a value.
 */
export class NoSecretError extends Error {
  override readonly name = "NoSecretError";
  readonly key: string;

  constructor(key: string, detail = "secret does not exist") {
    super(`${key}: ${detail}`);
    this.key = key;
  }
}

/** The provider refused access: a configuration problem the user must fix, reported as such. */
export class AccessDeniedError extends Error {
  override readonly name = "AccessDeniedError";
}

/** The provider throttled us beyond the SDK's retries; the sync layer backs off. */
export class ThrottledError extends Error {
  override readonly name = "ThrottledError";
}

/**
 * The provider or the network failed in a way that says nothing about the store's configuration: a 5xx,
 * a reset or refused connection, a timeout. Retried with backoff; never a reason to mark a store invalid.
 */
export class ProviderUnavailableError extends Error {
  override readonly name = "ProviderUnavailableError";
}

/** A store that cannot work as configured (bad region, missing auth secret, unsupported provider). */
export class InvalidStoreError extends Error {
  override readonly name = "InvalidStoreError";
}

/**
 * A store as a provider sees it. `uid` and `generation` key the provider's caches: a store edit (new
 * generation) gets fresh credentials and clients, while refreshes of an unchanged store reuse them
 * (ESO rebuilds both on every reconcile, ESO #1194).
 */
export interface StoreRef<Spec> {
  kind: "SecretStore" | "ClusterSecretStore";
  name: string;
  /** The SecretStore's namespace; absent for a ClusterSecretStore. */
  namespace?: string | undefined;
  uid: string;
  generation: number;
  spec: Spec;
}

export interface ClientRequest<Spec> {
  store: StoreRef<Spec>;
  /**
   * The ExternalSecret's namespace: where a ClusterSecretStore's references without a namespace are
   * resolved ("referent auth"). Absent when the store itself is validated.
   */
  namespace?: string | undefined;
  kube: KubeAccess;
}

/** What the admission webhook and the store controller report about a store's spec (ESO ValidateStore). */
export interface StoreValidation {
  /** Each names a field path, e.g. `spec.provider.aws.region: required`. Any error makes the store unusable. */
  errors: string[];
  warnings: string[];
}

/** Which facts about the store the validation may use beyond its spec. */
export interface StoreContext {
  kind: "SecretStore" | "ClusterSecretStore";
  namespace?: string | undefined;
}

/** One backend type (ESO Provider): one instance per process, owning the per-store client cache. */
export interface Provider<Spec> {
  capabilities(): Capabilities;
  validateStore(spec: Spec, store?: StoreContext): StoreValidation;
  /** A client for the store, cached by (store uid, generation, referent namespace). */
  clientFor(request: ClientRequest<Spec>): Promise<SecretsClient>;
  /** Drops cached clients and credentials of a deleted store. */
  forgetStore(uid: string): void;
}

/**
 * One backend API call, after the SDK's retries, for the `externalsecret_provider_api_calls_count`
 * metric (ESO labels: provider, call, status).
 */
export interface ApiCallEvent {
  provider: string;
  call: string;
  status: "success" | "error";
}

export type ApiCallObserver = (event: ApiCallEvent) => void;

/** The logger a provider writes to; pino's `logger.warn(fields, message)` fits. Never pass secret values. */
export interface ProviderLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/*
 * The write direction, optional: a provider that can write offers a WriterProvider next to its Provider.
 * Shaped after ESO's PushSecret/DeleteSecret (providers/v1/aws/secretsmanager), with the two things the
 * write-through webhook needs that PushSecret lacks: a caller-chosen idempotency token (a retried admission
 * must not create a second version) and ownership as a set of tags that must all match before anything
 * existing is overwritten or deleted (ESO checks only `managed-by`).
 */

/** One remote secret to create or give a new version. */
export interface PushSecretRequest {
  /** The remote name without the store's prefix (the writer applies it), used when the secret is created. */
  remoteKey: string;
  /** The secret's ARN when a previous write recorded it: an existing secret is addressed by it. */
  existingId?: string | undefined;
  value: Uint8Array;
  /** `string` stores SecretString (the value must be UTF-8), `binary` SecretBinary. */
  format: "string" | "binary";
  /** An existing secret is written only when it carries every one of these tags with these values. */
  ownerTags: Readonly<Record<string, string>>;
  /** More tags set on creation and kept up to date on later writes. */
  tags?: Readonly<Record<string, string>> | undefined;
  description?: string | undefined;
  /**
   * Idempotency: the new version's id. The same token with the same value is the same write, so a retry
   * neither fails nor adds a version (Secrets Manager's ClientRequestToken). 32 to 64 characters.
   */
  versionToken: string;
  /**
   * Derives the token from the version being replaced (undefined for a new secret) and the final value, once
   * they are known; overrides `versionToken`. PushSecret uses it: its value may be merged into the current one.
   */
  versionTokenFor?: ((previousVersionId: string | undefined, value: Uint8Array) => string) | undefined;
  /** Describe first instead of the optimistic CreateSecret: the caller expects the secret to exist already. */
  describeFirst?: boolean | undefined;
  /**
   * Read the current value and write nothing when it equals the new one (bytes compared whatever the format,
   * as ESO's PushSecret does), so a periodic re-push of an unchanged Secret adds no version.
   */
  skipIfEqual?: boolean | undefined;
  /**
   * Computes the value from the current payload (undefined for a new secret), e.g. a property set into a
   * JSON document; replaces `value`. Throwing refuses the write (a current value that is not JSON).
   */
  merge?: ((current: RemotePayload | undefined) => Uint8Array) | undefined;
  /** Create only: an existing secret, whoever owns it, is left as it is (ESO updatePolicy IfNotExists). */
  createOnly?: boolean | undefined;
  /** KMS key for a new secret; AWS's default key (alias/aws/secretsmanager) otherwise. */
  kmsKeyId?: string | undefined;
  /**
   * The secret's resource policy (PushSecret metadata `resourcePolicy`): a policy document to have (put when
   * the current one differs as JSON), or `policy: undefined` to have none (deleted if there is one). Absent:
   * the policy is not touched. Not applied when `createOnly` finds the secret existing.
   */
  resourcePolicy?: { policy: string | undefined; blockPublicPolicy?: boolean | undefined } | undefined;
}

export interface PushSecretResult {
  arn: string;
  name: string;
  versionId: string;
  /**
   * `unchanged`: a version with this token already was the current one (a retried write), or the current
   * value already was the new one (`skipIfEqual`). `exists`: `createOnly` and the secret exists.
   */
  outcome: "created" | "updated" | "restored" | "unchanged" | "exists";
  /** The calls made, e.g. ["DescribeSecret", "PutSecretValue"], for logs and call budgets. */
  calls: string[];
}

export interface DeleteSecretRequest {
  /** The ARN or name of the secret. */
  remoteId: string;
  ownerTags: Readonly<Record<string, string>>;
  /** 7 to 30 days; the provider's default (30) when absent. */
  recoveryWindowInDays?: number | undefined;
  forceDeleteWithoutRecovery?: boolean | undefined;
}

export interface DeleteSecretResult {
  outcome: "scheduled" | "deleted" | "already-scheduled" | "not-found";
  /** When the secret will be gone for good (scheduled deletions). */
  deletionDate?: Date | undefined;
  calls: string[];
}

export interface SecretsWriter {
  /** Creates the secret or writes a new version of it; NotManagedError when it exists and is not ours. */
  pushSecret(request: PushSecretRequest, signal?: AbortSignal): Promise<PushSecretResult>;
  /** Deletes (or schedules the deletion of) a secret we own; NotManagedError when it is not ours. */
  deleteSecret(request: DeleteSecretRequest, signal?: AbortSignal): Promise<DeleteSecretResult>;
  /** One version's payload (the current one without `versionId`), e.g. to merge a partial update. */
  readVersion(remoteId: string, versionId?: string, signal?: AbortSignal): Promise<RemotePayload>;
}

/** Hands out writers per store, as Provider.clientFor hands out readers (same cache keys). */
export interface WriterProvider<Spec> {
  writerFor(request: ClientRequest<Spec>): Promise<SecretsWriter>;
  forgetStore(uid: string): void;
}

/**
 * The remote secret exists but lacks the owner tags: it belongs to someone else and is never overwritten or
 * deleted (ESO: "secret not managed by external-secrets"). The message names the secret and the tag, not values.
 */
export class NotManagedError extends Error {
  override readonly name = "NotManagedError";
}

/** The write would conflict with a concurrent one (another version was written meanwhile); retrying decides. */
export class WriteConflictError extends Error {
  override readonly name = "WriteConflictError";
}
