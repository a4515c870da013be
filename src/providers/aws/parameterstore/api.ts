import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  type AddTagsToResourceRequest,
  type DeleteParameterRequest,
  type DescribeParametersRequest,
  type DescribeParametersResult,
  type GetParameterRequest,
  type GetParameterResult,
  type GetParametersByPathRequest,
  type GetParametersByPathResult,
  type GetParametersRequest,
  type GetParametersResult,
  type ListTagsForResourceRequest,
  type ListTagsForResourceResult,
  type PutParameterRequest,
  type PutParameterResult,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import type { CredentialSource } from "../auth/credentials.ts";
import { withCredentialRefresh } from "../credential-refresh.ts";
import { createSsmClient, type SdkClientOptions } from "../sdk-clients.ts";
import type { Disposables } from "../store-cache.ts";

/** The SSM calls the provider reads with; a seam for counting fakes. */
export interface ParameterStoreApi {
  getParameters(input: GetParametersRequest, signal?: AbortSignal): Promise<GetParametersResult>;
  getParameter(input: GetParameterRequest, signal?: AbortSignal): Promise<GetParameterResult>;
  getParametersByPath(input: GetParametersByPathRequest, signal?: AbortSignal): Promise<GetParametersByPathResult>;
  describeParameters(input: DescribeParametersRequest, signal?: AbortSignal): Promise<DescribeParametersResult>;
  listTagsForResource(input: ListTagsForResourceRequest, signal?: AbortSignal): Promise<ListTagsForResourceResult>;
}

/** The SSM calls the Parameter Store writer makes (reads for ownership and comparison included); a seam for counting fakes. */
export interface ParameterStoreWriteApi extends Pick<ParameterStoreApi, "getParameter" | "listTagsForResource"> {
  putParameter(input: PutParameterRequest, signal?: AbortSignal): Promise<PutParameterResult>;
  addTagsToResource(input: AddTagsToResourceRequest, signal?: AbortSignal): Promise<void>;
  deleteParameter(input: DeleteParameterRequest, signal?: AbortSignal): Promise<void>;
}

/** Every SSM call Ferry makes, on one client: each with the caller's abort signal and one retry with fresh credentials when AWS rejects them. */
export function sdkParameterStoreApi(client: Pick<SSMClient, "send">, credentials: CredentialSource): ParameterStoreApi & ParameterStoreWriteApi {
  const options = (signal: AbortSignal | undefined) => (signal ? { abortSignal: signal } : {});
  const call = <T>(send: () => Promise<T>) => withCredentialRefresh(credentials, send);
  return {
    getParameters: (input, signal) => call(() => client.send(new GetParametersCommand(input), options(signal))),
    getParameter: (input, signal) => call(() => client.send(new GetParameterCommand(input), options(signal))),
    getParametersByPath: (input, signal) => call(() => client.send(new GetParametersByPathCommand(input), options(signal))),
    describeParameters: (input, signal) => call(() => client.send(new DescribeParametersCommand(input), options(signal))),
    listTagsForResource: (input, signal) => call(() => client.send(new ListTagsForResourceCommand(input), options(signal))),
    putParameter: (input, signal) => call(() => client.send(new PutParameterCommand(input), options(signal))),
    addTagsToResource: async (input, signal) => {
      await call(() => client.send(new AddTagsToResourceCommand(input), options(signal)));
    },
    deleteParameter: async (input, signal) => {
      await call(() => client.send(new DeleteParameterCommand(input), options(signal)));
    },
  };
}

/**
 * The SSM client of one store (released with its cache entry through `dispose`) behind both seams: the
 * provider reads through it and the PushSecret writer writes through it, built the same way.
 */
export function sdkParameterStoreFor(options: SdkClientOptions, credentials: CredentialSource, dispose: Disposables): ParameterStoreApi & ParameterStoreWriteApi {
  const client = createSsmClient(options, credentials);
  dispose.push(client);
  return sdkParameterStoreApi(client, credentials);
}
