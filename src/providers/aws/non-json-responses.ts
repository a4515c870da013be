/**
 * An AWS API answer that is not AWS's: a load balancer's or proxy's 502/503/504 page, an empty body. The
 * SDK then throws whatever its JSON (or, for STS, XML) parser threw (`SyntaxError: Unexpected token '<', "<html><bod"... is not
 * valid JSON`, plus a hint to inspect a hidden field) or an `UnknownError` named after the status, and that
 * text reached conditions and Events. This middleware replaces such an error, after the SDK's retries,
 * with one that says what happened: service, operation, HTTP status, and what kind of body came back (never
 * the body itself: it is not AWS's, so nothing is known about what it holds).
 */
import { STATUS_CODES } from "node:http";

interface HttpResponseLike {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

interface SdkErrorLike {
  name?: unknown;
  message?: unknown;
  $response?: HttpResponseLike;
  $metadata?: { httpStatusCode?: unknown };
}

/** The error an AWS JSON API returns, with its `$metadata`, so errors.ts classifies it by status. */
export class NonJsonResponseError extends Error {
  readonly $metadata: { httpStatusCode: number };

  constructor(service: string, operation: string, status: number, body: string) {
    const reason = STATUS_CODES[status];
    super(`${service} ${operation} answered HTTP ${status}${reason ? ` (${reason})` : ""} with ${body}, not an AWS API response (a proxy or load balancer in between?)`);
    this.name = `HTTP${status}`;
    this.$metadata = { httpStatusCode: status };
  }
}

/** Why an SDK error came from a response that was not an AWS JSON error, or undefined when it was one. */
export function nonJsonBody(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as SdkErrorLike;
  const response = e.$response;
  if (!response || typeof response.statusCode !== "number" || response.statusCode < 300) return undefined;
  const headers = lowerCaseKeys(response.headers ?? {});
  // An AWS error names its type in this header (awsJson1.1) or in a JSON body the SDK parsed.
  if (headers["x-amzn-errortype"]) return undefined;
  // JSON APIs (Secrets Manager, SSM): JSON.parse's SyntaxError. Query APIs (STS): the SDK's XML parser.
  const unparsable = e.name === "SyntaxError" || (typeof e.message === "string" && e.message.startsWith("@aws-sdk XML parse error"));
  const unnamed = e.name === "Unknown" || e.name === "UnknownError" || e.name === String(response.statusCode) || e.message === "UnknownError";
  if (!unparsable && !unnamed) return undefined;
  // The SDK keeps no copy of the body; JSON.parse's message starts with the character it choked on.
  const looksLikeMarkup = unparsable && typeof e.message === "string" && /^Unexpected token '<'/.test(e.message);
  // Not SyntaxError: the body parsed (an empty one parses to {}) but named no AWS error type.
  if (!unparsable) return /^[1-9]\d*$/.test(headers["content-length"] ?? "") ? `a ${headers["content-length"]}-byte body without an AWS error type` : "an empty body";
  return describeBody(headers["content-type"], headers["content-length"], looksLikeMarkup);
}

/** "an empty body", "an HTML page", "a 39-byte text/plain body". */
export function describeBody(contentType: string | undefined, contentLength: string | undefined, looksLikeMarkup: boolean): string {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() || undefined;
  if (contentLength === "0") return "an empty body";
  if (type === "text/html" || (looksLikeMarkup && type === undefined)) return "an HTML page";
  const size = contentLength !== undefined && /^\d+$/.test(contentLength) ? `${contentLength}-byte ` : "";
  return `a ${size}${type ?? "non-JSON"} body`;
}

function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

interface MiddlewareStackLike {
  add(middleware: unknown, options: { step: "initialize"; name: string; override?: boolean }): void;
}

/** Installs the replacement on a client's stack; `service` as users know it ("Secrets Manager"). */
export function explainNonJsonResponses(stack: MiddlewareStackLike, service: string): void {
  const middleware =
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: unknown): Promise<unknown> => {
      try {
        return await next(args);
      } catch (err) {
        const body = nonJsonBody(err);
        if (body === undefined) throw err;
        const status = (err as SdkErrorLike).$response!.statusCode!;
        throw new NonJsonResponseError(service, (context.commandName ?? "request").replace(/Command$/, ""), status, body);
      }
    };
  stack.add(middleware, { step: "initialize", name: "ferryExplainNonJsonResponses", override: true });
}
