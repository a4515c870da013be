/**
 * AWS SDK v3 clients as the provider builds them. No endpoint is ever set here: the SDK reads the standard
 * AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_ECR
 * variables itself (for STS clients too, including the one inside the default chain's web identity
 * provider), so a store (a CR) can never redirect signed requests elsewhere.
 */
import * as http from "node:http";
import * as https from "node:https";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ECRClient } from "@aws-sdk/client-ecr";
import { SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { parseDuration } from "../../apis/duration.ts";
import type { ApiCallObserver } from "../provider.ts";
import { CachedCredentials } from "./auth/cached-credentials.ts";
import { explainNonJsonResponses } from "./non-json-responses.ts";
import type { Clock, CredentialSource } from "./auth/credentials.ts";
import type { StsApi, StsFactory } from "./auth/sts.ts";
import type { RetrySettings } from "./spec.ts";

export type AwsApiProvider = "AWS/SecretsManager" | "AWS/ParameterStore" | "AWS/STS" | "AWS/SQS" | "AWS/ECR";

export interface SdkClientOptions {
  region: string;
  retrySettings?: RetrySettings | undefined;
  onApiCall?: ApiCallObserver | undefined;
  /** Connection and per-attempt deadlines; DEFAULT_AWS_TIMEOUTS when absent. */
  timeouts?: AwsTimeouts | undefined;
}

/**
 * Deadlines on every AWS request. The SDK's own defaults are none at all: a black-holed endpoint (a
 * dropped SYN, a proxy that accepts and never answers) holds the caller until the OS gives up, minutes
 * later, and every worker with it (ESO #3420 is the same hang in the Go SDK without a client timeout).
 */
export interface AwsTimeouts {
  /** TCP + TLS connection setup, per attempt. */
  connectMs: number;
  /** One attempt, from sending the request to the last byte of the response. The SDK's retries each get their own. */
  requestMs: number;
}

/** 3 s to connect (a healthy regional endpoint answers in milliseconds); 10 s per attempt (a batch of 20 values is small). */
export const DEFAULT_AWS_TIMEOUTS: AwsTimeouts = { connectMs: 3_000, requestMs: 10_000 };

/**
 * The SDK's requestHandler options for these deadlines. `throwOnRequestTimeout`: without it the SDK only
 * logs a warning when requestTimeout passes and keeps waiting.
 */
export function requestHandlerConfig(timeouts: AwsTimeouts = DEFAULT_AWS_TIMEOUTS): {
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true; httpAgent: http.Agent; httpsAgent: https.Agent };
} {
  return { requestHandler: { connectionTimeout: timeouts.connectMs, requestTimeout: timeouts.requestMs, throwOnRequestTimeout: true, ...SHARED_AGENTS } };
}

/**
 * One keep-alive connection pool for every SDK client in the process. Each store has its own SDK client
 * (its own credentials and retry settings, ADR 3), but an agent per client meant a socket pool, and TLS
 * sessions, per store to the same regional endpoints (ADR 13). A client's destroy() (a store dropped from the
 * cache) destroys its handler's agents; on a shared pool that would cut other stores' requests in flight,
 * so these ignore it and live as long as the process.
 */
class ProcessWideHttpAgent extends http.Agent {
  override destroy(): void {}
}
class ProcessWideHttpsAgent extends https.Agent {
  override destroy(): void {}
}
/** The SDK's own defaults for its agents: keep-alive, 50 sockets per endpoint. */
const SHARED_AGENTS = {
  httpAgent: new ProcessWideHttpAgent({ keepAlive: true, maxSockets: 50 }),
  httpsAgent: new ProcessWideHttpsAgent({ keepAlive: true, maxSockets: 50 }),
};

/** ESO: without retrySettings the SDK default retryer; with it, maxRetries (default 3) and a fixed retryInterval. */
const DEFAULT_MAX_RETRIES = 3;

/** The retry part of a client configuration: SDK standard mode, so throttling is retried with backoff. */
export function retryConfig(settings: RetrySettings | undefined): { maxAttempts: number; retryMode: "standard"; retryStrategy?: FixedDelayRetryStrategy } {
  if (!settings) return { maxAttempts: DEFAULT_MAX_RETRIES, retryMode: "standard" };
  const maxAttempts = Math.max(0, settings.maxRetries ?? DEFAULT_MAX_RETRIES) + 1;
  if (settings.retryInterval === undefined) return { maxAttempts, retryMode: "standard" };
  return { maxAttempts, retryMode: "standard", retryStrategy: new FixedDelayRetryStrategy(maxAttempts, parseDuration(settings.retryInterval)) };
}

interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/** `retrySettings.retryInterval`: the SDK's RetryStrategyV2 with a constant delay between attempts. */
export class FixedDelayRetryStrategy {
  readonly mode = "standard";
  readonly #maxAttempts: number;
  readonly #delayMs: number;

  constructor(maxAttempts: number, delayMs: number) {
    this.#maxAttempts = maxAttempts;
    this.#delayMs = delayMs;
  }

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, errorInfo: { errorType: string }): Promise<RetryToken> {
    const attempts = previous.getRetryCount() + 1;
    if (errorInfo.errorType === "CLIENT_ERROR" || attempts >= this.#maxAttempts) throw new Error("no more retries");
    return token(attempts, this.#delayMs);
  }

  recordSuccess(_token: RetryToken): void {}
}

function token(count: number, delay: number): RetryToken {
  return { getRetryCount: () => count, getRetryDelay: () => delay };
}

/**
 * The SDK calls this on every request. `memoized` tells the SDK not to wrap it in its own cache: the
 * chain's CachedCredentials is the one cache, so invalidation after an auth error takes effect at once.
 */
export function sdkCredentials(source: CredentialSource) {
  const provider = async () => {
    const c = await source.get();
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
      ...(c.expiration ? { expiration: c.expiration } : {}),
    };
  };
  return Object.assign(provider, { memoized: true });
}

interface MiddlewareStackLike {
  add(middleware: unknown, options: { step: "initialize"; name: string; override?: boolean }): void;
}

/** Reports each command once, after the SDK's retries (ESO's externalsecret_provider_api_calls_count). */
export function observeApiCalls(stack: MiddlewareStackLike, provider: AwsApiProvider, onApiCall: ApiCallObserver | undefined): void {
  if (!onApiCall) return;
  const middleware =
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: unknown): Promise<unknown> => {
      const call = (context.commandName ?? "Unknown").replace(/Command$/, "");
      try {
        const out = await next(args);
        onApiCall({ provider, call, status: "success" });
        return out;
      } catch (err) {
        onApiCall({ provider, call, status: "error" });
        throw err;
      }
    };
  stack.add(middleware, { step: "initialize", name: "ferryApiCallObserver", override: true });
}

export function createSecretsManagerClient(options: SdkClientOptions, credentials: CredentialSource): SecretsManagerClient {
  const client = new SecretsManagerClient({ region: options.region, credentials: sdkCredentials(credentials), ...retryConfig(options.retrySettings), ...requestHandlerConfig(options.timeouts) });
  observeApiCalls(client.middlewareStack, "AWS/SecretsManager", options.onApiCall);
  explainNonJsonResponses(client.middlewareStack, "Secrets Manager");
  return client;
}

export function createSsmClient(options: SdkClientOptions, credentials: CredentialSource): SSMClient {
  const client = new SSMClient({ region: options.region, credentials: sdkCredentials(credentials), ...retryConfig(options.retrySettings), ...requestHandlerConfig(options.timeouts) });
  observeApiCalls(client.middlewareStack, "AWS/ParameterStore", options.onApiCall);
  explainNonJsonResponses(client.middlewareStack, "SSM");
  return client;
}

/** ECR, for the ECRAuthorizationToken generator (src/generators): the endpoint from AWS_ENDPOINT_URL(_ECR) only. */
export function createEcrClient(options: SdkClientOptions, credentials: CredentialSource): ECRClient {
  const client = new ECRClient({ region: options.region, credentials: sdkCredentials(credentials), ...retryConfig(options.retrySettings), ...requestHandlerConfig(options.timeouts) });
  observeApiCalls(client.middlewareStack, "AWS/ECR", options.onApiCall);
  explainNonJsonResponses(client.middlewareStack, "ECR");
  return client;
}

/** Unsigned when `credentials` is absent (AssumeRoleWithWebIdentity): no fallback to the process's own identity. */
export function createStsClient(options: SdkClientOptions, credentials: CredentialSource | undefined): STSClient {
  const client = new STSClient({
    region: options.region,
    ...(credentials
      ? { credentials: sdkCredentials(credentials) }
      : {
          credentials: Object.assign(
            async () => {
              throw new Error("AssumeRoleWithWebIdentity is unsigned; no credentials are used");
            },
            { memoized: true },
          ),
        }),
    ...retryConfig(options.retrySettings),
    ...requestHandlerConfig(options.timeouts),
  });
  observeApiCalls(client.middlewareStack, "AWS/STS", options.onApiCall);
  explainNonJsonResponses(client.middlewareStack, "STS");
  return client;
}

export function sdkStsFactory(options: SdkClientOptions, track: (client: { destroy(): void }) => void): StsFactory {
  return (credentials): StsApi => {
    const client = createStsClient(options, credentials);
    track(client);
    return {
      assumeRole: (input) => client.send(new AssumeRoleCommand(input)),
      assumeRoleWithWebIdentity: (input) => client.send(new AssumeRoleWithWebIdentityCommand(input)),
    };
  };
}

/**
 * The SDK default chain (env keys, IRSA's AWS_WEB_IDENTITY_TOKEN_FILE, Pod Identity container
 * credentials, instance role), cached like every other hop and shared by all stores without `auth`.
 * Its internal STS calls are observed too.
 */
export function defaultChainCredentials(options: { region: string; onApiCall?: ApiCallObserver | undefined; now: Clock; timeouts?: AwsTimeouts | undefined }): CredentialSource {
  const plugin = {
    applyToStack: (stack: unknown) => observeApiCalls(stack as MiddlewareStackLike, "AWS/STS", options.onApiCall),
  };
  // The chain's own STS client (IRSA's AssumeRoleWithWebIdentity) gets the same deadlines; the container and
  // instance metadata providers have their own 1 s default timeouts.
  const chain = fromNodeProviderChain({ clientConfig: { region: options.region, ...requestHandlerConfig(options.timeouts) }, clientPlugins: [plugin] });
  return new CachedCredentials({
    now: options.now,
    // Keys from the environment have no expiry: re-read them now and then, as the chain itself is cheap.
    maxAgeMs: 5 * 60_000,
    fetch: async () => {
      const c = await chain({ forceRefresh: true });
      return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration };
    },
  });
}
