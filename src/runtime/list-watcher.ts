import { kubeClient } from "./kube/kube-client.ts";
import type { KubeConfig } from "./kube/kubeconfig.ts";

/** The metadata the runtime reads, as raw JSON (timestamps are strings, not Dates). */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  /** Opaque: compared for equality only, never parsed or ordered (KFC parsed it as an integer). */
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  [field: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface ListPage {
  kind?: string;
  apiVersion?: string;
  items: KubeObject[];
  resourceVersion: string;
  /** The continue token of a paginated list, empty or absent on the last page. */
  continue?: string | undefined;
}

export interface ListOptions {
  limit: number;
  continue?: string | undefined;
}

export interface WatchOptions {
  resourceVersion: string;
  timeoutSeconds: number;
}

export interface WatchHandle {
  abort(): void;
}

/**
 * The two calls an informer makes, separated from the informer so unit tests drive it with a fake server.
 * `watch` resolves once the stream is open (or has already failed); `onDone` is called exactly once when
 * it ends, with the error if it failed (an error carries `statusCode` for HTTP statuses).
 */
export interface ListWatcher {
  list(options: ListOptions, signal: AbortSignal): Promise<ListPage>;
  watch(options: WatchOptions, onEvent: (type: string, object: unknown) => void, onDone: (err: unknown) => void): Promise<WatchHandle>;
}

export interface KubeListWatcherOptions {
  /** A collection path: /api/v1/secrets, /api/v1/namespaces/x/configmaps, /apis/group/version/namespaces/x/plural. */
  path: string;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /**
   * Abort a watch that sends nothing for this long (a half-open connection). The apiserver sends bookmarks
   * only once a minute, so a 30 s limit (client-node's) tore every quiet watch down and reopened it twice a
   * minute; 150 s tolerates one late bookmark.
   */
  watchIdleTimeoutMs?: number;
}

/** LIST and WATCH against the apiserver with the kubeconfig's authentication. */
export function kubeListWatcher(kubeConfig: KubeConfig, options: KubeListWatcherOptions): ListWatcher {
  const selectors = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
  const kube = kubeClient(kubeConfig);
  return {
    async list({ limit, continue: cont }, signal) {
      const list = await kube.get<{ kind?: string; apiVersion?: string; metadata?: { resourceVersion?: string; continue?: string }; items?: KubeObject[] | null }>(options.path, {
        query: { ...selectors, limit, continue: cont },
        signal,
      });
      return {
        ...(list.kind ? { kind: list.kind } : {}),
        ...(list.apiVersion ? { apiVersion: list.apiVersion } : {}),
        items: list.items ?? [],
        resourceVersion: list.metadata?.resourceVersion ?? "",
        continue: list.metadata?.continue,
      };
    },
    watch({ resourceVersion, timeoutSeconds }, onEvent, onDone) {
      return kube.watch(options.path, { ...selectors, resourceVersion, allowWatchBookmarks: true, timeoutSeconds, idleTimeoutMs: options.watchIdleTimeoutMs ?? 150_000 }, onEvent, onDone);
    },
  };
}
