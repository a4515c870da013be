import type { Filter, SecretValueEntry } from "@aws-sdk/client-secrets-manager";
import {
  NoSecretError,
  remoteSecretIdKey,
  type FindQuery,
  type ProviderLogger,
  type ReadOutcome,
  type RemotePayload,
  type RemoteSecretId,
  type SecretsClient,
  type ValidationResult,
} from "../../provider.ts";
import { compileGoRegexp } from "../../../lib/goregexp/index.ts";
import { chunk, mapLimit, tagsAsJson } from "../batching.ts";
import { callError, describeAwsError, failsWholeCall, itemError, type Redactor } from "../errors.ts";
import type { SecretsManagerApi } from "./api.ts";
import { isCurrentVersion, versionSelector } from "./version.ts";

/** AWS's maximum SecretIdList length for BatchGetSecretValue. */
export const BATCH_GET_MAX_IDS = 20;
/** AWS's maximum MaxResults for BatchGetSecretValue with Filters. */
export const BATCH_GET_MAX_RESULTS = 20;
export const LIST_SECRETS_MAX_RESULTS = 100;
/** Parallel calls per readSecrets / findSecrets; the SDK's retries absorb throttling beyond that. */
const CONCURRENCY = 4;

export interface SecretsManagerSecretsClientOptions {
  api: SecretsManagerApi;
  /** `spec.provider.aws.prefix`, prepended to every key. */
  prefix?: string | undefined;
  validate: () => Promise<ValidationResult>;
  redactor?: Redactor | undefined;
  logger?: ProviderLogger | undefined;
  /** For log lines: which store this client belongs to. */
  storeLabel?: string | undefined;
}

type Fetch =
  | { kind: "current"; remote: string }
  | { kind: "versioned"; remote: string; version: string }
  | { kind: "tags"; remote: string };

/** A BatchGetSecretValue call refused as a whole (IAM: it needs `Resource: "*"`), not per secret. */
class BatchRefused extends Error {}

/**
 * Secrets Manager reads, batch-first (ESO #2902). Reads of AWSCURRENT go out as BatchGetSecretValue with
 * up to 20 ids per call; versioned reads use GetSecretValue and metadataPolicy Fetch uses DescribeSecret,
 * one call per distinct secret, as ESO. If BatchGetSecretValue is denied (the IAM gotcha: it needs
 * `Resource: "*"`, aws-ia/terraform-aws-eks-blueprints-addons #475), the client falls back to
 * GetSecretValue per secret and remembers that, so users without the permission keep working.
 */
export class SecretsManagerSecretsClient implements SecretsClient {
  readonly batchSize = BATCH_GET_MAX_IDS;
  readonly #api: SecretsManagerApi;
  readonly #prefix: string;
  readonly #validate: () => Promise<ValidationResult>;
  readonly #redactor: Redactor | undefined;
  readonly #logger: ProviderLogger | undefined;
  readonly #storeLabel: string;
  #batchRefused = false;

  constructor(options: SecretsManagerSecretsClientOptions) {
    this.#api = options.api;
    this.#prefix = options.prefix ?? "";
    this.#validate = options.validate;
    this.#redactor = options.redactor;
    this.#logger = options.logger;
    this.#storeLabel = options.storeLabel ?? "";
  }

  /** True once BatchGetSecretValue was refused for this store: reads then cost one call per secret. */
  get batchGetRefused(): boolean {
    return this.#batchRefused;
  }

  validate(): Promise<ValidationResult> {
    return this.#validate();
  }

  async readSecrets(ids: readonly RemoteSecretId[], signal?: AbortSignal): Promise<Map<string, ReadOutcome>> {
    const fetches = new Map<string, Fetch>();
    const fetchOf = new Map<string, { fetchKey: string; key: string }>();
    for (const id of ids) {
      const resultKey = remoteSecretIdKey(id);
      if (fetchOf.has(resultKey)) continue;
      const remote = this.#prefix + id.key;
      const fetch: Fetch =
        id.metadataPolicy === "Fetch"
          ? { kind: "tags", remote }
          : isCurrentVersion(id.version)
            ? { kind: "current", remote }
            : { kind: "versioned", remote, version: id.version! };
      const fetchKey = JSON.stringify([fetch.kind, remote, fetch.kind === "versioned" ? fetch.version : ""]);
      fetches.set(fetchKey, fetch);
      fetchOf.set(resultKey, { fetchKey, key: id.key });
    }

    const outcomes = new Map<string, (key: string) => ReadOutcome>();
    const all = [...fetches];
    const current = all.filter(([, f]) => f.kind === "current").map(([fetchKey, f]) => ({ fetchKey, remote: f.remote }));
    const single = all.filter(([, f]) => f.kind !== "current");
    const [currentOutcomes] = await Promise.all([
      this.#readCurrent(
        current.map((c) => c.remote),
        signal,
      ),
      mapLimit(single, CONCURRENCY, async ([fetchKey, f]) => {
        const version = f.kind === "versioned" ? f.version : undefined;
        outcomes.set(fetchKey, f.kind === "tags" ? await this.#readTags(f.remote, signal) : await this.#getOne(f.remote, version, signal));
      }),
    ]);
    for (const c of current) outcomes.set(c.fetchKey, currentOutcomes.get(c.remote)!);

    const results = new Map<string, ReadOutcome>();
    for (const [resultKey, { fetchKey, key }] of fetchOf) results.set(resultKey, outcomes.get(fetchKey)!(key));
    return results;
  }

  async findSecrets(query: FindQuery, signal?: AbortSignal): Promise<Map<string, RemotePayload>> {
    const regexp = query.nameRegexp !== undefined ? compileGoRegexp(query.nameRegexp) : undefined;
    const path = this.#prefix + (query.path ?? "");
    const tags = Object.entries(query.tags ?? {});
    if (!regexp && !path && tags.length === 0) throw new Error("find: set name.regexp, path or tags");

    const filters: Filter[] = [];
    if (path) filters.push({ Key: "name", Values: [path] });
    // AWS matches tag-key and tag-value filters independently, not as pairs (as ESO, see ESO PR #4903).
    for (const [key, value] of tags) filters.push({ Key: "tag-key", Values: [key] }, { Key: "tag-value", Values: [value] });
    // The name filter is a prefix match on words and ignores case; `path` is a plain prefix.
    const wanted = (name: string) => name.startsWith(path) && (!regexp || regexp.matchString(name));

    if (filters.length > 0 && !this.#batchRefused) {
      try {
        return await this.#findWithBatchFilters(filters, wanted, signal);
      } catch (err) {
        if (!(err instanceof BatchRefused)) throw err;
      }
    }

    // A regexp alone has no server-side filter (BatchGetSecretValue needs one): list names, then read the
    // matches in batches of 20 (ESO reads them one GetSecretValue each).
    const names = await this.#listNames(filters, wanted, signal);
    const outcomes = await this.#readCurrent(names, signal);
    const found = new Map<string, RemotePayload>();
    for (const name of names) {
      const outcome = outcomes.get(name)!(name);
      if (outcome.ok) found.set(name, outcome.payload);
      else if (!(outcome.error instanceof NoSecretError)) throw outcome.error;
    }
    return found;
  }

  /** AWSCURRENT values of `remotes`, by remote name; each outcome is built for the caller's key. */
  async #readCurrent(remotes: readonly string[], signal: AbortSignal | undefined): Promise<Map<string, (key: string) => ReadOutcome>> {
    const outcomes = new Map<string, (key: string) => ReadOutcome>();
    const perSecret: string[] = [];
    if (this.#batchRefused) perSecret.push(...remotes);
    else {
      await mapLimit(chunk(remotes, BATCH_GET_MAX_IDS), CONCURRENCY, async (ids) => {
        if (this.#batchRefused) {
          perSecret.push(...ids);
          return;
        }
        try {
          const { found, unmatched } = await this.#batchGet(ids, signal);
          for (const [remote, outcome] of found) outcomes.set(remote, outcome);
          perSecret.push(...unmatched);
        } catch (err) {
          if (!(err instanceof BatchRefused)) throw err;
          perSecret.push(...ids);
        }
      });
    }
    await mapLimit(perSecret, CONCURRENCY, async (remote) => {
      outcomes.set(remote, await this.#getOne(remote, undefined, signal));
    });
    return outcomes;
  }

  /** One BatchGetSecretValue by SecretIdList. Values are matched back by name, full ARN or partial ARN. */
  async #batchGet(
    ids: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<{ found: Map<string, (key: string) => ReadOutcome>; unmatched: string[] }> {
    const values: SecretValueEntry[] = [];
    const errors = new Map<string, { code: string; message: string }>();
    let nextToken: string | undefined;
    do {
      const page = await this.#api
        .batchGetSecretValue({ SecretIdList: [...ids], ...(nextToken ? { NextToken: nextToken } : {}) }, signal)
        .catch((err: unknown) => {
          throw this.#batchFailure(err, signal);
        });
      values.push(...(page.SecretValues ?? []));
      for (const e of page.Errors ?? []) if (e.SecretId) errors.set(e.SecretId, { code: e.ErrorCode ?? "UnknownError", message: e.Message ?? "" });
      nextToken = page.NextToken;
    } while (nextToken);

    const found = new Map<string, (key: string) => ReadOutcome>();
    const unmatched: string[] = [];
    for (const id of ids) {
      const entry = values.find((v) => refersTo(id, v));
      const error = errors.get(id);
      if (entry) found.set(id, this.#valueOutcome(entry, id));
      else if (error) {
        // Shaped like the SDK's exception, so one classifier serves both.
        const asSdkError = { name: error.code, message: error.message };
        found.set(id, (key) => ({ ok: false, error: itemError(asSdkError, key, `secret "${id}"`, this.#redactor) }));
      } else unmatched.push(id);
    }
    return { found, unmatched };
  }

  #batchFailure(err: unknown, signal: AbortSignal | undefined): Error {
    if (signal?.aborted) return err instanceof Error ? err : new Error(String(err));
    const info = describeAwsError(err, this.#redactor);
    if (info.kind === "access-denied") {
      if (!this.#batchRefused) {
        this.#batchRefused = true;
        this.#logger?.warn(
          { store: this.#storeLabel, code: info.code },
          "secretsmanager:BatchGetSecretValue is denied (it needs Resource \"*\"); reading one GetSecretValue per secret, which costs up to 20x more calls",
        );
      }
      return new BatchRefused();
    }
    // One malformed id fails a whole batch: read that batch one by one so the others still sync.
    if (info.kind === "invalid-request") return new BatchRefused();
    return callError(err, "BatchGetSecretValue", this.#redactor);
  }

  async #getOne(remote: string, version: string | undefined, signal: AbortSignal | undefined): Promise<(key: string) => ReadOutcome> {
    try {
      const value = await this.#api.getSecretValue({ SecretId: remote, ...versionSelector(version) }, signal);
      return this.#valueOutcome(value, remote);
    } catch (err) {
      return this.#perSecretFailure(err, remote, version);
    }
  }

  async #readTags(remote: string, signal: AbortSignal | undefined): Promise<(key: string) => ReadOutcome> {
    try {
      const described = await this.#api.describeSecret({ SecretId: remote }, signal);
      if (described.DeletedDate) return (key) => ({ ok: false, error: new NoSecretError(key, `secret "${remote}" is scheduled for deletion`) });
      const payload: RemotePayload = { value: tagsAsJson(described.Tags ?? []), binary: false };
      return () => ({ ok: true, payload });
    } catch (err) {
      return this.#perSecretFailure(err, remote, undefined);
    }
  }

  /** Missing or denied secrets fail their own ids; throttling and rejected credentials fail the whole read. */
  #perSecretFailure(err: unknown, remote: string, version: string | undefined): (key: string) => ReadOutcome {
    const info = describeAwsError(err, this.#redactor);
    if (failsWholeCall(info.kind)) throw callError(err, `GetSecretValue "${remote}"`, this.#redactor);
    const subject = version === undefined ? `secret "${remote}"` : `secret "${remote}" version "${version}"`;
    return (key) => ({ ok: false, error: itemError(err, key, subject, this.#redactor) });
  }

  #valueOutcome(entry: { SecretString?: string | undefined; SecretBinary?: Uint8Array | undefined; VersionId?: string | undefined }, remote: string) {
    const payload = payloadOf(entry);
    if (!payload) {
      return (key: string): ReadOutcome => ({ ok: false, error: new NoSecretError(key, `secret "${remote}" has no value in the requested version`) });
    }
    return (): ReadOutcome => ({ ok: true, payload });
  }

  async #findWithBatchFilters(filters: Filter[], wanted: (name: string) => boolean, signal: AbortSignal | undefined): Promise<Map<string, RemotePayload>> {
    const found = new Map<string, RemotePayload>();
    let nextToken: string | undefined;
    do {
      const page = await this.#api
        .batchGetSecretValue({ Filters: filters, MaxResults: BATCH_GET_MAX_RESULTS, ...(nextToken ? { NextToken: nextToken } : {}) }, signal)
        .catch((err: unknown) => {
          throw this.#batchFailure(err, signal);
        });
      const failed = (page.Errors ?? []).filter((e) => e.SecretId && wanted(e.SecretId));
      if (failed.length > 0) {
        const first = failed[0]!;
        throw callError({ name: first.ErrorCode, message: first.Message }, `find: reading ${failed.length} secret(s), first "${first.SecretId}"`, this.#redactor);
      }
      for (const entry of page.SecretValues ?? []) {
        if (!entry.Name || !wanted(entry.Name)) continue;
        const payload = payloadOf(entry);
        if (payload) found.set(entry.Name, payload);
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return found;
  }

  async #listNames(filters: Filter[], wanted: (name: string) => boolean, signal: AbortSignal | undefined): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#api
        .listSecrets(
          { MaxResults: LIST_SECRETS_MAX_RESULTS, ...(filters.length > 0 ? { Filters: filters } : {}), ...(nextToken ? { NextToken: nextToken } : {}) },
          signal,
        )
        .catch((err: unknown) => {
          throw callError(err, "ListSecrets", this.#redactor);
        });
      for (const secret of page.SecretList ?? []) if (secret.Name && !secret.DeletedDate && wanted(secret.Name)) names.push(secret.Name);
      nextToken = page.NextToken;
    } while (nextToken);
    return names;
  }
}

function payloadOf(entry: { SecretString?: string | undefined; SecretBinary?: Uint8Array | undefined; VersionId?: string | undefined }): RemotePayload | undefined {
  if (entry.SecretString !== undefined) return { value: new TextEncoder().encode(entry.SecretString), binary: false, versionId: entry.VersionId };
  if (entry.SecretBinary !== undefined) return { value: entry.SecretBinary, binary: true, versionId: entry.VersionId };
  return undefined;
}

/**
 * Whether a BatchGetSecretValue entry answers the requested id: its name, its full ARN, or a partial
 * ARN (the ARN without Secrets Manager's "-" plus 6 random characters suffix).
 */
export function refersTo(id: string, entry: { Name?: string | undefined; ARN?: string | undefined }): boolean {
  if (id === entry.Name || id === entry.ARN) return true;
  return !!entry.ARN && id.startsWith("arn:") && entry.ARN.length === id.length + 7 && entry.ARN.startsWith(`${id}-`);
}
