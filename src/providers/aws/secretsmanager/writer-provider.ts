import {
  InvalidStoreError,
  type ApiCallObserver,
  type ClientRequest,
  type ProviderLogger,
  type SecretsWriter,
  type WriterProvider,
} from "../../provider.ts";
import { buildCredentialChain } from "../auth/chain.ts";
import type { Clock, CredentialSource } from "../auth/credentials.ts";
import { dependsOnExternalSecretNamespace, type StoreIdentity } from "../auth/namespaces.ts";
import { Redactor } from "../errors.ts";
import { sdkApiFactory, type AwsApiFactory } from "../provider.ts";
import { DefaultCredentialsByRegion, StoreCache, type Disposables } from "../store-cache.ts";
import { createSecretsManagerClient, type SdkClientOptions } from "../sdk-clients.ts";
import { ParameterStoreWriter } from "../parameterstore/write.ts";
import { sdkParameterStoreFor, type ParameterStoreWriteApi } from "../parameterstore/api.ts";
import type { AwsStoreSpec } from "../spec.ts";
import { validateAwsStore } from "../validate-store.ts";
import { SecretsManagerWriter } from "./write.ts";
import { sdkSecretsManagerWriteApi, type SecretsManagerWriteApi } from "./write-api.ts";

/** Where the writer gets its AWS APIs: STS and the default chain as the reader's factory, plus the write API. */
export interface AwsWriteApiFactory extends Pick<AwsApiFactory, "sts" | "defaultCredentials"> {
  secretsManagerWrite(options: SdkClientOptions, credentials: CredentialSource, dispose: Disposables): SecretsManagerWriteApi;
  /** Parameter Store writes (PushSecret); a factory without it cannot write to ParameterStore stores. */
  parameterStoreWrite?(options: SdkClientOptions, credentials: CredentialSource, dispose: Disposables): ParameterStoreWriteApi;
}

export const sdkWriteApiFactory: AwsWriteApiFactory = {
  sts: (options, credentials, dispose) => sdkApiFactory.sts(options, credentials, dispose),
  defaultCredentials: (options) => sdkApiFactory.defaultCredentials(options),
  secretsManagerWrite: (options, credentials, dispose) => {
    const client = createSecretsManagerClient(options, credentials);
    dispose.push(client);
    return sdkSecretsManagerWriteApi(client, credentials);
  },
  parameterStoreWrite: sdkParameterStoreFor,
};

export interface SecretsManagerWriterProviderOptions {
  onApiCall?: ApiCallObserver | undefined;
  logger?: ProviderLogger | undefined;
  now?: Clock | undefined;
  apis?: AwsWriteApiFactory | undefined;
  maxCachedWriters?: number | undefined;
}

/**
 * Writers for Secrets Manager stores, cached like AwsProvider caches readers (the same StoreCache): one credential chain
 * and SDK client per (store uid, generation, referent namespace), so a burst of admissions costs no STS call
 * after the first. It lives beside AwsProvider rather than inside it because the webhook process writes and
 * never reads through stores; folding `writerFor` into AwsProvider would share one cache in a process that
 * does both.
 */
export class SecretsManagerWriterProvider implements WriterProvider<AwsStoreSpec> {
  readonly #onApiCall: ApiCallObserver | undefined;
  readonly #logger: ProviderLogger | undefined;
  readonly #now: Clock;
  readonly #apis: AwsWriteApiFactory;
  readonly #writers: StoreCache<SecretsWriter>;
  readonly #parameterWriters: StoreCache<ParameterStoreWriter>;
  readonly #defaultCredentials: DefaultCredentialsByRegion;

  constructor(options: SecretsManagerWriterProviderOptions = {}) {
    this.#onApiCall = options.onApiCall;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#apis = options.apis ?? sdkWriteApiFactory;
    this.#writers = new StoreCache(options.maxCachedWriters ?? 1000);
    this.#parameterWriters = new StoreCache(options.maxCachedWriters ?? 1000);
    this.#defaultCredentials = new DefaultCredentialsByRegion({ create: (o) => this.#apis.defaultCredentials(o), onApiCall: this.#onApiCall, now: this.#now });
  }

  async writerFor(request: ClientRequest<AwsStoreSpec>): Promise<SecretsWriter> {
    return this.#build(request, "SecretsManager", this.#writers, (sdkOptions, credentials, disposables, prefix, redactor) =>
      new SecretsManagerWriter({ api: this.#apis.secretsManagerWrite(sdkOptions, credentials, disposables), prefix, redactor }),
    );
  }

  /** A Parameter Store writer for a ParameterStore store (PushSecret), cached the same way. */
  async parameterStoreWriterFor(request: ClientRequest<AwsStoreSpec>): Promise<ParameterStoreWriter> {
    const factory = this.#apis.parameterStoreWrite?.bind(this.#apis);
    if (!factory) throw new InvalidStoreError("this writer provider cannot write to Parameter Store");
    return this.#build(request, "ParameterStore", this.#parameterWriters, (sdkOptions, credentials, disposables, prefix, redactor) =>
      new ParameterStoreWriter({ api: factory(sdkOptions, credentials, disposables), prefix, redactor }),
    );
  }

  async #build<W>(
    request: ClientRequest<AwsStoreSpec>,
    service: AwsStoreSpec["provider"]["aws"]["service"],
    cache: StoreCache<W>,
    create: (sdkOptions: SdkClientOptions, credentials: CredentialSource, disposables: Disposables, prefix: string | undefined, redactor: Redactor) => W,
  ): Promise<W> {
    const { store, namespace, kube } = request;
    const label = `${store.kind} ${store.namespace ? `${store.namespace}/` : ""}${store.name}`;
    const { errors } = validateAwsStore(store.spec, store);
    if (errors.length > 0) throw new InvalidStoreError(`${label}: ${errors.join("; ")}`);
    const spec = store.spec.provider.aws;
    if (spec.service !== service) throw new InvalidStoreError(`${label}: writing needs a ${service} store, this one is ${spec.service}`);
    const identity: StoreIdentity = { kind: store.kind, name: store.name, namespace: store.namespace };
    const perNamespace = dependsOnExternalSecretNamespace(spec, identity);
    if (perNamespace && !namespace) throw new InvalidStoreError(`${label}: its credentials depend on the namespace of the object written`);

    const key = StoreCache.key(store, perNamespace ? namespace : undefined);
    const hit = cache.get(key);
    if (hit) return hit;

    const redactor = new Redactor();
    const disposables: Disposables = [];
    const sdkOptions: SdkClientOptions = { region: spec.region, retrySettings: store.spec.retrySettings, onApiCall: this.#onApiCall };
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
    const writer = create(sdkOptions, chain.credentials, disposables, spec.prefix, redactor);
    cache.set(key, store, writer, disposables);
    this.#logger?.info({ store: label, generation: store.generation, credentials: chain.hops, service }, "AWS writer created");
    return writer;
  }

  forgetStore(uid: string): void {
    this.#writers.forgetStore(uid);
    this.#parameterWriters.forgetStore(uid);
  }

  close(): void {
    this.#writers.close();
    this.#parameterWriters.close();
  }

  get cachedWriters(): number {
    return this.#writers.size;
  }
}
