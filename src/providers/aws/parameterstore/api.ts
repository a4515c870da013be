import {
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  ListTagsForResourceCommand,
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
  type SSMClient,
} from "@aws-sdk/client-ssm";
import type { CredentialSource } from "../auth/credentials.ts";
import { withCredentialRefresh } from "../credential-refresh.ts";

/** The SSM calls the provider reads with; a seam for counting fakes. */
export interface ParameterStoreApi {
  getParameters(input: GetParametersRequest, signal?: AbortSignal): Promise<GetParametersResult>;
  getParameter(input: GetParameterRequest, signal?: AbortSignal): Promise<GetParameterResult>;
  getParametersByPath(input: GetParametersByPathRequest, signal?: AbortSignal): Promise<GetParametersByPathResult>;
  describeParameters(input: DescribeParametersRequest, signal?: AbortSignal): Promise<DescribeParametersResult>;
  listTagsForResource(input: ListTagsForResourceRequest, signal?: AbortSignal): Promise<ListTagsForResourceResult>;
}

export function sdkParameterStoreApi(client: SSMClient, credentials: CredentialSource): ParameterStoreApi {
  const options = (signal: AbortSignal | undefined) => (signal ? { abortSignal: signal } : {});
  return {
    getParameters: (input, signal) => withCredentialRefresh(credentials, () => client.send(new GetParametersCommand(input), options(signal))),
    getParameter: (input, signal) => withCredentialRefresh(credentials, () => client.send(new GetParameterCommand(input), options(signal))),
    getParametersByPath: (input, signal) => withCredentialRefresh(credentials, () => client.send(new GetParametersByPathCommand(input), options(signal))),
    describeParameters: (input, signal) => withCredentialRefresh(credentials, () => client.send(new DescribeParametersCommand(input), options(signal))),
    listTagsForResource: (input, signal) => withCredentialRefresh(credentials, () => client.send(new ListTagsForResourceCommand(input), options(signal))),
  };
}
