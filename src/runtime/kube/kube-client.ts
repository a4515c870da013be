import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { kubeApiError } from "./api-error.ts";
import { ConnectionPool } from "./connection-pool.ts";
import { resolveCredentials, type PluginCredentials } from "./credentials.ts";
import { FileSource } from "./file-source.ts";
import type { KubeConfig } from "./kubeconfig.ts";
import { clientNodePluginCredentials } from "./plugin-credentials.ts";
import { WatchStreamDecoder } from "./watch-stream.ts";

/** A Kubernetes API call's deadline when the caller sets none (client-go's rest.Config.Timeout plays this role). */
export const DEFAULT_KUBE_REQUEST_TIMEOUT_MS = 30_000;

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  /** The caller's signal (a reconcile's: a stopping controller cuts its in-flight calls). */
  signal?: AbortSignal | undefined;
  /** Overrides DEFAULT_KUBE_REQUEST_TIMEOUT_MS: an apiserver that accepts and never answers must not hold a worker. */
  timeoutMs?: number | undefined;
  query?: Query | undefined;
}

export interface KubeRequest extends CallOptions {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Absolute API path, e.g. /api/v1/namespaces/x/configmaps. */
  path: string;
  body?: unknown;
  contentType?: string | undefined;
}

/** The patch formats callers use, by their content type. */
export const PATCH_CONTENT_TYPES = {
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  json: "application/json-patch+json",
  apply: "application/apply-patch+yaml",
} as const;
export type PatchType = keyof typeof PATCH_CONTENT_TYPES;

export interface WatchRequest {
  resourceVersion?: string | undefined;
  timeoutSeconds?: number | undefined;
  allowWatchBookmarks?: boolean | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Abort a watch that sends nothing for this long (a half-open connection); reset by every byte. */
  idleTimeoutMs?: number | undefined;
}

export interface WatchHandle {
  abort(): void;
}

export interface KubeClientOptions {
  files?: FileSource;
  plugin?: PluginCredentials;
  pool?: ConnectionPool;
}

const USER_AGENT = "ferry";

/**
 * A small Kubernetes REST client: JSON requests by path and streaming watches over one connection pool per
 * cluster, with the kubeconfig's authentication. It replaces @kubernetes/client-node in the controller, whose
 * every import loads all its generated APIs and models (~46 MiB of RSS, ADR 13). Objects are plain JSON
 * (timestamps are strings); errors are KubeApiError with the status code, never the body.
 */
export class KubeClient {
  readonly config: KubeConfig;
  readonly #files: FileSource;
  readonly #plugin: PluginCredentials;
  readonly #pool: ConnectionPool;

  constructor(config: KubeConfig, options: KubeClientOptions = {}) {
    this.config = config;
    this.#files = options.files ?? new FileSource();
    this.#plugin = options.plugin ?? clientNodePluginCredentials();
    this.#pool = options.pool ?? new ConnectionPool();
  }

  async request<T>(request: KubeRequest): Promise<T> {
    const deadline = AbortSignal.timeout(request.timeoutMs ?? DEFAULT_KUBE_REQUEST_TIMEOUT_MS);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const response = await this.#send(request.method, request.path, request.query, signal, body, request.contentType);
    const text = await readText(response, signal);
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) throw kubeApiError(request.method, request.path, status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string, options: CallOptions = {}): Promise<T> {
    return this.request<T>({ ...options, method: "GET", path });
  }

  create<T>(collectionPath: string, body: unknown, options: CallOptions = {}): Promise<T> {
    return this.request<T>({ ...options, method: "POST", path: collectionPath, body });
  }

  replace<T>(path: string, body: unknown, options: CallOptions = {}): Promise<T> {
    return this.request<T>({ ...options, method: "PUT", path, body });
  }

  patch<T>(path: string, type: PatchType, body: unknown, options: CallOptions = {}): Promise<T> {
    return this.request<T>({ ...options, method: "PATCH", path, body, contentType: PATCH_CONTENT_TYPES[type] });
  }

  /** `body` is DeleteOptions (preconditions, propagationPolicy). */
  delete<T = unknown>(path: string, options: CallOptions & { body?: unknown } = {}): Promise<T> {
    return this.request<T>({ ...options, method: "DELETE", path });
  }

  /**
   * Opens a watch on a collection path. Resolves once the apiserver has answered (or the request failed);
   * `onDone` is called exactly once when the stream ends: without an error when the server closed it
   * (timeoutSeconds), with a KubeApiError for an HTTP error status (e.g. 410 when resourceVersion is too old),
   * or with the network or idle-timeout error. ERROR events (a Status object) are passed to `onEvent` as is.
   */
  async watch(path: string, options: WatchRequest, onEvent: (type: string, object: unknown) => void, onDone: (err: unknown) => void): Promise<WatchHandle> {
    const controller = new AbortController();
    let done = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = (err: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      controller.abort();
      onDone(err);
    };
    const idleMs = options.idleTimeoutMs ?? 150_000;
    const resetIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(new DOMException(`watch ${path} sent nothing for ${idleMs} ms`, "TimeoutError")), idleMs);
      idle.unref();
    };
    const query: Query = {
      watch: true,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: options.allowWatchBookmarks,
      timeoutSeconds: options.timeoutSeconds,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    };
    controller.signal.addEventListener("abort", () => finish(abortError(controller.signal)), { once: true });
    try {
      resetIdle();
      const response = await this.#send("GET", path, query, controller.signal);
      if (response.statusCode !== 200) {
        finish(kubeApiError("GET", path, response.statusCode ?? 0, await readText(response, controller.signal)));
        return controller;
      }
      resetIdle();
      const decoder = new WatchStreamDecoder();
      const deliver = (events: ReturnType<WatchStreamDecoder["push"]>) => {
        for (const event of events) if (!done) onEvent(event.type, event.object);
      };
      response.on("data", (chunk: Buffer) => {
        if (done) return;
        resetIdle();
        try {
          deliver(decoder.push(chunk));
        } catch (err) {
          finish(err);
        }
      });
      response.on("end", () => {
        if (!done) deliver(decoder.end());
        finish(null);
      });
      response.on("error", finish);
      response.on("close", () => finish(response.complete ? null : new Error(`watch ${path}: connection closed`)));
    } catch (err) {
      finish(err);
    }
    return controller;
  }

  /** Closes the client's connections (tools and tests; the controller's client lives as long as it does). */
  close(): void {
    this.#pool.close();
  }

  async #send(method: string, path: string, query: Query | undefined, signal: AbortSignal, body?: string, contentType?: string): Promise<IncomingMessage> {
    signal.throwIfAborted();
    const credentials = await resolveCredentials(this.config, this.#files, this.#plugin);
    const url = new URL(credentials.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
    const agent = this.#pool.agentFor(credentials.clusterName, credentials.server, credentials.tls);
    const headers: Record<string, string | number> = { accept: "application/json", "user-agent": USER_AGENT, ...credentials.headers };
    if (body !== undefined) {
      headers["content-type"] = contentType ?? "application/json";
      headers["content-length"] = Buffer.byteLength(body);
    }
    const send = url.protocol === "http:" ? httpRequest : httpsRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method, headers, agent }, resolve);
      // Not http.request's own `signal` option: its abort destroys the request with an error, which Node
      // emits where no listener catches it when the abort comes from inside the response's data handler (an
      // informer ending its watch on an ERROR event). Here the request is destroyed quietly and the caller
      // gets the abort error (readBody/watch see the cut response).
      const onAbort = () => {
        reject(abortError(signal));
        req.destroy();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      req.on("close", () => signal.removeEventListener("abort", onAbort));
      req.on("error", reject);
      req.end(body);
    });
  }
}

/** What an aborted call rejects with: AbortError, caused by the signal's reason (a TimeoutError for a deadline). */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error("The operation was aborted", { cause: signal.reason }), { name: "AbortError", code: "ABORT_ERR" });
}

/** The whole response body; fails when the connection is cut, or with the abort error when `signal` cut it. */
async function readText(response: IncomingMessage, signal: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of response) chunks.push(chunk as Buffer);
  } catch (err) {
    throw signal.aborted ? abortError(signal) : err;
  }
  if (!response.complete) throw signal.aborted ? abortError(signal) : Object.assign(new Error("the apiserver closed the connection before the response ended"), { code: "ECONNRESET" });
  return Buffer.concat(chunks).toString("utf8");
}

const clients = new WeakMap<KubeConfig, KubeClient>();

/**
 * The client of a kubeconfig, one per kubeconfig object: every component given the same kubeconfig shares
 * one connection pool per cluster and one exec-plugin token cache.
 */
export function kubeClient(config: KubeConfig): KubeClient {
  let client = clients.get(config);
  if (!client) {
    client = new KubeClient(config);
    clients.set(config, client);
  }
  return client;
}
