import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  GetParameterCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  type AddTagsToResourceRequest,
  type DeleteParameterRequest,
  type GetParameterRequest,
  type GetParameterResult,
  type ListTagsForResourceRequest,
  type ListTagsForResourceResult,
  type PutParameterRequest,
  type PutParameterResult,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import type { CredentialSource } from "../auth/credentials.ts";
import { withCredentialRefresh } from "../credential-refresh.ts";

/** The SSM calls the Parameter Store writer makes (reads for ownership and comparison included); a seam for counting fakes. */
export interface ParameterStoreWriteApi {
  getParameter(input: GetParameterRequest, signal?: AbortSignal): Promise<GetParameterResult>;
  listTagsForResource(input: ListTagsForResourceRequest, signal?: AbortSignal): Promise<ListTagsForResourceResult>;
  putParameter(input: PutParameterRequest, signal?: AbortSignal): Promise<PutParameterResult>;
  addTagsToResource(input: AddTagsToResourceRequest, signal?: AbortSignal): Promise<void>;
  deleteParameter(input: DeleteParameterRequest, signal?: AbortSignal): Promise<void>;
}

export function sdkParameterStoreWriteApi(client: SSMClient, credentials: CredentialSource): ParameterStoreWriteApi {
  const options = (signal: AbortSignal | undefined) => (signal ? { abortSignal: signal } : {});
  const call = <T>(send: () => Promise<T>) => withCredentialRefresh(credentials, send);
  return {
    getParameter: (input, signal) => call(() => client.send(new GetParameterCommand(input), options(signal))),
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
