/**
 * Credentials and AWS clients per pod identity, reused across mounts. ASCP builds a fresh AWS config per
 * mount and per region, so every mount and every rotation pays an AssumeRoleWithWebIdentity (shared
 * reference §3.3); here a (role, token) pair is exchanged once and its credentials are reused until they near
 * expiry. Kubelet hands a pod the same token until it is ~80% through its lifetime, so a pod's remounts
 * within that time cost no STS call. Keying by the token, not by the ServiceAccount, keeps the rule that
 * every set of credentials was obtained with that pod's own token.
 *
 * The Secrets Manager and SSM clients are the provider's (src/providers/aws): batch-first reads
 * (BatchGetSecretValue by 20, GetParameters by 10), error mapping without values. Only their credentials
 * come from here.
 */
import { createHash } from "node:crypto";
import { CachedCredentials } from "../providers/aws/auth/cached-credentials.ts";
import type { Clock, CredentialSource } from "../providers/aws/auth/credentials.ts";
import { givenTokenWebIdentityFetcher } from "../providers/aws/auth/given-token.ts";
import { podIdentityAgentFetcher } from "../providers/aws/auth/pod-identity-agent.ts";
import { Redactor } from "../providers/aws/errors.ts";
import { ParameterStoreSecretsClient } from "../providers/aws/parameterstore/client.ts";
import { sdkApiFactory, type AwsApiFactory, type Disposables } from "../providers/aws/provider.ts";
import type { SdkClientOptions } from "../providers/aws/sdk-clients.ts";
import { SecretsManagerSecretsClient } from "../providers/aws/secretsmanager/client.ts";
import type { ApiCallObserver, ProviderLogger, SecretsClient } from "../providers/provider.ts";

export type PodIdentity =
  | {
      kind: "irsa";
      roleArn: string;
      token: string;
      tokenExpiresAt: Date | undefined;
      sessionName: string;
      /** For messages and logs: "serviceaccount <ns>/<name>". */
      subject: string;
    }
  | {
      kind: "pod-identity";
      token: string;
      tokenExpiresAt: Date | undefined;
      endpoints: readonly string[];
      subject: string;
    };

export interface RegionClients {
  secretsManager: SecretsClient;
  parameterStore: SecretsClient;
}

export interface PodSession {
  readonly credentials: CredentialSource;
  clients(region: string): RegionClients;
}

export interface SessionCacheOptions {
  apis?: AwsApiFactory | undefined;
  onApiCall?: ApiCallObserver | undefined;
  logger?: ProviderLogger | undefined;
  now?: Clock | undefined;
  /** Sessions kept (least recently used dropped first); about one per pod on the node. */
  maxEntries?: number | undefined;
  /** A session unused this long is dropped even if its token is still valid. */
  idleMs?: number | undefined;
  podIdentityTimeoutMs?: number | undefined;
}

interface Entry {
  session: PodSession;
  disposables: Disposables;
  tokenExpiresAt: number | undefined;
  lastUsed: number;
}

export class SessionCache {
  readonly #apis: AwsApiFactory;
  readonly #onApiCall: ApiCallObserver | undefined;
  readonly #logger: ProviderLogger | undefined;
  readonly #now: Clock;
  readonly #maxEntries: number;
  readonly #idleMs: number;
  readonly #podIdentityTimeoutMs: number;
  /** Insertion order is recency order. */
  readonly #entries = new Map<string, Entry>();

  constructor(options: SessionCacheOptions = {}) {
    this.#apis = options.apis ?? sdkApiFactory;
    this.#onApiCall = options.onApiCall;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#maxEntries = options.maxEntries ?? 2000;
    this.#idleMs = options.idleMs ?? 2 * 3_600_000;
    this.#podIdentityTimeoutMs = options.podIdentityTimeoutMs ?? 5_000;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The session for this identity; STS is the primary region's (ASCP: the pod's region). */
  session(identity: PodIdentity, stsRegion: string): PodSession {
    this.#sweep();
    const key = sessionKey(identity);
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      hit.lastUsed = this.#now();
      this.#entries.set(key, hit);
      return hit.session;
    }
    const entry = this.#create(identity, stsRegion);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxEntries) this.#drop(this.#entries.keys().next().value!);
    return entry.session;
  }

  close(): void {
    for (const key of [...this.#entries.keys()]) this.#drop(key);
  }

  #create(identity: PodIdentity, stsRegion: string): Entry {
    const redactor = new Redactor();
    const disposables: Disposables = [];
    const now = this.#now;
    const fetch =
      identity.kind === "irsa"
        ? givenTokenWebIdentityFetcher({
            roleArn: identity.roleArn,
            token: identity.token,
            sessionName: identity.sessionName,
            sts: this.#apis.sts({ region: stsRegion, onApiCall: this.#onApiCall }, undefined, disposables),
            redactor,
            subject: identity.subject,
          })
        : podIdentityAgentFetcher({ token: identity.token, endpoints: identity.endpoints, timeoutMs: this.#podIdentityTimeoutMs, subject: identity.subject });
    if (identity.kind === "pod-identity") redactor.add(identity.token);
    const credentials = new CachedCredentials({ now, fetch });
    const perRegion = new Map<string, RegionClients>();
    const logger = this.#logger;
    const apis = this.#apis;
    const onApiCall = this.#onApiCall;
    const session: PodSession = {
      credentials,
      clients(region: string): RegionClients {
        let clients = perRegion.get(region);
        if (!clients) {
          const sdkOptions: SdkClientOptions = { region, onApiCall };
          const common = { validate: async () => "Ready" as const, redactor, logger, storeLabel: `CSI mount ${identity.subject}` };
          clients = {
            secretsManager: new SecretsManagerSecretsClient({ api: apis.secretsManager(sdkOptions, credentials, disposables), ...common }),
            parameterStore: new ParameterStoreSecretsClient({ api: apis.parameterStore(sdkOptions, credentials, disposables), ...common }),
          };
          perRegion.set(region, clients);
        }
        return clients;
      },
    };
    return { session, disposables, tokenExpiresAt: identity.tokenExpiresAt?.getTime(), lastUsed: now() };
  }

  /** Drops sessions whose token has expired (kubelet has moved on to a new one) or that sat unused. */
  #sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if ((entry.tokenExpiresAt !== undefined && entry.tokenExpiresAt <= now) || now - entry.lastUsed > this.#idleMs) this.#drop(key);
    }
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    for (const d of entry?.disposables ?? []) d.destroy();
  }
}

/** A digest, so the cache's keys hold no token. */
function sessionKey(identity: PodIdentity): string {
  const parts = identity.kind === "irsa" ? ["irsa", identity.roleArn, identity.token] : ["pod-identity", identity.endpoints.join(","), identity.token];
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}
