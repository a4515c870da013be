/**
 * An in-memory Secrets Manager behind the write seam, for unit tests. It follows AWS, not moto, where the two
 * differ: a name in its recovery window cannot be created (InvalidRequestException) nor written, values over
 * 64 KiB are refused, and a known ClientRequestToken with the same value is ignored (no new version, stages
 * unchanged) while with another value it is ResourceExistsException. It counts calls by action.
 */
import { randomUUID } from "node:crypto";
import type {
  CreateSecretRequest,
  CreateSecretResponse,
  DeleteSecretRequest,
  DeleteSecretResponse,
  DescribeSecretRequest,
  DescribeSecretResponse,
  GetSecretValueRequest,
  GetSecretValueResponse,
  PutSecretValueRequest,
  PutSecretValueResponse,
  RestoreSecretRequest,
  RestoreSecretResponse,
  GetResourcePolicyResponse,
  PutResourcePolicyRequest,
  TagResourceRequest,
} from "@aws-sdk/client-secrets-manager";
import { awsError } from "../fake-aws-error.ts";
import type { SecretsManagerWriteApi } from "./write-api.ts";

type Action =
  | "CreateSecret"
  | "PutSecretValue"
  | "DescribeSecret"
  | "GetSecretValue"
  | "DeleteSecret"
  | "RestoreSecret"
  | "TagResource"
  | "GetResourcePolicy"
  | "PutResourcePolicy"
  | "DeleteResourcePolicy";

interface Version {
  id: string;
  stages: string[];
  string?: string | undefined;
  binary?: Uint8Array | undefined;
}

export interface FakeWrittenSecret {
  name: string;
  arn: string;
  tags: Record<string, string>;
  versions: Version[];
  /** The resource policy as put (AWS keeps the document's text). */
  policy?: string | undefined;
  deletedDate?: Date | undefined;
}

const MAX_BYTES = 65_536;

export class FakeSecretsManagerWrites implements SecretsManagerWriteApi {
  readonly calls: Record<string, number> = {};
  readonly secrets = new Map<string, FakeWrittenSecret>();
  readonly #failures: Array<{ action: Action; error: Error; times: number }> = [];

  /** The next `times` calls of `action` fail with `error`. */
  fail(action: Action, error: Error, times = Number.POSITIVE_INFINITY): void {
    this.#failures.push({ action, error, times });
  }

  get totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  /** A secret created by someone else (or by Ferry, given Ferry's tags). */
  seed(name: string, value: string, tags: Record<string, string> = {}): FakeWrittenSecret {
    const secret: FakeWrittenSecret = { name, arn: arnOf(name), tags: { ...tags }, versions: [{ id: randomUUID(), stages: ["AWSCURRENT"], string: value }] };
    this.secrets.set(name, secret);
    return secret;
  }

  current(name: string): Version | undefined {
    return this.#find(name)?.versions.find((v) => v.stages.includes("AWSCURRENT"));
  }

  async createSecret(input: CreateSecretRequest): Promise<CreateSecretResponse> {
    this.#record("CreateSecret");
    const name = input.Name ?? "";
    const existing = this.secrets.get(name);
    if (existing?.deletedDate) throw awsError("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.");
    if (existing) {
      const same = existing.versions.find((v) => v.id === input.ClientRequestToken);
      if (same && sameValue(same, input)) return { ARN: existing.arn, Name: name, VersionId: same.id };
      throw awsError("ResourceExistsException", `The operation failed because the secret ${name} already exists.`);
    }
    checkSize(input);
    const secret: FakeWrittenSecret = {
      name,
      arn: arnOf(name),
      tags: Object.fromEntries((input.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
      versions: [{ id: input.ClientRequestToken ?? randomUUID(), stages: ["AWSCURRENT"], string: input.SecretString, binary: input.SecretBinary }],
    };
    this.secrets.set(name, secret);
    return { ARN: secret.arn, Name: name, VersionId: secret.versions[0]!.id };
  }

  async putSecretValue(input: PutSecretValueRequest): Promise<PutSecretValueResponse> {
    this.#record("PutSecretValue");
    const secret = this.#mustFind(input.SecretId ?? "");
    if (secret.deletedDate) throw awsError("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.");
    const token = input.ClientRequestToken ?? randomUUID();
    const known = secret.versions.find((v) => v.id === token);
    if (known) {
      if (!sameValue(known, input)) throw awsError("ResourceExistsException", `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${secret.arn}.`);
      return { ARN: secret.arn, Name: secret.name, VersionId: known.id, VersionStages: known.stages };
    }
    checkSize(input);
    for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== "AWSPREVIOUS").map((s) => (s === "AWSCURRENT" ? "AWSPREVIOUS" : s));
    secret.versions.push({ id: token, stages: ["AWSCURRENT"], string: input.SecretString, binary: input.SecretBinary });
    return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: ["AWSCURRENT"] };
  }

  async describeSecret(input: DescribeSecretRequest): Promise<DescribeSecretResponse> {
    this.#record("DescribeSecret");
    const secret = this.#mustFind(input.SecretId ?? "");
    return {
      ARN: secret.arn,
      Name: secret.name,
      Tags: Object.entries(secret.tags).map(([Key, Value]) => ({ Key, Value })),
      VersionIdsToStages: Object.fromEntries(secret.versions.map((v) => [v.id, v.stages])),
      ...(secret.deletedDate ? { DeletedDate: secret.deletedDate } : {}),
    };
  }

  async getSecretValue(input: GetSecretValueRequest): Promise<GetSecretValueResponse> {
    this.#record("GetSecretValue");
    const secret = this.#mustFind(input.SecretId ?? "");
    if (secret.deletedDate) throw awsError("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.");
    const version = input.VersionId ? secret.versions.find((v) => v.id === input.VersionId) : secret.versions.find((v) => v.stages.includes("AWSCURRENT"));
    if (!version) throw awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId");
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id, SecretString: version.string, SecretBinary: version.binary };
  }

  async deleteSecret(input: DeleteSecretRequest): Promise<DeleteSecretResponse> {
    this.#record("DeleteSecret");
    const secret = this.#mustFind(input.SecretId ?? "");
    if (secret.deletedDate) throw awsError("InvalidRequestException", "You tried to perform the operation on a secret that's currently marked deleted.");
    if (input.ForceDeleteWithoutRecovery) {
      this.secrets.delete(secret.name);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date() };
    }
    const days = input.RecoveryWindowInDays ?? 30;
    if (days < 7 || days > 30) throw awsError("InvalidParameterException", "RecoveryWindowInDays must be between 7 and 30");
    secret.deletedDate = new Date(Date.now() + days * 86_400_000);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: secret.deletedDate };
  }

  async restoreSecret(input: RestoreSecretRequest): Promise<RestoreSecretResponse> {
    this.#record("RestoreSecret");
    const secret = this.#mustFind(input.SecretId ?? "");
    secret.deletedDate = undefined;
    return { ARN: secret.arn, Name: secret.name };
  }

  async tagResource(input: TagResourceRequest): Promise<void> {
    this.#record("TagResource");
    const secret = this.#mustFind(input.SecretId ?? "");
    for (const t of input.Tags ?? []) secret.tags[t.Key ?? ""] = t.Value ?? "";
  }

  async getResourcePolicy(input: { SecretId: string }): Promise<GetResourcePolicyResponse> {
    this.#record("GetResourcePolicy");
    const secret = this.#mustFind(input.SecretId);
    return { ARN: secret.arn, Name: secret.name, ...(secret.policy !== undefined ? { ResourcePolicy: secret.policy } : {}) };
  }

  async putResourcePolicy(input: PutResourcePolicyRequest): Promise<void> {
    this.#record("PutResourcePolicy");
    const secret = this.#mustFind(input.SecretId ?? "");
    JSON.parse(input.ResourcePolicy ?? "");
    secret.policy = input.ResourcePolicy;
  }

  async deleteResourcePolicy(input: { SecretId: string }): Promise<void> {
    this.#record("DeleteResourcePolicy");
    this.#mustFind(input.SecretId).policy = undefined;
  }

  #find(id: string): FakeWrittenSecret | undefined {
    return this.secrets.get(id) ?? [...this.secrets.values()].find((s) => s.arn === id);
  }

  #mustFind(id: string): FakeWrittenSecret {
    const secret = this.#find(id);
    if (!secret) throw awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    return secret;
  }

  #record(action: Action): void {
    this.calls[action] = (this.calls[action] ?? 0) + 1;
    const failure = this.#failures.find((f) => f.action === action && f.times > 0);
    if (failure) {
      failure.times--;
      throw failure.error;
    }
  }
}

function arnOf(name: string): string {
  return `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
}

function sameValue(version: Version, input: { SecretString?: string | undefined; SecretBinary?: Uint8Array | undefined }): boolean {
  if (input.SecretString !== undefined) return version.string === input.SecretString;
  return version.binary !== undefined && input.SecretBinary !== undefined && Buffer.from(version.binary).equals(Buffer.from(input.SecretBinary));
}

function checkSize(input: { SecretString?: string | undefined; SecretBinary?: Uint8Array | undefined }): void {
  const size = input.SecretString !== undefined ? Buffer.byteLength(input.SecretString) : (input.SecretBinary?.length ?? 0);
  if (size > MAX_BYTES) throw awsError("ValidationException", "Member must have length less than or equal to 65536");
}
