/**
 * An in-memory Secrets Manager behind the SecretsManagerApi seam, for unit tests: it counts calls by action
 * (as ESO's fake packages and expectedCounter), keeps every request, enforces AWS's limits (20 ids per
 * BatchGetSecretValue) and fails on demand.
 */
import type {
  BatchGetSecretValueRequest,
  BatchGetSecretValueResponse,
  DescribeSecretRequest,
  DescribeSecretResponse,
  Filter,
  GetSecretValueRequest,
  GetSecretValueResponse,
  ListSecretsRequest,
  ListSecretsResponse,
  SecretValueEntry,
} from "@aws-sdk/client-secrets-manager";
import { awsError } from "../fake-aws-error.ts";
import type { SecretsManagerApi } from "./api.ts";

export interface FakeSecretVersion {
  id: string;
  stages: string[];
  string?: string;
  binary?: Uint8Array;
}

interface FakeSecret {
  name: string;
  arn: string;
  versions: FakeSecretVersion[];
  tags: Record<string, string>;
  deleted: boolean;
}

type Action = "BatchGetSecretValue" | "GetSecretValue" | "DescribeSecret" | "ListSecrets";

export class FakeSecretsManager implements SecretsManagerApi {
  readonly calls: Record<string, number> = {};
  readonly requests: Array<{ action: Action; input: unknown }> = [];
  readonly #secrets = new Map<string, FakeSecret>();
  readonly #failures: Array<{ action: Action; error: Error; times: number }> = [];
  #versionCounter = 0;

  add(name: string, value: { string?: string; binary?: Uint8Array; tags?: Record<string, string> } = {}): string {
    const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-${randomSuffix(name)}`;
    const version: FakeSecretVersion = { id: this.#nextVersionId(), stages: ["AWSCURRENT"] };
    if (value.binary !== undefined) version.binary = value.binary;
    else version.string = value.string ?? `value-of-${name}`;
    this.#secrets.set(name, { name, arn, versions: [version], tags: value.tags ?? {}, deleted: false });
    return arn;
  }

  /** A new AWSCURRENT version; the previous one becomes AWSPREVIOUS. */
  put(name: string, string: string, extraStages: string[] = []): string {
    const secret = this.#mustGet(name);
    for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== "AWSPREVIOUS" && !extraStages.includes(s));
    for (const v of secret.versions) v.stages = v.stages.map((s) => (s === "AWSCURRENT" ? "AWSPREVIOUS" : s));
    const id = this.#nextVersionId();
    secret.versions.push({ id, stages: ["AWSCURRENT", ...extraStages], string });
    return id;
  }

  markDeleted(name: string): void {
    this.#mustGet(name).deleted = true;
  }

  /** The next `times` calls of `action` fail with `error`. */
  fail(action: Action, error: Error, times = Number.POSITIVE_INFINITY): void {
    this.#failures.push({ action, error, times });
  }

  get totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  async batchGetSecretValue(input: BatchGetSecretValueRequest): Promise<BatchGetSecretValueResponse> {
    this.#record("BatchGetSecretValue", input);
    if (input.SecretIdList && input.Filters) throw awsError("InvalidParameterException", "either SecretIdList or Filters");
    if (input.SecretIdList) {
      if (input.SecretIdList.length > 20) throw awsError("ValidationException", "SecretIdList: at most 20 ids");
      const SecretValues: SecretValueEntry[] = [];
      const Errors: NonNullable<BatchGetSecretValueResponse["Errors"]> = [];
      for (const id of input.SecretIdList) {
        const secret = this.#find(id);
        if (!secret) Errors.push({ SecretId: id, ErrorCode: "ResourceNotFoundException", Message: "Secrets Manager can't find the specified secret." });
        else if (secret.deleted) Errors.push({ SecretId: id, ErrorCode: "InvalidRequestException", Message: "it was marked for deletion" });
        else SecretValues.push(entryOf(secret, currentOf(secret)));
      }
      return { SecretValues, Errors };
    }
    const max = input.MaxResults ?? 20;
    if (max > 20) throw awsError("ValidationException", "MaxResults: at most 20");
    const matching = [...this.#secrets.values()].filter((s) => !s.deleted && matches(s, input.Filters ?? []));
    const start = Number(input.NextToken ?? "0");
    const page = matching.slice(start, start + max);
    return {
      SecretValues: page.map((s) => entryOf(s, currentOf(s))),
      ...(start + max < matching.length ? { NextToken: String(start + max) } : {}),
    };
  }

  async getSecretValue(input: GetSecretValueRequest): Promise<GetSecretValueResponse> {
    this.#record("GetSecretValue", input);
    const secret = this.#find(input.SecretId ?? "");
    if (!secret) throw awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    if (secret.deleted) throw awsError("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.");
    const version = input.VersionId
      ? secret.versions.find((v) => v.id === input.VersionId)
      : secret.versions.find((v) => v.stages.includes(input.VersionStage ?? "AWSCURRENT"));
    if (!version) throw awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label");
    return entryOf(secret, version);
  }

  async describeSecret(input: DescribeSecretRequest): Promise<DescribeSecretResponse> {
    this.#record("DescribeSecret", input);
    const secret = this.#find(input.SecretId ?? "");
    if (!secret) throw awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    return {
      Name: secret.name,
      ARN: secret.arn,
      Tags: Object.entries(secret.tags).map(([Key, Value]) => ({ Key, Value })),
      ...(secret.deleted ? { DeletedDate: new Date(0) } : {}),
    };
  }

  async listSecrets(input: ListSecretsRequest): Promise<ListSecretsResponse> {
    this.#record("ListSecrets", input);
    const max = input.MaxResults ?? 100;
    const matching = [...this.#secrets.values()].filter((s) => !s.deleted && matches(s, input.Filters ?? []));
    const start = Number(input.NextToken ?? "0");
    return {
      SecretList: matching.slice(start, start + max).map((s) => ({ Name: s.name, ARN: s.arn, Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })) })),
      ...(start + max < matching.length ? { NextToken: String(start + max) } : {}),
    };
  }

  #record(action: Action, input: unknown): void {
    this.calls[action] = (this.calls[action] ?? 0) + 1;
    this.requests.push({ action, input });
    const failure = this.#failures.find((f) => f.action === action && f.times > 0);
    if (failure) {
      failure.times--;
      throw failure.error;
    }
  }

  #find(id: string): FakeSecret | undefined {
    for (const s of this.#secrets.values()) if (s.name === id || s.arn === id || (id.startsWith("arn:") && s.arn.startsWith(`${id}-`))) return s;
    return undefined;
  }

  #mustGet(name: string): FakeSecret {
    const s = this.#secrets.get(name);
    if (!s) throw new Error(`fake: no secret ${name}`);
    return s;
  }

  #nextVersionId(): string {
    return `00000000-0000-0000-0000-${String(++this.#versionCounter).padStart(12, "0")}`;
  }
}

function currentOf(secret: FakeSecret): FakeSecretVersion {
  return secret.versions.find((v) => v.stages.includes("AWSCURRENT"))!;
}

function entryOf(secret: FakeSecret, version: FakeSecretVersion): SecretValueEntry {
  return {
    Name: secret.name,
    ARN: secret.arn,
    VersionId: version.id,
    VersionStages: version.stages,
    ...(version.string !== undefined ? { SecretString: version.string } : {}),
    ...(version.binary !== undefined ? { SecretBinary: version.binary } : {}),
  };
}

/** AWS semantics: filters are ANDed; a filter's values ORed; name is a prefix match; tag-key/tag-value match independently. */
function matches(secret: FakeSecret, filters: readonly Filter[]): boolean {
  return filters.every((f) =>
    (f.Values ?? []).some((v) => {
      if (f.Key === "name") return secret.name.toLowerCase().startsWith(v.toLowerCase());
      if (f.Key === "tag-key") return v in secret.tags;
      if (f.Key === "tag-value") return Object.values(secret.tags).includes(v);
      return false;
    }),
  );
}

function randomSuffix(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h.toString(36).padStart(6, "a").slice(-6);
}
