import { Observable, type ConfigurationOptions, type ObservableMiddleware, type RequestContext, type ResponseContext } from "@kubernetes/client-node";

/** A Kubernetes API call's deadline when the caller sets none; overridable per component. */
export const DEFAULT_KUBE_REQUEST_TIMEOUT_MS = 30_000;

/**
 * client-node per-call options that bound one request: aborted when `signal` aborts (the reconcile's, so a
 * stopping controller cuts its in-flight calls) or after `timeoutMs` (an apiserver that accepts and never
 * answers must not hold a worker; client-go's rest.Config.Timeout plays this role). `base` keeps other
 * per-call options (a patch content type).
 */
export function kubeCallOptions(options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined }, base?: ConfigurationOptions): ConfigurationOptions {
  const timeoutMs = options.timeoutMs ?? DEFAULT_KUBE_REQUEST_TIMEOUT_MS;
  const middleware: ObservableMiddleware = {
    pre: (request: RequestContext) => {
      const deadline = AbortSignal.timeout(timeoutMs);
      request.setSignal(options.signal ? AbortSignal.any([options.signal, deadline]) : deadline);
      return new Observable(Promise.resolve(request));
    },
    post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
  };
  return {
    ...base,
    middleware: [...(base?.middleware ?? []), middleware],
    middlewareMergeStrategy: "append",
  };
}
