import {
  BatchGetSecretValueCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  type BatchGetSecretValueRequest,
  type BatchGetSecretValueResponse,
  type DescribeSecretRequest,
  type DescribeSecretResponse,
  type GetSecretValueRequest,
  type GetSecretValueResponse,
  type ListSecretsRequest,
  type ListSecretsResponse,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { CredentialSource } from "../auth/credentials.ts";
import { withCredentialRefresh } from "../credential-refresh.ts";

/** The Secrets Manager calls the provider reads with; a seam for counting fakes (as ESO's fake/ packages). */
export interface SecretsManagerApi {
  batchGetSecretValue(input: BatchGetSecretValueRequest, signal?: AbortSignal): Promise<BatchGetSecretValueResponse>;
  getSecretValue(input: GetSecretValueRequest, signal?: AbortSignal): Promise<GetSecretValueResponse>;
  describeSecret(input: DescribeSecretRequest, signal?: AbortSignal): Promise<DescribeSecretResponse>;
  listSecrets(input: ListSecretsRequest, signal?: AbortSignal): Promise<ListSecretsResponse>;
}

export function sdkSecretsManagerApi(client: SecretsManagerClient, credentials: CredentialSource): SecretsManagerApi {
  const options = (signal: AbortSignal | undefined) => (signal ? { abortSignal: signal } : {});
  return {
    batchGetSecretValue: (input, signal) => withCredentialRefresh(credentials, () => client.send(new BatchGetSecretValueCommand(input), options(signal))),
    getSecretValue: (input, signal) => withCredentialRefresh(credentials, () => client.send(new GetSecretValueCommand(input), options(signal))),
    describeSecret: (input, signal) => withCredentialRefresh(credentials, () => client.send(new DescribeSecretCommand(input), options(signal))),
    listSecrets: (input, signal) => withCredentialRefresh(credentials, () => client.send(new ListSecretsCommand(input), options(signal))),
  };
}
