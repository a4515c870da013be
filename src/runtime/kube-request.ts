import * as k8s from "@kubernetes/client-node";

/**
 * A Kubernetes API error: the HTTP status and the Status reason/message, never the response body (it may
 * echo an object) nor headers.
 */
export class KubeApiError extends Error {
  readonly statusCode: number;
  readonly reason: string | undefined;

  constructor(statusCode: number, reason: string | undefined, message: string) {
    super(message);
    this.name = "KubeApiError";
    this.statusCode = statusCode;
    this.reason = reason;
  }
}

export interface KubeRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Absolute API path, e.g. /api/v1/namespaces/x/configmaps. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/**
 * One JSON request to the apiserver with the KubeConfig's authentication (client certificates, bearer or
 * exec tokens, CA), through client-node's own HTTP library, for callers that need a raw path (a list path
 * for any resource, paginated) or exact status codes (409 for optimistic concurrency) rather than a typed
 * client.
 */
export async function kubeRequest<T>(kubeConfig: k8s.KubeConfig, request: KubeRequest): Promise<T> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig has no current cluster");
  const url = new URL(cluster.server.replace(/\/+$/, "") + request.path);
  for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
  const ctx = new k8s.RequestContext(url.toString(), request.method);
  ctx.setHeaderParam("Accept", "application/json");
  if (request.body !== undefined) {
    ctx.setHeaderParam("Content-Type", request.contentType ?? "application/json");
    ctx.setBody(JSON.stringify(request.body));
  }
  if (request.signal) ctx.setSignal(request.signal);
  await kubeConfig.applySecurityAuthentication(ctx);
  const response = await new k8s.IsomorphicFetchHttpLibrary().send(ctx).toPromise();
  const text = await response.body.text();
  if (response.httpStatusCode < 200 || response.httpStatusCode >= 300) {
    let reason: string | undefined;
    let message = `${request.method} ${url.pathname}: HTTP ${response.httpStatusCode}`;
    try {
      const status = JSON.parse(text) as { kind?: string; reason?: string; message?: string };
      if (status.kind === "Status") {
        reason = status.reason;
        if (status.message) message += `: ${status.message}`;
      }
    } catch {
      // not JSON (a proxy's error page): the status code says enough
    }
    throw new KubeApiError(response.httpStatusCode, reason, message);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
