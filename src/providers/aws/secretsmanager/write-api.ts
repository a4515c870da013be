import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  type CreateSecretRequest,
  type CreateSecretResponse,
  type DeleteSecretRequest,
  type DeleteSecretResponse,
  type DescribeSecretRequest,
  type DescribeSecretResponse,
  type GetSecretValueRequest,
  type GetSecretValueResponse,
  type GetResourcePolicyResponse,
  type PutResourcePolicyRequest,
  type PutSecretValueRequest,
  type PutSecretValueResponse,
  type RestoreSecretRequest,
  type RestoreSecretResponse,
  type SecretsManagerClient,
  type TagResourceRequest,
} from "@aws-sdk/client-secrets-manager";
import type { CredentialSource } from "../auth/credentials.ts";
import { withCredentialRefresh } from "../credential-refresh.ts";

/**
 * The Secrets Manager calls the writer makes; a seam for the counting fake. Reads that a write needs
 * (DescribeSecret for ownership, GetSecretValue to merge a partial update) are here too, so a writer is
 * self-contained and its calls are counted in one place.
 */
export interface SecretsManagerWriteApi {
  createSecret(input: CreateSecretRequest, signal?: AbortSignal): Promise<CreateSecretResponse>;
  putSecretValue(input: PutSecretValueRequest, signal?: AbortSignal): Promise<PutSecretValueResponse>;
  describeSecret(input: DescribeSecretRequest, signal?: AbortSignal): Promise<DescribeSecretResponse>;
  getSecretValue(input: GetSecretValueRequest, signal?: AbortSignal): Promise<GetSecretValueResponse>;
  deleteSecret(input: DeleteSecretRequest, signal?: AbortSignal): Promise<DeleteSecretResponse>;
  restoreSecret(input: RestoreSecretRequest, signal?: AbortSignal): Promise<RestoreSecretResponse>;
  tagResource(input: TagResourceRequest, signal?: AbortSignal): Promise<void>;
  /** PushSecret metadata `resourcePolicy` (ESO's provider manages the secret's resource policy). */
  getResourcePolicy(input: { SecretId: string }, signal?: AbortSignal): Promise<GetResourcePolicyResponse>;
  putResourcePolicy(input: PutResourcePolicyRequest, signal?: AbortSignal): Promise<void>;
  deleteResourcePolicy(input: { SecretId: string }, signal?: AbortSignal): Promise<void>;
}

/** The write calls over the same SDK client the reader uses (createSecretsManagerClient), with credential refresh. */
export function sdkSecretsManagerWriteApi(client: SecretsManagerClient, credentials: CredentialSource): SecretsManagerWriteApi {
  const options = (signal: AbortSignal | undefined) => (signal ? { abortSignal: signal } : {});
  const call = <T>(send: () => Promise<T>) => withCredentialRefresh(credentials, send);
  return {
    createSecret: (input, signal) => call(() => client.send(new CreateSecretCommand(input), options(signal))),
    putSecretValue: (input, signal) => call(() => client.send(new PutSecretValueCommand(input), options(signal))),
    describeSecret: (input, signal) => call(() => client.send(new DescribeSecretCommand(input), options(signal))),
    getSecretValue: (input, signal) => call(() => client.send(new GetSecretValueCommand(input), options(signal))),
    deleteSecret: (input, signal) => call(() => client.send(new DeleteSecretCommand(input), options(signal))),
    restoreSecret: (input, signal) => call(() => client.send(new RestoreSecretCommand(input), options(signal))),
    tagResource: async (input, signal) => {
      await call(() => client.send(new TagResourceCommand(input), options(signal)));
    },
    getResourcePolicy: (input, signal) => call(() => client.send(new GetResourcePolicyCommand(input), options(signal))),
    putResourcePolicy: async (input, signal) => {
      await call(() => client.send(new PutResourcePolicyCommand(input), options(signal)));
    },
    deleteResourcePolicy: async (input, signal) => {
      await call(() => client.send(new DeleteResourcePolicyCommand(input), options(signal)));
    },
  };
}
