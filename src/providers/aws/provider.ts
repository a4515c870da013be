import {
  InvalidStoreError,
  type ApiCallObserver,
  type Capabilities,
  type ClientRequest,
  type Provider,
  type ProviderLogger,
  type ReadOutcome,
  type RemotePayload,
  type SecretsClient,
  type StoreContext,
  type StoreValidation,
  type ValidationResult,
} from "../provider.ts";
import { buildCredentialChain } from "./auth/chain.ts";
import type { Clock, CredentialSource } from "./auth/credentials.ts";
import { dependsOnExternalSecretNamespace, type StoreIdentity } from "./auth/namespaces.ts";
import type { StsApi } from "./auth/sts.ts";
import { callError, Redactor } from "./errors.ts";
import { sdkParameterStoreFor, type ParameterStoreApi } from "./parameterstore/api.ts";
import { ParameterStoreSecretsClient } from "./parameterstore/client.ts";
import { DEFAULT_AWS_TIMEOUTS, createSecretsManagerClient, defaultChainCredentials, sdkStsFactory, type AwsTimeouts, type SdkClientOptions } from "./sdk-clients.ts";
import { sdkSecretsManagerApi, type SecretsManagerApi } from "./secretsmanager/api.ts";
import { SecretsManagerSecretsClient } from "./secretsmanager/client.ts";
import type { AwsStoreSpec } from "./spec.ts";
import { validateAwsStore } from "./validate-store.ts";
import { DefaultCredentialsByRegion, StoreCache, type Disposables } from "./store-cache.ts";

/** Where the provider gets its AWS APIs; the SDK in production, counting fakes in unit tests. */
export interface AwsApiFactory {
  /** `dispose` collects what to release when the cache entry is dropped (SDK clients hold sockets). */
  sts(options: SdkClientOptions, credentials: CredentialSource | undefined, dispose: Disposables): StsApi;
  secretsManager(options: SdkClientOptions, credentials: CredentialSource, dispose: Disposables): SecretsManagerApi;
  parameterStore(options: SdkClientOptions, credentials: CredentialSource, dispose: Disposables): ParameterStoreApi;
  /** The SDK default chain for stores without `auth`, one per region, shared by all of them. */
  defaultCredentials(options: { region: string; onApiCall?: ApiCallObserver | undefined; now: Clock; timeouts?: AwsTimeouts | undefined }): CredentialSource;
}

export type { Disposables } from "./store-cache.ts";

export const sdkApiFactory: AwsApiFactory = {
  sts: (options, credentials, dispose) => sdkStsFactory(options, (client) => dispose.push(client))(credentials),
  secretsManager: (options, credentials, dispose) => {
    const client = createSecretsManagerClient(options, credentials);
    dispose.push(client);
    return sdkSecretsManagerApi(client, credentials);
  },
  parameterStore: sdkParameterStoreFor,
  defaultCredentials: defaultChainCredentials,
};

export interface AwsProviderOptions {
  /** Every AWS call after the SDK's retries, for `externalsecret_provider_api_calls_count`. */
  onApiCall?: ApiCallObserver | undefined;
  logger?: ProviderLogger | undefined;
  now?: Clock | undefined;
  apis?: AwsApiFactory | undefined;
  /** Cache entries kept (least recently used dropped first); one per store, or per store and namespace for referent auth. */
  maxCachedClients?: number | undefined;
  /** Connection and per-attempt deadlines of every SDK client (DEFAULT_AWS_TIMEOUTS). */
  timeouts?: AwsTimeouts | undefined;
}


/**
 * The AWS provider (ESO providers/v1/aws): Secrets Manager and Parameter Store. What it adds to ESO is
 * caching: the credential chain (every STS hop) and the SDK clients are built once per
 * (store uid, store generation, referent namespace) and reused by every ExternalSecret and refresh until
 * the store changes, so a refresh costs only the reads themselves (ESO #1194).
 */
export class AwsProvider implements Provider<AwsStoreSpec> {
  readonly #onApiCall: ApiCallObserver | undefined;
  readonly #logger: ProviderLogger | undefined;
  readonly #now: Clock;
  readonly #apis: AwsApiFactory;
  readonly #clients: StoreCache<SecretsClient>;
  readonly #defaultCredentials: DefaultCredentialsByRegion;
  readonly #timeouts: AwsTimeouts | undefined;

  constructor(options: AwsProviderOptions = {}) {
    this.#timeouts = options.timeouts;
    this.#onApiCall = options.onApiCall;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#apis = options.apis ?? sdkApiFactory;
    this.#clients = new StoreCache(options.maxCachedClients ?? 1000);
    this.#defaultCredentials = new DefaultCredentialsByRegion({ create: (o) => this.#apis.defaultCredentials({ ...o, timeouts: this.#timeouts }), onApiCall: this.#onApiCall, now: this.#now });
  }

  /** As ESO: the AWS provider reads and writes (PushSecret, write-through). */
  capabilities(): Capabilities {
    return "ReadWrite";
  }

  validateStore(spec: AwsStoreSpec, store?: StoreContext): StoreValidation {
    return validateAwsStore(spec, store);
  }

  async clientFor(request: ClientRequest<AwsStoreSpec>): Promise<SecretsClient> {
    const { store, namespace, kube } = request;
    const { errors } = validateAwsStore(store.spec, store);
    if (errors.length > 0) throw new InvalidStoreError(`${store.kind} ${storeName(store)}: ${errors.join("; ")}`);
    const spec = store.spec.provider.aws;
    const identity: StoreIdentity = { kind: store.kind, name: store.name, namespace: store.namespace };
    const perNamespace = dependsOnExternalSecretNamespace(spec, identity);
    // ESO: a referent store cannot be validated on its own, only used from an ExternalSecret.
    if (perNamespace && !namespace) return new ReferentStoreWithoutNamespace(`${store.kind} ${storeName(store)}`);

    const key = StoreCache.key(store, perNamespace ? namespace : undefined);
    const hit = this.#clients.get(key);
    if (hit) return hit;

    const redactor = new Redactor();
    const disposables: Disposables = [];
    const sdkOptions: SdkClientOptions = { region: spec.region, retrySettings: store.spec.retrySettings, onApiCall: this.#onApiCall, timeouts: this.#timeouts };
    const chain = buildCredentialChain({
      spec,
      store: identity,
      esNamespace: namespace,
      kube,
      sts: (credentials) => this.#apis.sts(sdkOptions, credentials, disposables),
      defaultCredentials: () => this.#defaultCredentials.for(spec.region),
      now: this.#now,
      redactor,
    });
    const validate = async (): Promise<ValidationResult> => {
      // Resolving the chain proves every STS hop; static keys are not checked with an extra call (ESO neither).
      await chain.credentials.get().catch((err: unknown) => {
        throw callError(err, `${store.kind} ${storeName(store)}: credentials`, redactor);
      });
      return "Ready";
    };
    const common = { prefix: spec.prefix, validate, redactor, logger: this.#logger, storeLabel: `${store.kind} ${storeName(store)}` };
    const client: SecretsClient =
      spec.service === "ParameterStore"
        ? new ParameterStoreSecretsClient({ api: this.#apis.parameterStore(sdkOptions, chain.credentials, disposables), ...common })
        : new SecretsManagerSecretsClient({ api: this.#apis.secretsManager(sdkOptions, chain.credentials, disposables), ...common });

    this.#clients.set(key, store, client, disposables);
    this.#logger?.info(
      { store: `${store.kind} ${storeName(store)}`, generation: store.generation, namespace: perNamespace ? namespace : undefined, credentials: chain.hops },
      "AWS client created",
    );
    return client;
  }

  /**
   * The SDK default chain for `region`, the one stores without `auth` share (cached, refreshed before
   * expiry): for the controller's own AWS calls, such as reading change-event queues, and for the AWS
   * generators (src/generators), so a generator without `auth` costs no credential fetch of its own.
   */
  defaultCredentials(region: string): CredentialSource {
    return this.#defaultCredentials.for(region);
  }

  /** The connection and per-attempt deadlines every SDK client of this provider gets. */
  get timeouts(): AwsTimeouts {
    return this.#timeouts ?? DEFAULT_AWS_TIMEOUTS;
  }

  forgetStore(uid: string): void {
    this.#clients.forgetStore(uid);
  }

  /** The settings every SDK client of this provider gets, for the AWS generators' clients. */
  get sdkSettings(): { onApiCall: ApiCallObserver | undefined; timeouts: AwsTimeouts | undefined; now: Clock } {
    return { onApiCall: this.#onApiCall, timeouts: this.#timeouts, now: this.#now };
  }

  /** Releases every cached client (shutdown). */
  close(): void {
    this.#clients.close();
  }

  /** Cached entries, for tests and the debug endpoint. */
  get cachedClients(): number {
    return this.#clients.size;
  }
}

function storeName(store: { name: string; namespace?: string | undefined }): string {
  return store.namespace ? `${store.namespace}/${store.name}` : store.name;
}

/** A ClusterSecretStore whose credentials live in each ExternalSecret's namespace, asked about without one. */
class ReferentStoreWithoutNamespace implements SecretsClient {
  readonly #what: string;

  constructor(what: string) {
    this.#what = what;
  }

  async validate(): Promise<ValidationResult> {
    return "Unknown";
  }

  async readSecrets(): Promise<Map<string, ReadOutcome>> {
    throw new InvalidStoreError(`${this.#what}: references without namespace need an ExternalSecret's namespace (referent auth)`);
  }

  async findSecrets(): Promise<Map<string, RemotePayload>> {
    throw new InvalidStoreError(`${this.#what}: references without namespace need an ExternalSecret's namespace (referent auth)`);
  }
}
