import type { Tag } from "@aws-sdk/client-ssm";
import { callError, describeAwsError, type Redactor } from "../errors.ts";
import { checkOwner } from "../ownership.ts";
import type { ParameterStoreWriteApi } from "./api.ts";

export interface PutParameterRequest {
  /** The parameter name without the store's prefix (the writer applies it). */
  remoteKey: string;
  value: string;
  type: "String" | "StringList" | "SecureString";
  /** SecureString only. */
  kmsKeyId?: string | undefined;
  tier: "Standard" | "Advanced" | "Intelligent-Tiering";
  /** Advanced tier only (raw JSON), as ESO. */
  policies?: string | undefined;
  description: string;
  /** Set on creation and kept up to date on later writes. */
  tags: Readonly<Record<string, string>>;
  /** An existing parameter is written only when it carries every one of these tags with these values. */
  ownerTags: Readonly<Record<string, string>>;
  /** Create only: an existing parameter, whoever owns it, is left as it is (ESO updatePolicy IfNotExists). */
  createOnly?: boolean | undefined;
}

export interface ParameterWriteResult {
  outcome: "created" | "updated" | "unchanged" | "exists";
  calls: string[];
}

export interface DeleteParameterResult {
  outcome: "deleted" | "not-found" | "not-managed";
  calls: string[];
}

export interface ParameterStoreWriterOptions {
  api: ParameterStoreWriteApi;
  prefix?: string | undefined;
  redactor?: Redactor | undefined;
}

/**
 * Parameter Store writes as ESO's provider makes them (providers/v1/aws/parameterstore PushSecret and
 * DeleteSecret): GetParameter with decryption; a new parameter is one PutParameter with its tags; an
 * existing one must carry the owner tags (ListTagsForResource), is left alone when its value is already the
 * new one, and otherwise gets PutParameter(Overwrite) and the tags that changed. Deletion touches only a
 * parameter we own. Unlike ESO, tags someone else added are not removed.
 */
export class ParameterStoreWriter {
  readonly #api: ParameterStoreWriteApi;
  readonly #prefix: string;
  readonly #redactor: Redactor | undefined;

  constructor(options: ParameterStoreWriterOptions) {
    this.#api = options.api;
    this.#prefix = options.prefix ?? "";
    this.#redactor = options.redactor;
  }

  async putParameter(request: PutParameterRequest, signal?: AbortSignal): Promise<ParameterWriteResult> {
    const name = this.#prefix + request.remoteKey;
    const calls = ["GetParameter"];
    const existing = await this.#get(name, signal);
    const base = {
      Name: name,
      Value: request.value,
      Type: request.type,
      Description: request.description,
      ...(request.type === "SecureString" && request.kmsKeyId ? { KeyId: request.kmsKeyId } : {}),
      ...(request.tier === "Advanced" ? { Tier: request.tier, ...(request.policies ? { Policies: request.policies } : {}) } : {}),
    };
    if (existing === undefined) {
      calls.push("PutParameter");
      await this.#api.putParameter({ ...base, Overwrite: false, Tags: toTags(request.tags) }, signal).catch((err: unknown) => {
        throw callError(err, `PutParameter "${name}"`, this.#redactor);
      });
      return { outcome: "created", calls };
    }
    if (request.createOnly) return { outcome: "exists", calls };
    calls.push("ListTagsForResource");
    const tags = await this.#tags(name, signal);
    checkOwner(`parameter "${name}"`, tags, request.ownerTags);
    if (existing === request.value) return { outcome: "unchanged", calls };
    calls.push("PutParameter");
    await this.#api.putParameter({ ...base, Overwrite: true }, signal).catch((err: unknown) => {
      throw callError(err, `PutParameter "${name}"`, this.#redactor);
    });
    const current = new Map(tags.map((t) => [t.Key ?? "", t.Value ?? ""]));
    const stale = Object.entries(request.tags).filter(([k, v]) => current.get(k) !== v);
    if (stale.length > 0) {
      calls.push("AddTagsToResource");
      await this.#api
        .addTagsToResource({ ResourceType: "Parameter", ResourceId: name, Tags: stale.map(([Key, Value]) => ({ Key, Value })) }, signal)
        .catch((err: unknown) => {
          throw callError(err, `AddTagsToResource "${name}"`, this.#redactor);
        });
    }
    return { outcome: "updated", calls };
  }

  async deleteParameter(remoteKey: string, ownerTags: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<DeleteParameterResult> {
    const name = this.#prefix + remoteKey;
    const calls = ["GetParameter"];
    if ((await this.#get(name, signal)) === undefined) return { outcome: "not-found", calls };
    calls.push("ListTagsForResource");
    const tags = await this.#tags(name, signal);
    try {
      checkOwner(`parameter "${name}"`, tags, ownerTags);
    } catch {
      // ESO: a parameter that is not ours is, for this PushSecret, already gone.
      return { outcome: "not-managed", calls };
    }
    calls.push("DeleteParameter");
    await this.#api.deleteParameter({ Name: name }, signal).catch((err: unknown) => {
      if (describeAwsError(err).kind === "not-found") return;
      throw callError(err, `DeleteParameter "${name}"`, this.#redactor);
    });
    return { outcome: "deleted", calls };
  }

  /** The current value (decrypted), or undefined when the parameter does not exist. */
  async #get(name: string, signal: AbortSignal | undefined): Promise<string | undefined> {
    try {
      const out = await this.#api.getParameter({ Name: name, WithDecryption: true }, signal);
      return out.Parameter?.Value ?? "";
    } catch (err) {
      if (describeAwsError(err).kind === "not-found") return undefined;
      throw callError(err, `GetParameter "${name}"`, this.#redactor);
    }
  }

  async #tags(name: string, signal: AbortSignal | undefined): Promise<Tag[]> {
    const out = await this.#api.listTagsForResource({ ResourceType: "Parameter", ResourceId: name }, signal).catch((err: unknown) => {
      throw callError(err, `ListTagsForResource "${name}"`, this.#redactor);
    });
    return out.TagList ?? [];
  }
}

function toTags(tags: Readonly<Record<string, string>>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}
