import type { Parameter, ParameterStringFilter } from "@aws-sdk/client-ssm";
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
import { mapLimit, tagsAsJson } from "../batching.ts";
import { callError, describeAwsError, failsWholeCall, itemError, type Redactor } from "../errors.ts";
import type { ParameterStoreApi } from "./api.ts";

/** AWS's maximum Names per GetParameters. */
export const GET_PARAMETERS_MAX_NAMES = 10;
/** AWS's maximum MaxResults for GetParametersByPath. */
export const GET_PARAMETERS_BY_PATH_MAX_RESULTS = 10;
/** AWS's maximum MaxResults for DescribeParameters. */
export const DESCRIBE_PARAMETERS_MAX_RESULTS = 50;
const CONCURRENCY = 4;

export interface ParameterStoreSecretsClientOptions {
  api: ParameterStoreApi;
  prefix?: string | undefined;
  validate: () => Promise<ValidationResult>;
  redactor?: Redactor | undefined;
  logger?: ProviderLogger | undefined;
  storeLabel?: string | undefined;
}

/** One parameter read: `selector` is what GetParameters is asked for (`name`, `name:3` or `name:label`). */
interface ValueRead {
  name: string;
  selector: string;
  /** A version number; undefined for the latest version or a label. */
  version?: number | undefined;
}

type Outcome = (key: string) => ReadOutcome;

class GetParametersRefused extends Error {}

/**
 * Parameter Store reads, batch-first: GetParameters with up to 10 names (ESO #1193 asked for it; ESO
 * makes one GetParameter per data[] entry, not even deduplicated), decrypted; versions and labels go in
 * the same calls as `name:version` selectors. `find` pages GetParametersByPath, or DescribeParameters
 * plus GetParameters in tens for tags, never one GetParameter per parameter.
 */
export class ParameterStoreSecretsClient implements SecretsClient {
  readonly batchSize = GET_PARAMETERS_MAX_NAMES;
  readonly #api: ParameterStoreApi;
  readonly #prefix: string;
  readonly #validate: () => Promise<ValidationResult>;
  readonly #redactor: Redactor | undefined;
  readonly #logger: ProviderLogger | undefined;
  readonly #storeLabel: string;
  #getParametersRefused = false;

  constructor(options: ParameterStoreSecretsClientOptions) {
    this.#api = options.api;
    this.#prefix = options.prefix ?? "";
    this.#validate = options.validate;
    this.#redactor = options.redactor;
    this.#logger = options.logger;
    this.#storeLabel = options.storeLabel ?? "";
  }

  /** True once GetParameters was refused for this store while GetParameter worked. */
  get getParametersRefused(): boolean {
    return this.#getParametersRefused;
  }

  validate(): Promise<ValidationResult> {
    return this.#validate();
  }

  async readSecrets(ids: readonly RemoteSecretId[], signal?: AbortSignal): Promise<Map<string, ReadOutcome>> {
    const values = new Map<string, ValueRead>();
    const tags = new Set<string>();
    const plan = new Map<string, { key: string; fetch: { kind: "value"; selector: string } | { kind: "tags"; name: string } }>();
    for (const id of ids) {
      const resultKey = remoteSecretIdKey(id);
      if (plan.has(resultKey)) continue;
      const name = this.#prefix + id.key;
      if (id.metadataPolicy === "Fetch") {
        tags.add(name);
        plan.set(resultKey, { key: id.key, fetch: { kind: "tags", name } });
      } else {
        const selector = id.version ? `${name}:${id.version}` : name;
        const version = id.version && /^\d+$/.test(id.version) ? Number(id.version) : undefined;
        values.set(selector, { name, selector, version });
        plan.set(resultKey, { key: id.key, fetch: { kind: "value", selector } });
      }
    }

    const [valueOutcomes, tagOutcomes] = await Promise.all([this.#readValues([...values.values()], signal), this.#readTags([...tags], signal)]);

    const results = new Map<string, ReadOutcome>();
    for (const [resultKey, { key, fetch }] of plan) {
      const outcome = fetch.kind === "value" ? valueOutcomes.get(fetch.selector)! : tagOutcomes.get(fetch.name)!;
      results.set(resultKey, outcome(key));
    }
    return results;
  }

  async findSecrets(query: FindQuery, signal?: AbortSignal): Promise<Map<string, RemotePayload>> {
    const regexp = query.nameRegexp !== undefined ? compileGoRegexp(query.nameRegexp) : undefined;
    const path = this.#prefix + (query.path ?? "");
    const tags = Object.entries(query.tags ?? {});
    if (!regexp && !path && tags.length === 0) throw new Error("find: set name.regexp, path or tags");
    const wanted = (name: string) => name.startsWith(path) && (!regexp || regexp.matchString(name));

    if (tags.length === 0) {
      try {
        return await this.#findByPath(path || "/", wanted, signal);
      } catch (err) {
        // As ESO: without ssm:GetParametersByPath, list with DescribeParameters instead (values then in tens).
        if (!(err instanceof GetParametersRefused)) throw err;
      }
    }
    const filters: ParameterStringFilter[] = tags.map(([key, value]) => ({ Key: `tag:${key}`, Option: "Equals", Values: [value] }));
    if (path) filters.push({ Key: "Path", Option: "Recursive", Values: [path] });
    const names = await this.#describeNames(filters, wanted, signal);
    const outcomes = await this.#readValues(
      names.map((name) => ({ name, selector: name })),
      signal,
    );
    const found = new Map<string, RemotePayload>();
    for (const name of names) {
      const outcome = outcomes.get(name)!(name);
      if (outcome.ok) found.set(name, outcome.payload);
      else if (!(outcome.error instanceof NoSecretError)) throw outcome.error;
    }
    return found;
  }

  /** Values by selector. */
  async #readValues(reads: readonly ValueRead[], signal: AbortSignal | undefined): Promise<Map<string, Outcome>> {
    const outcomes = new Map<string, Outcome>();
    await mapLimit(packBySelector(reads, GET_PARAMETERS_MAX_NAMES), CONCURRENCY, async (batch) => {
      const batchOutcomes = this.#getParametersRefused ? await this.#getEach(batch, signal) : await this.#getBatch(batch, signal);
      for (const [selector, outcome] of batchOutcomes) outcomes.set(selector, outcome);
    });
    return outcomes;
  }

  /**
   * One GetParameters. Results are matched back by name (or ARN) and version number; AWS also returns the
   * `Selector`, emulators (moto) do not, so a batch holds at most one unnumbered read (latest or a label)
   * per name (see packBySelector) and that read takes the result no numbered read claims.
   */
  async #getBatch(batch: readonly ValueRead[], signal: AbortSignal | undefined): Promise<Map<string, Outcome>> {
    let parameters: Parameter[];
    let invalid: Set<string>;
    try {
      const response = await this.#api.getParameters({ Names: batch.map((r) => r.selector), WithDecryption: true }, signal);
      parameters = response.Parameters ?? [];
      invalid = new Set(response.InvalidParameters ?? []);
    } catch (err) {
      const info = describeAwsError(err, this.#redactor);
      if (signal?.aborted) throw err;
      if (info.kind === "invalid-request") return this.#getEach(batch, signal);
      if (info.kind !== "access-denied") throw callError(err, "GetParameters", this.#redactor);
      // Denied as a whole: either the policy lacks ssm:GetParameters (only ssm:GetParameter) or one of the
      // names is off limits. Reading one by one tells which, and isolates a denied name either way.
      const each = await this.#getEach(batch, signal);
      const denied = [...each.values()].some((outcome) => {
        const o = outcome("");
        return !o.ok && o.error.name === "AccessDeniedError";
      });
      if (!denied && !this.#getParametersRefused) {
        this.#getParametersRefused = true;
        this.#logger?.warn(
          { store: this.#storeLabel, code: info.code },
          "ssm:GetParameters is denied while ssm:GetParameter is allowed; reading one GetParameter per parameter, which costs up to 10x more calls",
        );
      }
      return each;
    }
    const outcomes = new Map<string, Outcome>();
    for (const read of batch) {
      const parameter = matchParameter(read, batch, parameters);
      if (parameter) outcomes.set(read.selector, valueOutcome(parameter));
      else if (invalid.has(read.selector)) outcomes.set(read.selector, notFound(read));
      else outcomes.set(read.selector, (await this.#getEach([read], signal)).get(read.selector)!);
    }
    return outcomes;
  }

  async #getEach(reads: readonly ValueRead[], signal: AbortSignal | undefined): Promise<Map<string, Outcome>> {
    const outcomes = new Map<string, Outcome>();
    await mapLimit(reads, CONCURRENCY, async (read) => {
      try {
        const response = await this.#api.getParameter({ Name: read.selector, WithDecryption: true }, signal);
        outcomes.set(read.selector, response.Parameter ? valueOutcome(response.Parameter) : notFound(read));
      } catch (err) {
        outcomes.set(read.selector, this.#perParameterFailure(err, `parameter "${read.selector}"`));
      }
    });
    return outcomes;
  }

  async #readTags(names: readonly string[], signal: AbortSignal | undefined): Promise<Map<string, Outcome>> {
    const outcomes = new Map<string, Outcome>();
    await mapLimit(names, CONCURRENCY, async (name) => {
      try {
        const response = await this.#api.listTagsForResource({ ResourceType: "Parameter", ResourceId: name }, signal);
        const payload: RemotePayload = { value: tagsAsJson(response.TagList ?? []), binary: false };
        outcomes.set(name, () => ({ ok: true, payload }));
      } catch (err) {
        outcomes.set(name, this.#perParameterFailure(err, `parameter "${name}"`));
      }
    });
    return outcomes;
  }

  #perParameterFailure(err: unknown, subject: string): Outcome {
    const info = describeAwsError(err, this.#redactor);
    if (failsWholeCall(info.kind)) throw callError(err, subject, this.#redactor);
    return (key) => ({ ok: false, error: itemError(err, key, subject, this.#redactor) });
  }

  async #findByPath(path: string, wanted: (name: string) => boolean, signal: AbortSignal | undefined): Promise<Map<string, RemotePayload>> {
    const found = new Map<string, RemotePayload>();
    let nextToken: string | undefined;
    do {
      const page = await this.#api
        .getParametersByPath(
          { Path: path, Recursive: true, WithDecryption: true, MaxResults: GET_PARAMETERS_BY_PATH_MAX_RESULTS, ...(nextToken ? { NextToken: nextToken } : {}) },
          signal,
        )
        .catch((err: unknown) => {
          if (describeAwsError(err).kind === "access-denied" && !signal?.aborted) throw new GetParametersRefused();
          throw callError(err, `GetParametersByPath "${path}"`, this.#redactor);
        });
      for (const parameter of page.Parameters ?? []) {
        if (parameter.Name && wanted(parameter.Name)) found.set(parameter.Name, payloadOf(parameter));
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return found;
  }

  async #describeNames(filters: ParameterStringFilter[], wanted: (name: string) => boolean, signal: AbortSignal | undefined): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#api
        .describeParameters(
          { MaxResults: DESCRIBE_PARAMETERS_MAX_RESULTS, ...(filters.length > 0 ? { ParameterFilters: filters } : {}), ...(nextToken ? { NextToken: nextToken } : {}) },
          signal,
        )
        .catch((err: unknown) => {
          throw callError(err, "DescribeParameters", this.#redactor);
        });
      for (const p of page.Parameters ?? []) if (p.Name && wanted(p.Name)) names.push(p.Name);
      nextToken = page.NextToken;
    } while (nextToken);
    return names;
  }
}

/**
 * Batches of at most `size` reads, first fit, in which a name has any number of numbered versions but at
 * most one unnumbered read (latest or a label), so every result maps back without `Selector`. The usual
 * case (no versions) packs densely.
 */
export function packBySelector(reads: readonly ValueRead[], size: number): ValueRead[][] {
  const batches: Array<{ reads: ValueRead[]; unnumbered: Set<string> }> = [];
  for (const read of reads) {
    const numbered = read.version !== undefined;
    let batch = batches.find((b) => b.reads.length < size && (numbered || !b.unnumbered.has(read.name)));
    if (!batch) {
      batch = { reads: [], unnumbered: new Set() };
      batches.push(batch);
    }
    batch.reads.push(read);
    if (!numbered) batch.unnumbered.add(read.name);
  }
  return batches.map((b) => b.reads);
}

export function matchParameter(read: ValueRead, batch: readonly ValueRead[], parameters: readonly Parameter[]): Parameter | undefined {
  const candidates = parameters.filter((p) => p.Name === read.name || p.ARN === read.name);
  if (read.version !== undefined) return candidates.find((p) => p.Version === read.version);
  const selector = read.selector.slice(read.name.length);
  const bySelector = candidates.find((p) => p.Selector !== undefined && p.Selector === selector);
  if (bySelector) return bySelector;
  // No Selector in the response (moto): the result no numbered read of this batch asked for, else any (same content).
  const claimed = new Set(batch.filter((r) => r.name === read.name && r.version !== undefined).map((r) => r.version));
  const unnumbered = candidates.filter((p) => p.Selector === undefined || p.Selector === "");
  const pool = unnumbered.length > 0 ? unnumbered : candidates;
  return pool.find((p) => !claimed.has(p.Version)) ?? pool[0];
}

function payloadOf(parameter: Parameter): RemotePayload {
  return {
    value: new TextEncoder().encode(parameter.Value ?? ""),
    binary: false,
    versionId: parameter.Version !== undefined ? String(parameter.Version) : undefined,
  };
}

function valueOutcome(parameter: Parameter): Outcome {
  const payload = payloadOf(parameter);
  return () => ({ ok: true, payload });
}

function notFound(read: ValueRead): Outcome {
  return (key) => ({ ok: false, error: new NoSecretError(key, `parameter "${read.selector}" not found`) });
}
