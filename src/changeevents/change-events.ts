import { parseExternalSecret } from "../apis/parse.ts";
import type { CredentialSource } from "../providers/aws/auth/credentials.ts";
import type { AwsTimeouts } from "../providers/aws/sdk-clients.ts";
import type { ApiCallObserver } from "../providers/provider.ts";
import type { Informer } from "../runtime/informer.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import type { Logger } from "../runtime/logger.ts";
import { storeKeyOf } from "../sync/externalsecret/by-store-index.ts";
import { objectKeyOf } from "../sync/informer-events.ts";
import type { ChangeEventMetrics } from "./change-event-metrics.ts";
import { readsOf } from "./external-secret-reads.ts";
import { parseChangeMessage } from "./parse-change-event.ts";
import type { QueueConfig } from "./queue-config.ts";
import { QueuePoller, WAIT_SECONDS, type MessageOutcome } from "./queue-poller.ts";
import { RemoteKeyIndex, type StoreFacts } from "./remote-key-index.ts";
import { sdkQueueApi, type QueueApi } from "./sqs-api.ts";

/** What change events need from the sync path: its caches and the ExternalSecret controller's refresh-now. */
export interface SyncTarget {
  externalSecrets: Informer<KubeObject>;
  secretStores: Informer<KubeObject>;
  clusterSecretStores: Informer<KubeObject>;
  /** `sentAt`: when the event reached its queue (SQS SentTimestamp, epoch ms), for the latency from the queue. */
  refreshChanged(request: { namespace: string; name: string }, sentAt?: number): void;
}

export interface ChangeEventsOptions {
  queues: QueueConfig[];
  sync: SyncTarget;
  /** The provider's cached default-chain credentials for a region (AwsProvider.defaultCredentials). */
  credentials: (region: string) => CredentialSource;
  timeouts: AwsTimeouts;
  onApiCall?: ApiCallObserver | undefined;
  logger: Logger;
  metrics?: ChangeEventMetrics | undefined;
  /** A queue stopped answering: with a stretched refresh, every covered ExternalSecret is looked at again. */
  onQueueDown?: (() => void) | undefined;
  /** The SQS API per queue; the SDK when absent. */
  queueApi?: ((queue: QueueConfig) => QueueApi & { destroy?(): void }) | undefined;
}

/**
 * Change events (docs/change-events.md, ADR 16): reads the configured SQS queues and, for each event about a
 * secret or parameter, makes exactly the ExternalSecrets that read it refresh now, through the index from
 * remote key to readers kept from the ExternalSecret cache. Polling is untouched: a lost, late or malformed
 * event, or a queue that is down, costs only the time until the next periodic refresh.
 */
export class ChangeEvents {
  readonly index = new RemoteKeyIndex();
  readonly #o: ChangeEventsOptions;
  readonly #pollers: QueuePoller[] = [];
  readonly #apis: Array<{ destroy?(): void }> = [];
  readonly #logger: Logger;

  constructor(options: ChangeEventsOptions) {
    this.#o = options;
    this.#logger = options.logger.child({ component: "change-events" });
    const { externalSecrets } = options.sync;
    // Informer objects are replaced on change, never mutated: each add/update re-derives the entry.
    const upsert = (raw: KubeObject) => {
      const parsed = parseExternalSecret({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", ...raw });
      this.index.set(objectKeyOf(raw), storeKeyOf(raw), parsed.ok ? readsOf(parsed.value) : []);
    };
    externalSecrets.addEventHandler({
      add: upsert,
      update: (_o, n) => upsert(n),
      delete: (o) => this.index.delete(objectKeyOf(o)),
    });
    for (const queue of options.queues) {
      const api = options.queueApi?.(queue) ?? sdkQueueApi({ ...queue, credentials: options.credentials(queue.region), onApiCall: options.onApiCall, timeouts: options.timeouts, waitSeconds: WAIT_SECONDS });
      this.#apis.push(api);
      this.#pollers.push(
        new QueuePoller({
          queue: queue.url,
          api,
          logger: this.#logger,
          handle: (body, _receivedAt, sentAt) => this.handle(queue.url, body, sentAt),
          onHealth: (up) => {
            options.metrics?.queueUp(queue.url, up);
            if (!up) options.onQueueDown?.();
          },
          onError: (call) => options.metrics?.queueError(queue.url, call),
        }),
      );
    }
  }

  /** Starts reading every queue; call once the sync path's caches have synced. */
  start(): void {
    for (const p of this.#pollers) p.start();
    this.#logger.info({ queues: this.#o.queues.map((q) => q.url), externalSecrets: this.index.size }, "change events on");
  }

  async stop(): Promise<void> {
    await Promise.all(this.#pollers.map((p) => p.stop()));
    for (const api of this.#apis) api.destroy?.();
  }

  /** Whether every queue answered its last call (false before the first). */
  get queuesUp(): boolean {
    return this.#pollers.every((p) => p.up === true);
  }

  /** One message: parse, find the readers, refresh them. Never logs the body. */
  handle(queue: string, body: string, sentAt?: number): MessageOutcome {
    const m = this.#o.metrics;
    m?.received(queue);
    const parsed = parseChangeMessage(body);
    if (parsed.kind === "malformed") {
      m?.ignored("malformed");
      this.#logger.warn({ queue, reason: parsed.reason, bytes: body.length }, "malformed change event dropped");
      return "malformed";
    }
    if (parsed.kind === "ignored") {
      m?.ignored("ignored");
      this.#logger.debug({ queue, reason: parsed.reason }, "change event ignored");
      return "ignored";
    }
    const { change } = parsed;
    const readers = this.index.readersOf(change, (store) => this.#storeFacts(store), this.#prefixes());
    const fields = { queue, service: change.service, action: change.action, region: change.region, names: change.names, externalSecrets: readers.size };
    if (readers.size === 0) {
      m?.ignored("unread");
      this.#logger.debug(fields, "change event for a secret no ExternalSecret reads");
      return "unmatched";
    }
    m?.matched(change.service, readers.size);
    this.#logger.info(fields, "change event: refreshing the ExternalSecrets that read it");
    for (const key of readers) {
      const slash = key.indexOf("/");
      this.#o.sync.refreshChanged({ namespace: key.slice(0, slash), name: key.slice(slash + 1) }, sentAt);
    }
    return "matched";
  }

  #storeFacts(store: string): StoreFacts | undefined {
    const [kind, namespace, ...rest] = store.split("/");
    const name = rest.join("/");
    const informer = kind === "ClusterSecretStore" ? this.#o.sync.clusterSecretStores : this.#o.sync.secretStores;
    const raw = informer.get(kind === "ClusterSecretStore" ? undefined : namespace, name);
    return raw ? awsFactsOf(raw) : undefined;
  }

  /** Every key prefix set on a store (few distinct ones; the stores are in memory). */
  #prefixes(): Set<string> {
    const prefixes = new Set<string>();
    for (const informer of [this.#o.sync.secretStores, this.#o.sync.clusterSecretStores]) {
      for (const s of informer.list()) {
        const prefix = awsFactsOf(s)?.prefix;
        if (prefix) prefixes.add(prefix);
      }
    }
    return prefixes;
  }
}

/** A store's AWS service, region and prefix from its cached object (undefined when it is not an AWS store). */
export function awsFactsOf(store: KubeObject): StoreFacts | undefined {
  const aws = (store as { spec?: { provider?: { aws?: { service?: string; region?: string; prefix?: string } } } }).spec?.provider?.aws;
  if (!aws?.region) return undefined;
  return { service: aws.service === "ParameterStore" ? "ParameterStore" : "SecretsManager", region: aws.region, prefix: aws.prefix ?? "" };
}
