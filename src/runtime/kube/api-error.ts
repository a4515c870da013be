/**
 * A Kubernetes API error: the HTTP status and the Status reason/message, never the response body (it may
 * echo an object, e.g. a Secret that failed validation) nor headers.
 */
export class KubeApiError extends Error {
  readonly statusCode: number;
  readonly reason: string | undefined;
  /** The apiserver's Status.message alone (the error's message also names the request). */
  readonly statusMessage: string | undefined;

  constructor(statusCode: number, reason: string | undefined, message: string, statusMessage?: string) {
    super(message);
    this.name = "KubeApiError";
    this.statusCode = statusCode;
    this.reason = reason;
    this.statusMessage = statusMessage;
  }
}

/**
 * The error for a non-2xx answer: `<METHOD> <path>: HTTP <status>[: <Status.message>]`. The body is read
 * only for a metav1.Status's reason and message; anything else (a proxy's error page) is dropped.
 */
export function kubeApiError(method: string, path: string, statusCode: number, body: string): KubeApiError {
  let reason: string | undefined;
  let statusMessage: string | undefined;
  let message = `${method} ${path}: HTTP ${statusCode}`;
  try {
    const status = JSON.parse(body) as { kind?: unknown; reason?: unknown; message?: unknown };
    if (status.kind === "Status") {
      if (typeof status.reason === "string" && status.reason) reason = status.reason;
      if (typeof status.message === "string" && status.message) {
        statusMessage = status.message;
        message += `: ${status.message}`;
      }
    }
  } catch {
    // not JSON: the status code says enough
  }
  return new KubeApiError(statusCode, reason, message, statusMessage);
}

/**
 * The HTTP status of a failed Kubernetes call, else undefined (a network error): KubeApiError's, or the
 * `statusCode` an informer's watch failure carries.
 */
export function kubeStatusCode(err: unknown): number | undefined {
  if (err instanceof KubeApiError) return err.statusCode;
  const { statusCode } = (err ?? {}) as { statusCode?: unknown };
  return typeof statusCode === "number" ? statusCode : undefined;
}

export const isNotFound = (err: unknown): boolean => kubeStatusCode(err) === 404;
export const isConflict = (err: unknown): boolean => kubeStatusCode(err) === 409;
