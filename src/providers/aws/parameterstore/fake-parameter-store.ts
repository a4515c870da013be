/**
 * An in-memory Parameter Store behind the ParameterStoreApi seam, for unit tests: counts calls by action,
 * keeps every request, enforces AWS's limits (10 names per GetParameters, 10 per GetParametersByPath
 * page, 50 per DescribeParameters page) and fails on demand.
 */
import type {
  DescribeParametersRequest,
  DescribeParametersResult,
  GetParameterRequest,
  GetParameterResult,
  GetParametersByPathRequest,
  GetParametersByPathResult,
  GetParametersRequest,
  GetParametersResult,
  ListTagsForResourceRequest,
  ListTagsForResourceResult,
  Parameter,
} from "@aws-sdk/client-ssm";
import { awsError } from "../fake-aws-error.ts";
import type { ParameterStoreApi } from "./api.ts";

interface FakeParameter {
  name: string;
  versions: Array<{ version: number; value: string; labels: string[] }>;
  tags: Record<string, string>;
}

type Action = "GetParameters" | "GetParameter" | "GetParametersByPath" | "DescribeParameters" | "ListTagsForResource";

export class FakeParameterStore implements ParameterStoreApi {
  readonly calls: Record<string, number> = {};
  readonly requests: Array<{ action: Action; input: unknown }> = [];
  readonly #parameters = new Map<string, FakeParameter>();
  readonly #failures: Array<{ action: Action; error: Error; times: number; when: (input: unknown) => boolean }> = [];

  put(name: string, value: string, options: { tags?: Record<string, string>; labels?: string[] } = {}): number {
    const existing = this.#parameters.get(name);
    const parameter = existing ?? { name, versions: [], tags: {} };
    const version = parameter.versions.length + 1;
    parameter.versions.push({ version, value, labels: options.labels ?? [] });
    if (options.tags) parameter.tags = options.tags;
    this.#parameters.set(name, parameter);
    return version;
  }

  fail(action: Action, error: Error, options: { times?: number; when?: (input: unknown) => boolean } = {}): void {
    this.#failures.push({ action, error, times: options.times ?? Number.POSITIVE_INFINITY, when: options.when ?? (() => true) });
  }

  get totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  async getParameters(input: GetParametersRequest): Promise<GetParametersResult> {
    this.#record("GetParameters", input);
    const names = input.Names ?? [];
    if (names.length > 10) throw awsError("ValidationException", "Names: at most 10");
    const Parameters: Parameter[] = [];
    const InvalidParameters: string[] = [];
    for (const selector of names) {
      const found = this.#resolve(selector);
      if (found) Parameters.push(found);
      else InvalidParameters.push(selector);
    }
    return { Parameters, InvalidParameters };
  }

  async getParameter(input: GetParameterRequest): Promise<GetParameterResult> {
    this.#record("GetParameter", input);
    const found = this.#resolve(input.Name ?? "");
    if (!found) throw awsError(input.Name?.includes(":") ? "ParameterVersionNotFound" : "ParameterNotFound", "not found");
    return { Parameter: found };
  }

  async getParametersByPath(input: GetParametersByPathRequest): Promise<GetParametersByPathResult> {
    this.#record("GetParametersByPath", input);
    const max = input.MaxResults ?? 10;
    if (max > 10) throw awsError("ValidationException", "MaxResults: at most 10");
    const path = (input.Path ?? "/").replace(/\/?$/, "/");
    const all = [...this.#parameters.values()].filter((p) => {
      if (!p.name.startsWith(path)) return false;
      return input.Recursive || !p.name.slice(path.length).includes("/");
    });
    const start = Number(input.NextToken ?? "0");
    return {
      Parameters: all.slice(start, start + max).map((p) => parameterOf(p, p.versions.at(-1)!)),
      ...(start + max < all.length ? { NextToken: String(start + max) } : {}),
    };
  }

  async describeParameters(input: DescribeParametersRequest): Promise<DescribeParametersResult> {
    this.#record("DescribeParameters", input);
    const max = input.MaxResults ?? 50;
    if (max > 50) throw awsError("ValidationException", "MaxResults: at most 50");
    const all = [...this.#parameters.values()].filter((p) =>
      (input.ParameterFilters ?? []).every((f) => {
        if (f.Key?.startsWith("tag:")) return (f.Values ?? []).includes(p.tags[f.Key.slice(4)] ?? "\u0000");
        if (f.Key === "Path") return (f.Values ?? []).some((v) => p.name.startsWith(v.replace(/\/?$/, "/")));
        return false;
      }),
    );
    const start = Number(input.NextToken ?? "0");
    return {
      Parameters: all.slice(start, start + max).map((p) => ({ Name: p.name, Version: p.versions.length })),
      ...(start + max < all.length ? { NextToken: String(start + max) } : {}),
    };
  }

  async listTagsForResource(input: ListTagsForResourceRequest): Promise<ListTagsForResourceResult> {
    this.#record("ListTagsForResource", input);
    const parameter = this.#parameters.get(input.ResourceId ?? "");
    if (!parameter) throw awsError("InvalidResourceId", "Invalid Resource Id");
    return { TagList: Object.entries(parameter.tags).map(([Key, Value]) => ({ Key, Value })) };
  }

  #resolve(selector: string): Parameter | undefined {
    const colon = selector.lastIndexOf(":");
    const [name, version] = colon > 0 && !selector.startsWith("arn:") ? [selector.slice(0, colon), selector.slice(colon + 1)] : [selector, undefined];
    const parameter = this.#parameters.get(name);
    if (!parameter) return undefined;
    if (version === undefined) return parameterOf(parameter, parameter.versions.at(-1)!);
    const v = /^\d+$/.test(version) ? parameter.versions.find((x) => x.version === Number(version)) : parameter.versions.find((x) => x.labels.includes(version));
    return v ? { ...parameterOf(parameter, v), Selector: `:${version}` } : undefined;
  }

  #record(action: Action, input: unknown): void {
    this.calls[action] = (this.calls[action] ?? 0) + 1;
    this.requests.push({ action, input });
    const failure = this.#failures.find((f) => f.action === action && f.times > 0 && f.when(input));
    if (failure) {
      failure.times--;
      throw failure.error;
    }
  }
}

function parameterOf(parameter: FakeParameter, version: { version: number; value: string }): Parameter {
  return {
    Name: parameter.name,
    ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${parameter.name.startsWith("/") ? "" : "/"}${parameter.name}`,
    Type: "SecureString",
    Value: version.value,
    Version: version.version,
  };
}
