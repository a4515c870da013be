/**
 * AWS clients for the ECR and STS generators, built with the store's credential chain (providers/aws/auth,
 * no second auth path) and cached like the store clients (StoreCache): per generator uid and generation and,
 * for a ClusterGenerator, the namespace of the referrer, so a refresh costs only the generator's own call
 * and an edited generator gets fresh credentials.
 *
 * Namespaces as ESO's generator session (pkg/provider/aws/auth NewGeneratorSession, store kind ""): Secret
 * and ServiceAccount references always resolve in the referrer's namespace, whatever namespace they name, so a
 * ClusterGenerator cannot be used to read credentials from another namespace.
 */
import { GetAuthorizationTokenCommand, type GetAuthorizationTokenResponse } from "@aws-sdk/client-ecr";
import { GetSessionTokenCommand, type GetSessionTokenRequest, type GetSessionTokenResponse } from "@aws-sdk/client-sts";
import type { GeneratorAWSAuth } from "../apis/generators.ts";
import type { KubeAccess } from "../providers/kube-access.ts";
import type { ApiCallObserver } from "../providers/provider.ts";
import { buildCredentialChain } from "../providers/aws/auth/chain.ts";
import type { Clock, CredentialSource } from "../providers/aws/auth/credentials.ts";
import type { StsApi } from "../providers/aws/auth/sts.ts";
import { callError, Redactor } from "../providers/aws/errors.ts";
import { createEcrClient, createStsClient, sdkStsFactory, type AwsTimeouts, type SdkClientOptions } from "../providers/aws/sdk-clients.ts";
import { StoreCache, type Disposables } from "../providers/aws/store-cache.ts";
import { InvalidGeneratorError } from "./errors.ts";

export interface EcrApi {
  getAuthorizationToken(signal?: AbortSignal): Promise<GetAuthorizationTokenResponse>;
}

export interface StsSessionApi {
  getSessionToken(input: GetSessionTokenRequest, signal?: AbortSignal): Promise<GetSessionTokenResponse>;
}

/** Where the clients come from: the SDK in production, counting fakes in unit tests. */
export interface AwsGeneratorApiFactory {
  ecr(options: SdkClientOptions, credentials: CredentialSource, dispose: Disposables): EcrApi;
  stsSession(options: SdkClientOptions, credentials: CredentialSource, dispose: Disposables): StsSessionApi;
  sts(options: SdkClientOptions, credentials: CredentialSource | undefined, dispose: Disposables): StsApi;
}

export const sdkGeneratorApis: AwsGeneratorApiFactory = {
  ecr: (options, credentials, dispose) => {
    const client = createEcrClient(options, credentials);
    dispose.push(client);
    return { getAuthorizationToken: (signal) => client.send(new GetAuthorizationTokenCommand({}), signal ? { abortSignal: signal } : {}) };
  },
  stsSession: (options, credentials, dispose) => {
    const client = createStsClient(options, credentials);
    dispose.push(client);
    return { getSessionToken: (input, signal) => client.send(new GetSessionTokenCommand(input), signal ? { abortSignal: signal } : {}) };
  },
  sts: (options, credentials, dispose) => sdkStsFactory(options, (client) => dispose.push(client))(credentials),
};

/** Who the generator is, for the cache key and messages. */
export interface GeneratorIdentity {
  kind: string;
  name: string;
  /** The generator's namespace; undefined for a ClusterGenerator. */
  namespace?: string | undefined;
  uid: string;
  generation: number;
}

export interface AwsGeneratorSpec {
  region: string;
  role?: string | undefined;
  auth?: GeneratorAWSAuth | undefined;
}

export interface AwsGeneratorClientsOptions {
  kube: KubeAccess;
  /** The SDK default chain per region, shared with the AWS provider's stores. */
  defaultCredentials: (region: string) => CredentialSource;
  onApiCall?: ApiCallObserver | undefined;
  timeouts?: AwsTimeouts | undefined;
  now: Clock;
  apis?: AwsGeneratorApiFactory | undefined;
  maxCached?: number | undefined;
}

interface Clients {
  ecr: EcrApi;
  sts: StsSessionApi;
  credentials: CredentialSource;
  redactor: Redactor;
}

export class AwsGeneratorClients {
  readonly #options: AwsGeneratorClientsOptions;
  readonly #apis: AwsGeneratorApiFactory;
  readonly #cache: StoreCache<Clients>;

  constructor(options: AwsGeneratorClientsOptions) {
    this.#options = options;
    this.#apis = options.apis ?? sdkGeneratorApis;
    this.#cache = new StoreCache(options.maxCached ?? 1000);
  }

  /** The clients of one generator as used from `namespace` (the referrer's). */
  clientsFor(generator: GeneratorIdentity, spec: AwsGeneratorSpec, namespace: string): Clients {
    const label = generatorLabel(generator);
    if (!spec.region) throw new InvalidGeneratorError(`${label}: spec.region: Required`);
    const auth = spec.auth;
    if (auth?.secretRef && auth.jwt) throw new InvalidGeneratorError(`${label}: spec.auth: only one of secretRef or jwt can be specified`);
    if (auth?.jwt && !auth.jwt.serviceAccountRef?.name) throw new InvalidGeneratorError(`${label}: spec.auth.jwt.serviceAccountRef.name: Required`);
    const key = StoreCache.key(generator, namespace);
    const hit = this.#cache.get(key);
    if (hit) return hit;

    const disposables: Disposables = [];
    const redactor = new Redactor();
    const sdkOptions: SdkClientOptions = { region: spec.region, onApiCall: this.#options.onApiCall, timeouts: this.#options.timeouts };
    const chain = buildCredentialChain({
      spec: { service: "SecretsManager", region: spec.region, role: spec.role || undefined, auth: auth && { secretRef: auth.secretRef, jwt: auth.jwt } },
      // A namespaced store in the referrer's namespace: every reference resolves there (see above).
      store: { kind: "SecretStore", name: generator.name, namespace },
      esNamespace: namespace,
      kube: this.#options.kube,
      sts: (credentials) => this.#apis.sts(sdkOptions, credentials, disposables),
      defaultCredentials: () => this.#options.defaultCredentials(spec.region),
      now: this.#options.now,
      redactor,
    });
    const clients: Clients = {
      ecr: this.#apis.ecr(sdkOptions, chain.credentials, disposables),
      sts: this.#apis.stsSession(sdkOptions, chain.credentials, disposables),
      credentials: chain.credentials,
      redactor,
    };
    this.#cache.set(key, generator, clients, disposables);
    return clients;
  }

  /** An AWS error as a message without values (the store provider's mapping), naming the generator. */
  static describe(err: unknown, what: string, redactor: Redactor): Error {
    const mapped = callError(err, what, redactor);
    mapped.message = mapped.message.replaceAll("spec.provider.aws.", "spec.");
    return mapped;
  }

  get size(): number {
    return this.#cache.size;
  }

  close(): void {
    this.#cache.close();
  }
}

export function generatorLabel(g: { kind: string; name: string; namespace?: string | undefined }): string {
  return `${g.kind} ${g.namespace ? `${g.namespace}/` : ""}${g.name}`;
}
