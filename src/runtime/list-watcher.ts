import * as k8s from "@kubernetes/client-node";
import { kubeRequest } from "./kube-request.ts";

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
   * Abort a watch that sends nothing for this long (a half-open connection). client-node's default is 30 s,
   * but the apiserver sends bookmarks only once a minute, so at 30 s every quiet watch is torn down and
   * reopened twice a minute; 150 s tolerates one late bookmark.
   */
  watchIdleTimeoutMs?: number;
}

/** LIST and WATCH against the apiserver with the KubeConfig's authentication. */
export function kubeListWatcher(kubeConfig: k8s.KubeConfig, options: KubeListWatcherOptions): ListWatcher {
  const selectors = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
  return {
    async list({ limit, continue: cont }, signal) {
      const list = await kubeRequest<{ kind?: string; apiVersion?: string; metadata?: { resourceVersion?: string; continue?: string }; items?: KubeObject[] | null }>(
        kubeConfig,
        { method: "GET", path: options.path, query: { ...selectors, limit, continue: cont }, signal },
      );
      return {
        ...(list.kind ? { kind: list.kind } : {}),
        ...(list.apiVersion ? { apiVersion: list.apiVersion } : {}),
        items: list.items ?? [],
        resourceVersion: list.metadata?.resourceVersion ?? "",
        continue: list.metadata?.continue,
      };
    },
    async watch({ resourceVersion, timeoutSeconds }, onEvent, onDone) {
      const watch = new k8s.Watch(kubeConfig);
      // requestTimeoutMs is private in client-node's typings (see watchIdleTimeoutMs above for why we set it).
      Object.assign(watch, { requestTimeoutMs: options.watchIdleTimeoutMs ?? 150_000 });
      return watch.watch(
        options.path,
        { ...selectors, resourceVersion, allowWatchBookmarks: true, timeoutSeconds },
        (type: string, object: unknown) => onEvent(type, object),
        onDone,
      );
    },
  };
}
