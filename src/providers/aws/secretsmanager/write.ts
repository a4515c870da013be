import type { DescribeSecretResponse, Tag } from "@aws-sdk/client-secrets-manager";
import {
  NoSecretError,
  WriteConflictError,
  type DeleteSecretRequest,
  type DeleteSecretResult,
  type PushSecretRequest,
  type PushSecretResult,
  type RemotePayload,
  type SecretsWriter,
} from "../../provider.ts";
import { callError, describeAwsError, type Redactor } from "../errors.ts";
import { checkOwner } from "../ownership.ts";
import type { SecretsManagerWriteApi } from "./write-api.ts";

export interface SecretsManagerWriterOptions {
  api: SecretsManagerWriteApi;
  /** `spec.provider.aws.prefix`, prepended to the key of a secret the writer creates (as the reader does). */
  prefix?: string | undefined;
  redactor?: Redactor | undefined;
}

/** AWS's bounds for ClientRequestToken. */
const TOKEN_MIN = 32;
const TOKEN_MAX = 64;

/**
 * Secrets Manager writes (ESO's PushSecret/DeleteSecret for AWS), built so that a retry is harmless and
 * nobody else's secret is touched:
 *
 * - A new secret costs one call: CreateSecret with the caller's token, which is also the version id. A
 *   retried create with the same token and value is accepted by AWS as the same write. Only when the name is
 *   taken does the writer DescribeSecret (ESO describes first, always two calls).
 * - An existing secret is described first (ownership is checked on every write: tags can change and a
 *   secret can be replaced out of band), then written with PutSecretValue. If the token already names the
 *   current version, the write already happened (a retried admission): nothing is written.
 * - Ownership means every owner tag matches, not just `managed-by` (ESO's check), so two clusters or two
 *   namespaces mapping to one name cannot overwrite each other.
 * - A secret scheduled for deletion that we own is restored before it is written (AWS refuses writes to
 *   it); deletion never touches a secret we do not own.
 */
export class SecretsManagerWriter implements SecretsWriter {
  readonly #api: SecretsManagerWriteApi;
  readonly #prefix: string;
  readonly #redactor: Redactor | undefined;

  constructor(options: SecretsManagerWriterOptions) {
    this.#api = options.api;
    this.#prefix = options.prefix ?? "";
    this.#redactor = options.redactor;
  }

  async pushSecret(request: PushSecretRequest, signal?: AbortSignal): Promise<PushSecretResult> {
    const result = await this.#pushValue(request, signal);
    if (request.resourcePolicy && result.outcome !== "exists") {
      const changed = await this.#applyResourcePolicy(result.arn, result.name, request.resourcePolicy, result.outcome === "created", result.calls, signal);
      // A policy written to an otherwise unchanged secret is a write (the caller counts and reports it).
      if (changed && result.outcome === "unchanged") return { ...result, outcome: "updated" };
    }
    return result;
  }

  /**
   * ESO's manageResourcePolicy, with one read instead of a write when nothing changed: a wanted policy is put
   * when the current one differs as JSON (a new secret has none, so it is put without reading); no wanted
   * policy deletes the current one (DeleteResourcePolicy, which is a no-op when there is none). Runs after the
   * value, on a secret whose ownership the value's write has just checked. True when something was written.
   */
  async #applyResourcePolicy(
    arn: string,
    name: string,
    wanted: NonNullable<PushSecretRequest["resourcePolicy"]>,
    created: boolean,
    calls: string[],
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    if (!wanted.policy) {
      if (created) return false;
      calls.push("DeleteResourcePolicy");
      await this.#api.deleteResourcePolicy({ SecretId: arn }, signal).catch((err: unknown) => {
        if (describeAwsError(err).kind === "not-found") return;
        throw callError(err, `DeleteResourcePolicy "${name}"`, this.#redactor);
      });
      return true;
    }
    if (!created) {
      calls.push("GetResourcePolicy");
      const current = await this.#api.getResourcePolicy({ SecretId: arn }, signal).catch((err: unknown) => {
        if (describeAwsError(err).kind === "not-found") return undefined;
        throw callError(err, `GetResourcePolicy "${name}"`, this.#redactor);
      });
      if (current?.ResourcePolicy && samePolicy(current.ResourcePolicy, wanted.policy)) return false;
    }
    calls.push("PutResourcePolicy");
    await this.#api
      .putResourcePolicy({ SecretId: arn, ResourcePolicy: wanted.policy, ...(wanted.blockPublicPolicy !== undefined ? { BlockPublicPolicy: wanted.blockPublicPolicy } : {}) }, signal)
      .catch((err: unknown) => {
        throw callError(err, `PutResourcePolicy "${name}"`, this.#redactor);
      });
    return true;
  }

  async #pushValue(request: PushSecretRequest, signal?: AbortSignal): Promise<PushSecretResult> {
    if (!request.versionTokenFor) checkToken(request.versionToken);
    const name = this.#prefix + request.remoteKey;
    const calls: string[] = [];
    // Fails before any call when a `string` value is not UTF-8 (a merged value is checked once computed).
    const value = request.merge ? undefined : valueField(request.format, request.value);
    const createValue = () => value ?? valueField(request.format, request.merge!(undefined));

    if (!request.existingId && !request.describeFirst) {
      const created = await this.#create(name, request, createValue(), calls, signal);
      if (created) return created;
      if (request.createOnly) return { arn: name, name, versionId: "", outcome: "exists", calls };
    }

    const id = request.existingId ?? name;
    let described: DescribeSecretResponse;
    try {
      calls.push("DescribeSecret");
      described = await this.#api.describeSecret({ SecretId: id }, signal);
    } catch (err) {
      if (describeAwsError(err).kind !== "not-found") throw callError(err, `DescribeSecret "${id}"`, this.#redactor);
      // The recorded secret was deleted for good out of band (or never made): create it under its name.
      if (request.existingId || request.describeFirst) {
        const created = await this.#create(name, request, createValue(), calls, signal);
        if (created) return created;
      }
      throw new WriteConflictError(`secret "${name}" was created and removed concurrently; retry`);
    }

    const arn = described.ARN ?? id;
    const actualName = described.Name ?? name;
    // IfNotExists: whoever's it is, an existing secret is left alone (and so needs no ownership).
    if (request.createOnly) return { arn, name: actualName, versionId: currentVersionOf(described) ?? "", outcome: "exists", calls };
    checkOwner(`secret "${actualName}"`, described.Tags, request.ownerTags);

    if (request.versionTokenFor) return this.#writeComputed(request, described, arn, actualName, value, calls, signal);
    const token = request.versionToken;
    const stages = described.VersionIdsToStages?.[token];
    if (stages && !described.DeletedDate) {
      if (stages.includes("AWSCURRENT")) return { arn, name: actualName, versionId: token, outcome: "unchanged", calls };
      // The same write happened before, but something else was written after it: replaying it would not
      // make it current again (AWS ignores a known token), and making it current would undo the later write.
      throw new WriteConflictError(`secret "${actualName}": this write was already made and a newer version exists; retry with the current content`);
    }

    let restored = false;
    if (described.DeletedDate) {
      calls.push("RestoreSecret");
      await this.#api.restoreSecret({ SecretId: arn }, signal).catch((err: unknown) => {
        throw callError(err, `RestoreSecret "${actualName}"`, this.#redactor);
      });
      restored = true;
    }

    const stale = staleTags(described.Tags, request.tags);
    if (stale.length > 0) {
      calls.push("TagResource");
      await this.#api.tagResource({ SecretId: arn, Tags: stale }, signal).catch((err: unknown) => {
        throw callError(err, `TagResource "${actualName}"`, this.#redactor);
      });
    }

    calls.push("PutSecretValue");
    const put = await this.#api.putSecretValue({ SecretId: arn, ClientRequestToken: token, ...(value ?? valueField(request.format, request.value)) }, signal).catch((err: unknown) => {
      // The token names a version with another value: a concurrent write of different content won.
      if (describeAwsError(err).code === "ResourceExistsException") throw new WriteConflictError(`secret "${actualName}": a concurrent write used this version id; retry`);
      throw callError(err, `PutSecretValue "${actualName}"`, this.#redactor);
    });
    return { arn: put.ARN ?? arn, name: put.Name ?? actualName, versionId: put.VersionId ?? token, outcome: restored ? "restored" : "updated", calls };
  }

  /**
   * The write of a value computed against the current one (PushSecret): read the current value when it is
   * needed (a merge, or skipIfEqual), write nothing when it is already the new value, otherwise put a
   * version whose token derives from the version it replaces and the content, so a retried write is the
   * same write and going back to an earlier value (A → B → A) is a new one.
   */
  async #writeComputed(
    request: PushSecretRequest,
    described: DescribeSecretResponse,
    arn: string,
    actualName: string,
    fixed: ValueField | undefined,
    calls: string[],
    signal: AbortSignal | undefined,
  ): Promise<PushSecretResult> {
    const previous = described.DeletedDate ? undefined : currentVersionOf(described);
    let current: RemotePayload | undefined;
    if (previous && (request.merge || request.skipIfEqual)) {
      calls.push("GetSecretValue");
      current = await this.readVersion(arn, previous, signal).catch((err: unknown) => {
        if (err instanceof NoSecretError) return undefined;
        throw err;
      });
    }
    const bytes = request.merge ? request.merge(current) : request.value;
    const value = fixed ?? valueField(request.format, bytes);
    if (request.skipIfEqual && current && bytesEqual(current.value, bytes)) {
      return { arn, name: actualName, versionId: previous!, outcome: "unchanged", calls };
    }
    const token = request.versionTokenFor!(previous, bytes);
    checkToken(token);

    let restored = false;
    if (described.DeletedDate) {
      calls.push("RestoreSecret");
      await this.#api.restoreSecret({ SecretId: arn }, signal).catch((err: unknown) => {
        throw callError(err, `RestoreSecret "${actualName}"`, this.#redactor);
      });
      restored = true;
    }
    calls.push("PutSecretValue");
    const put = await this.#api.putSecretValue({ SecretId: arn, ClientRequestToken: token, ...value }, signal).catch((err: unknown) => {
      if (describeAwsError(err).code === "ResourceExistsException") throw new WriteConflictError(`secret "${actualName}": a concurrent write used this version id; retry`);
      throw callError(err, `PutSecretValue "${actualName}"`, this.#redactor);
    });
    // Tags after the value, as ESO: a secret whose value did not change keeps its tags as they are.
    const stale = staleTags(described.Tags, request.tags);
    if (stale.length > 0) {
      calls.push("TagResource");
      await this.#api.tagResource({ SecretId: arn, Tags: stale }, signal).catch((err: unknown) => {
        throw callError(err, `TagResource "${actualName}"`, this.#redactor);
      });
    }
    return { arn: put.ARN ?? arn, name: put.Name ?? actualName, versionId: put.VersionId ?? token, outcome: restored ? "restored" : "updated", calls };
  }

  async deleteSecret(request: DeleteSecretRequest, signal?: AbortSignal): Promise<DeleteSecretResult> {
    const calls: string[] = ["DescribeSecret"];
    let described: DescribeSecretResponse;
    try {
      described = await this.#api.describeSecret({ SecretId: request.remoteId }, signal);
    } catch (err) {
      if (describeAwsError(err).kind === "not-found") return { outcome: "not-found", calls };
      throw callError(err, `DescribeSecret "${request.remoteId}"`, this.#redactor);
    }
    const name = described.Name ?? request.remoteId;
    checkOwner(`secret "${name}"`, described.Tags, request.ownerTags);
    if (described.DeletedDate) return { outcome: "already-scheduled", deletionDate: described.DeletedDate, calls };

    calls.push("DeleteSecret");
    const force = request.forceDeleteWithoutRecovery === true;
    const deleted = await this.#api
      .deleteSecret(
        {
          SecretId: described.ARN ?? request.remoteId,
          ...(force ? { ForceDeleteWithoutRecovery: true } : request.recoveryWindowInDays !== undefined ? { RecoveryWindowInDays: request.recoveryWindowInDays } : {}),
        },
        signal,
      )
      .catch((err: unknown) => {
        // Scheduled by someone else between our two calls: the outcome we wanted.
        if (describeAwsError(err).kind === "not-found") return undefined;
        throw callError(err, `DeleteSecret "${name}"`, this.#redactor);
      });
    if (!deleted) return { outcome: "already-scheduled", calls };
    return { outcome: force ? "deleted" : "scheduled", deletionDate: deleted.DeletionDate, calls };
  }

  async readVersion(remoteId: string, versionId?: string, signal?: AbortSignal): Promise<RemotePayload> {
    const value = await this.#api.getSecretValue({ SecretId: remoteId, ...(versionId ? { VersionId: versionId } : {}) }, signal).catch((err: unknown) => {
      if (describeAwsError(err).kind === "not-found") throw new NoSecretError(remoteId, versionId ? `version ${versionId} not found` : "secret does not exist");
      throw callError(err, `GetSecretValue "${remoteId}"`, this.#redactor);
    });
    if (value.SecretString !== undefined) return { value: new TextEncoder().encode(value.SecretString), binary: false, versionId: value.VersionId };
    if (value.SecretBinary !== undefined) return { value: value.SecretBinary, binary: true, versionId: value.VersionId };
    throw new NoSecretError(remoteId, "the version has no value");
  }

  /** CreateSecret; undefined when the name is taken (existing, or scheduled for deletion), so the caller describes it. */
  async #create(
    name: string,
    request: PushSecretRequest,
    value: ValueField,
    calls: string[],
    signal: AbortSignal | undefined,
  ): Promise<PushSecretResult | undefined> {
    calls.push("CreateSecret");
    try {
      const created = await this.#api.createSecret(
        {
          Name: name,
          ClientRequestToken: request.versionTokenFor ? request.versionTokenFor(undefined, valueBytes(value)) : request.versionToken,
          ...value,
          ...(request.kmsKeyId ? { KmsKeyId: request.kmsKeyId } : {}),
          ...(request.description ? { Description: request.description } : {}),
          Tags: Object.entries({ ...request.tags, ...request.ownerTags }).map(([Key, Value]) => ({ Key, Value })),
        },
        signal,
      );
      return { arn: created.ARN ?? name, name: created.Name ?? name, versionId: created.VersionId ?? request.versionToken, outcome: "created", calls };
    } catch (err) {
      const info = describeAwsError(err);
      // AWS answers InvalidRequestException "…already scheduled for deletion" for a name in its recovery window.
      if (info.code === "ResourceExistsException" || (info.code === "InvalidRequestException" && SCHEDULED_FOR_DELETION.test(info.message))) return undefined;
      throw callError(err, `CreateSecret "${name}"`, this.#redactor);
    }
  }
}

type ValueField = { SecretString: string } | { SecretBinary: Uint8Array };

const SCHEDULED_FOR_DELETION = /scheduled for deletion|marked (for )?delet/i;

function valueField(format: PushSecretRequest["format"], value: Uint8Array): ValueField {
  if (format === "binary") return { SecretBinary: value };
  return { SecretString: new TextDecoder("utf-8", { fatal: true }).decode(value) };
}

function valueBytes(field: ValueField): Uint8Array {
  return "SecretBinary" in field ? field.SecretBinary : new TextEncoder().encode(field.SecretString);
}

function checkToken(token: string): void {
  if (token.length < TOKEN_MIN || token.length > TOKEN_MAX) throw new Error(`version token must be ${TOKEN_MIN} to ${TOKEN_MAX} characters`);
}

/** The version id staged AWSCURRENT, if any. */
function currentVersionOf(described: DescribeSecretResponse): string | undefined {
  return Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes("AWSCURRENT"))?.[0];
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Two policy documents as ESO compares them (json.Unmarshal into maps, reflect.DeepEqual): key order aside. */
function samePolicy(a: string, b: string): boolean {
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
  } catch {
    return false;
  }
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  );
}

function staleTags(actual: Tag[] | undefined, wanted: Readonly<Record<string, string>> | undefined): Tag[] {
  const current = new Map((actual ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
  return Object.entries(wanted ?? {})
    .filter(([key, value]) => current.get(key) !== value)
    .map(([Key, Value]) => ({ Key, Value }));
}
