import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { Counter, Histogram, type Registry } from "prom-client";
import { parseAddress } from "../health-server.ts";
import { silentLogger, type Logger } from "../logger.ts";
import {
  AdmissionReviewError,
  admissionResponseReview,
  parseAdmissionReview,
  type AdmissionDecision,
  type AdmissionRequest,
  type Operation,
} from "./admission-review.ts";
import { CertificateReloader } from "./cert-reloader.ts";
import { decideCaller, presentedIdentity, readClientCa, watchClientCa, type ClientAuthPolicy } from "./client-auth.ts";

export interface AdmissionContext {
  /** Aborts shortly before the apiserver gives up on this call, so work stops while an answer can still arrive. */
  signal: AbortSignal;
  /** Epoch ms of that moment. */
  deadline: number;
  /** Bound to the request's uid, operation, kind, namespace and name. */
  logger: Logger;
}

/** Decides one admission request. Throwing is a bug: the server denies with a generic message and logs the error. */
export type AdmissionHandler = (request: AdmissionRequest, context: AdmissionContext) => Promise<AdmissionDecision>;

/** One answered review, for counters in tests and metrics. Names only, never the object. */
export interface ReviewEvent {
  path: string;
  uid: string;
  operation: Operation;
  kind: string;
  namespace: string | undefined;
  name: string | undefined;
  dryRun: boolean;
  allowed: boolean;
  patched: boolean;
  code: number | undefined;
  durationMs: number;
  /** SHA-256 fingerprint of the certificate this connection was served (shows a rotation reached the apiserver). */
  certificate: string;
}

export interface WebhookServerOptions {
  /** "host:port", ":port" or a port; default ":9443" (controller-runtime's). */
  address?: string | number;
  certFile: string;
  keyFile: string;
  /**
   * Who may POST admission reviews: the apiserver's client certificate, or (explicitly) anyone. Required, so
   * no caller forgets it. Health paths on this port stay open (kubelet probes present no certificate).
   */
  clientAuth: ClientAuthPolicy;
  /** URL path → handler, e.g. { "/write-through": handler }. */
  handlers: Record<string, AdmissionHandler>;
  logger?: Logger;
  /** Request counters and durations are registered here when given. */
  registry?: Registry;
  onReview?: (event: ReviewEvent) => void;
  certPollIntervalMs?: number;
  /** AdmissionReviews above this are refused (413); default 8 MiB (a Secret is at most 1 MiB, sent old and new). */
  maxBodyBytes?: number;
  /** The handler budget when the apiserver sends no `timeout` query parameter; default 10 s (its default). */
  defaultTimeoutMs?: number;
  /** Kept free before the apiserver's timeout to send the answer; default 1 s. */
  timeoutMarginMs?: number;
}

/**
 * A generic HTTPS server for admission webhooks (AdmissionReview v1): routing by path, size and content
 * checks, a deadline from the apiserver's `?timeout=`, certificates reloaded from disk, and logs that name the
 * object but never carry it. No business logic: handlers decide. Mirrors controller-runtime's webhook.Server
 * + admission.Webhook split.
 */
export class WebhookServer {
  readonly certificate: CertificateReloader;
  readonly #server: Server;
  readonly #address: { host: string | undefined; port: number };
  readonly #handlers: Map<string, AdmissionHandler>;
  readonly #logger: Logger;
  readonly #onReview: ((event: ReviewEvent) => void) | undefined;
  readonly #maxBodyBytes: number;
  readonly #defaultTimeoutMs: number;
  readonly #marginMs: number;
  readonly #requests: Counter | undefined;
  readonly #durations: Histogram | undefined;
  readonly #refusedCallers: Counter | undefined;
  readonly #clientAuth: ClientAuthPolicy;
  readonly #certPollIntervalMs: number;
  #clientCa: Buffer | undefined;
  #stopWatchingCa: (() => void) | undefined;
  #reviews = 0;
  #refused = 0;
  #draining = false;

  constructor(options: WebhookServerOptions) {
    this.#address = parseAddress(options.address ?? ":9443");
    this.#handlers = new Map(Object.entries(options.handlers));
    this.#logger = (options.logger ?? silentLogger).child({ component: "webhook-server" });
    this.#onReview = options.onReview;
    this.#maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? 10_000;
    this.#marginMs = options.timeoutMarginMs ?? 1_000;
    this.certificate = new CertificateReloader({
      certFile: options.certFile,
      keyFile: options.keyFile,
      ...(options.certPollIntervalMs !== undefined ? { pollIntervalMs: options.certPollIntervalMs } : {}),
      logger: this.#logger,
    });
    this.#clientAuth = options.clientAuth;
    this.#certPollIntervalMs = options.certPollIntervalMs ?? 10_000;
    this.#clientCa = options.clientAuth.mode === "certificate" ? readClientCa(options.clientAuth.caFile) : undefined;
    const pair = this.certificate.load();
    // The certificate is requested but not enforced by the handshake: the handler answers an unproven
    // caller with a status and a log line (a failed handshake says nothing), and health paths stay open.
    this.#server = createServer(
      { ...this.#secureContext(pair), requestCert: this.#clientCa !== undefined, rejectUnauthorized: false },
      (req, res) => void this.#handle(req, res),
    );
    // The apiserver keeps connections to webhooks open; Go's client drops idle ones after 90 s.
    this.#server.keepAliveTimeout = 60_000;
    this.#server.requestTimeout = 60_000;
    if (options.registry) {
      this.#requests = new Counter({
        name: "ferry_webhook_requests_total",
        help: "Admission reviews answered, by webhook path, operation and whether they were allowed.",
        labelNames: ["path", "operation", "allowed"],
        registers: [options.registry],
      });
      this.#durations = new Histogram({
        name: "ferry_webhook_request_duration_seconds",
        help: "Time to answer an admission review.",
        labelNames: ["path"],
        buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [options.registry],
      });
      this.#refusedCallers = new Counter({
        name: "ferry_webhook_refused_callers_total",
        help: "Admission requests refused because the caller did not prove to be the kube-apiserver, by HTTP status.",
        labelNames: ["path", "status"],
        registers: [options.registry],
      });
    }
  }

  #secureContext(pair: { cert: Buffer; key: Buffer }) {
    return { ...pair, minVersion: "TLSv1.2" as const, ...(this.#clientCa ? { ca: this.#clientCa } : {}) };
  }

  get port(): number {
    return (this.#server.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Base URL for loopback clients (after start). */
  get url(): string {
    const host = this.#address.host && this.#address.host !== "0.0.0.0" && this.#address.host !== "::" ? this.#address.host : "127.0.0.1";
    return `https://${host.includes(":") ? `[${host}]` : host}:${this.port}`;
  }

  /** Admission requests refused because the caller was not authenticated (never handled, body unread). */
  get refusedCallers(): number {
    return this.#refused;
  }

  /** Reviews answered since start (every path, allowed or not). */
  get reviews(): number {
    return this.#reviews;
  }

  get listening(): boolean {
    return this.#server.listening;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.#address.port, this.#address.host, () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
    if (this.#clientAuth.mode === "certificate") {
      this.#stopWatchingCa = watchClientCa(this.#clientAuth.caFile, this.#certPollIntervalMs, (ca) => {
        this.#clientCa = ca;
        this.#server.setSecureContext(this.#secureContext(this.certificate.current()));
      }, this.#logger);
    }
    this.certificate.start((pair) => {
      this.#server.setSecureContext(this.#secureContext(pair));
      // Kept-alive connections still present the old certificate; idle ones are closed so the apiserver's
      // next call handshakes with the new one well before the old one expires.
      this.#server.closeIdleConnections();
    });
    this.#logger.info(
      { port: this.port, paths: [...this.#handlers.keys()], certificate: this.certificate.fingerprint, clientAuth: this.#clientAuth.mode },
      "webhook server listening",
    );
  }

  /**
   * Shutdown's first step: /readyz on this port answers 503 and every answer closes its connection, so the
   * apiserver's kept-alive connection is not reused and its next call goes to a replica that stays. Reviews
   * are still answered: with failurePolicy Fail a refused connection would fail a user's write.
   */
  drain(): void {
    this.#draining = true;
    this.#server.closeIdleConnections();
  }

  get draining(): boolean {
    return this.#draining;
  }

  /**
   * Stops listening; reviews in flight get `timeoutMs` (default 10 s) to be answered, then their
   * connections are cut so shutdown fits the pod's grace period.
   */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.certificate.stop();
    this.#stopWatchingCa?.();
    if (!this.#server.listening) return;
    this.#draining = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    const cut = setTimeout(() => this.#server.closeAllConnections(), options.timeoutMs ?? 10_000);
    await closed;
    clearTimeout(cut);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? "/", "https://webhook.invalid");
    const path = url.pathname;
    if (this.#draining) res.setHeader("connection", "close");
    if (req.method === "GET" && path === "/readyz" && this.#draining) {
      send(res, 503, "text/plain; charset=utf-8", "shutting down\n");
      return;
    }
    if (req.method === "GET" && (path === "/healthz" || path === "/readyz")) {
      send(res, 200, "text/plain; charset=utf-8", "ok\n");
      return;
    }
    const caller = decideCaller(this.#clientAuth, presentedIdentity(req.socket as TLSSocket));
    if (!caller.allowed) {
      // Before the body is read: an unauthenticated caller never reaches a handler, whatever it sends.
      this.#refused++;
      // Known paths only as a label: an unauthenticated caller must not choose metric series.
      this.#refusedCallers?.inc({ path: this.#handlers.has(path) ? path : "other", status: String(caller.status) });
      this.#logger.warn({ path, status: caller.status, reason: caller.reason, remote: req.socket.remoteAddress }, "admission request from an unauthenticated caller refused");
      req.resume();
      send(res, caller.status, "text/plain; charset=utf-8", `${caller.reason}\n`);
      return;
    }
    const handler = this.#handlers.get(path);
    if (!handler) {
      send(res, 404, "text/plain; charset=utf-8", "not found\n");
      return;
    }
    if (req.method !== "POST") {
      send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
      return;
    }
    if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
      send(res, 415, "text/plain; charset=utf-8", "content-type must be application/json\n");
      return;
    }

    let request: AdmissionRequest;
    try {
      const body = await readBody(req, this.#maxBodyBytes);
      request = parseAdmissionReview(JSON.parse(body.toString("utf8")) as unknown);
    } catch (err) {
      const tooLarge = err instanceof BodyTooLarge;
      const message = tooLarge ? err.message : err instanceof AdmissionReviewError ? err.message : "body is not valid JSON";
      this.#logger.warn({ path, reason: message }, "malformed admission review");
      send(res, tooLarge ? 413 : 400, "text/plain; charset=utf-8", `${message}\n`);
      return;
    }

    const budget = Math.max(100, timeoutOf(url.searchParams.get("timeout"), this.#defaultTimeoutMs) - this.#marginMs);
    const deadline = started + budget;
    const logger = this.#logger.child({
      uid: request.uid,
      operation: request.operation,
      kind: request.kind.kind,
      namespace: request.namespace,
      name: request.name,
      ...(request.dryRun ? { dryRun: true } : {}),
    });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`admission deadline of ${budget} ms passed`)), budget);
    // The apiserver gave up (its timeout, or the client went away): stop working on it.
    res.on("close", () => {
      if (!res.writableFinished) controller.abort(new Error("the apiserver closed the connection"));
    });

    let decision: AdmissionDecision;
    try {
      decision = await handler(request, { signal: controller.signal, deadline, logger });
    } catch (err) {
      // Type and location only: a handler's error message may quote the object (V8's JSON.parse errors quote
      // their input), and the object may be a Secret.
      logger.error({ error: { type: err instanceof Error ? err.name : typeof err, at: whereThrown(err) } }, "admission handler failed");
      decision = { allowed: false, code: 500, reason: "InternalError", message: `internal webhook error (request uid ${request.uid}); see the webhook's logs` };
    } finally {
      clearTimeout(timer);
    }

    send(res, 200, "application/json", JSON.stringify(admissionResponseReview(request.uid, decision)));
    const durationMs = Date.now() - started;
    this.#reviews++;
    const patched = decision.allowed && (decision.patch?.length ?? 0) > 0;
    const event: ReviewEvent = {
      path,
      uid: request.uid,
      operation: request.operation,
      kind: request.kind.kind,
      namespace: request.namespace,
      name: request.name,
      dryRun: request.dryRun === true,
      allowed: decision.allowed,
      patched,
      code: decision.allowed ? undefined : decision.code,
      durationMs,
      certificate: servedFingerprint(req.socket as TLSSocket),
    };
    this.#requests?.inc({ path, operation: request.operation, allowed: String(decision.allowed) });
    this.#durations?.observe({ path }, durationMs / 1000);
    logger.info(
      { allowed: decision.allowed, patched, durationMs, ...(decision.allowed ? {} : { code: decision.code, reason: decision.reason, message: decision.message }) },
      "admission review answered",
    );
    this.#onReview?.(event);
  }
}

class BodyTooLarge extends Error {}

function servedFingerprint(socket: TLSSocket): string {
  const cert = socket.getCertificate() as { fingerprint256?: string } | null;
  return cert?.fingerprint256 ?? "";
}

/** The first stack frame of an error ("file:line:column"), without the message. */
function whereThrown(err: unknown): string {
  const stack = err instanceof Error ? (err.stack ?? "") : "";
  const frame = stack.split("\n").find((line) => line.trimStart().startsWith("at "));
  return frame ? frame.trim().slice(3, 300) : "unknown";
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(new BodyTooLarge(`admission review larger than ${max} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The apiserver's `?timeout=10s` (a Go duration, whole seconds in practice), in ms. */
export function timeoutOf(value: string | null, fallbackMs: number): number {
  if (!value) return fallbackMs;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
  let total = 0;
  let rest = value;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(ms|h|m|s)/.exec(rest);
    if (!m) return fallbackMs;
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total > 0 ? total : fallbackMs;
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  res.end(body);
}
