import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, createServer as createHttpsServer, request as httpsRequest } from "node:https";
import type { AddressInfo, Socket } from "node:net";

/** What the proxy knows about a request when it decides on a fault. */
export interface ProxiedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** AWS API action (GetSecretValue, AssumeRoleWithWebIdentity, …) when the request is an AWS call. */
  awsAction: string | undefined;
  /** True for a Kubernetes watch request. */
  isWatch: boolean;
}

export type Fault =
  /** Answer with this status, headers and body instead of forwarding. */
  | { kind: "respond"; status: number; headers?: Record<string, string>; body?: string }
  /** Wait, then forward. */
  | { kind: "latency"; ms: number }
  /** Destroy the client connection without answering. */
  | { kind: "reset" }
  /** Forward, then cut the response after `ms` (a long watch dropped mid-stream). */
  | { kind: "cut-after"; ms: number };

export interface FaultRule {
  match: (request: ProxiedRequest) => boolean;
  fault: Fault;
  /** How many matching requests get the fault; unlimited when absent. */
  times?: number;
}

export interface ProxyLogEntry {
  method: string;
  path: string;
  awsAction: string | undefined;
  status: number;
  fault: Fault["kind"] | undefined;
  /**
   * Milliseconds from the proxy receiving the request to the upstream's response headers (injected latency
   * included): how long moto took to answer, which bounds a benchmark on a busy machine. For a fault the proxy
   * answers itself, only the proxy's own time.
   */
  ms: number;
}

export interface FaultProxyOptions {
  /** Upstream base URL: moto's http://127.0.0.1:port or the apiserver's https://127.0.0.1:port. */
  target: string;
  /** Serve HTTPS with this certificate (the apiserver proxy); plain HTTP otherwise. */
  serving?: { cert: string | Buffer; key: string | Buffer };
  /** TLS towards an HTTPS upstream. The client certificate is used only for requests without an Authorization header. */
  upstreamTls?: { ca: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
  /**
   * moto only: the account every forwarded request is served from (header x-moto-account-id, which moto
   * ranks above the access key). One proxy per test process gives each test an AWS account of its own.
   */
  motoAccountId?: string;
}

/**
 * A loopback proxy in front of moto or kube-apiserver that injects the faults real servers do not emit on
 * demand (throttling, 5xx, resets, latency, 410 and cut watches) and counts AWS calls by action, so tests and
 * benchmarks assert API budgets on real traffic.
 */
export class FaultProxy {
  readonly #server: Server;
  readonly #options: FaultProxyOptions;
  readonly #rules: Array<FaultRule & { remaining: number }> = [];
  readonly #counts = new Map<string, number>();
  /** AWS calls since the last reset with the secret ids / parameter names each named (countsFor). */
  #awsCalls: Array<{ action: string; ids: readonly string[] }> = [];
  readonly #watches = new Set<ServerResponse>();
  readonly #sockets = new Set<Socket>();
  readonly #agents: { withClientCert: HttpsAgent; withoutClientCert: HttpsAgent } | undefined;
  readonly log: ProxyLogEntry[] = [];
  url = "";

  /** The moto account this proxy serves, when it fronts moto. */
  get accountId(): string | undefined {
    return this.#options.motoAccountId;
  }

  private constructor(options: FaultProxyOptions) {
    this.#options = options;
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res);
    this.#server = options.serving ? createHttpsServer(options.serving, handler) : createHttpServer(handler);
    this.#server.on("connection", (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once("close", () => this.#sockets.delete(socket));
    });
    if (options.upstreamTls) {
      const { ca, cert, key } = options.upstreamTls;
      this.#agents = {
        withClientCert: new HttpsAgent({ keepAlive: true, ca, ...(cert && key ? { cert, key } : {}) }),
        withoutClientCert: new HttpsAgent({ keepAlive: true, ca }),
      };
    }
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await new Promise<void>((resolve) => proxy.#server.listen(0, "127.0.0.1", resolve));
    const { port } = proxy.#server.address() as AddressInfo;
    proxy.url = `${options.serving ? "https" : "http"}://127.0.0.1:${port}`;
    return proxy;
  }

  /** Adds a fault rule; returns a function that removes it. Rules are tried in insertion order. */
  inject(rule: FaultRule): () => void {
    const entry = { ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY };
    this.#rules.push(entry);
    return () => {
      const i = this.#rules.indexOf(entry);
      if (i >= 0) this.#rules.splice(i, 1);
    };
  }

  clearFaults(): void {
    this.#rules.length = 0;
  }

  /** AWS calls seen, by action, since the last reset. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  count(action: string): number {
    return this.#counts.get(action) ?? 0;
  }

  /**
   * AWS calls since the last reset, by action, that named at least one of `ids` (a Secrets Manager SecretId /
   * SecretIdList entry, a Parameter Store Name / Names entry). Budget tests count their own keys with it: on the
   * shared control plane a test's controller also reconciles what earlier test files left behind (namespaces
   * still terminating), and those reads go through the same proxy.
   */
  countsFor(ids: Iterable<string>): Record<string, number> {
    const wanted = new Set(ids);
    const counts = new Map<string, number>();
    for (const call of this.#awsCalls) {
      if (call.ids.some((id) => wanted.has(id))) counts.set(call.action, (counts.get(call.action) ?? 0) + 1);
    }
    return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  resetCounts(): void {
    this.#counts.clear();
    this.#awsCalls = [];
    this.log.length = 0;
  }

  get activeWatches(): number {
    return this.#watches.size;
  }

  /** Drops every open watch stream abruptly (a network cut), or ends them cleanly (the apiserver's timeout). */
  cutWatches(mode: "abrupt" | "clean" = "abrupt"): number {
    const n = this.#watches.size;
    for (const res of this.#watches) {
      if (mode === "abrupt") res.socket?.destroy();
      else res.end();
    }
    this.#watches.clear();
    return n;
  }

  async close(): Promise<void> {
    this.cutWatches();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#agents?.withClientCert.destroy();
    this.#agents?.withoutClientCert.destroy();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const received = performance.now();
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://proxy.invalid");
    const request: ProxiedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      awsAction: awsActionOf(req.headers, url, body),
      isWatch: url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1" || url.pathname.includes("/watch/"),
    };
    if (request.awsAction) {
      this.#counts.set(request.awsAction, (this.#counts.get(request.awsAction) ?? 0) + 1);
      if (this.#awsCalls.length < MAX_RECORDED_AWS_CALLS) this.#awsCalls.push({ action: request.awsAction, ids: awsIdsOf(body) });
    }
    const fault = this.#takeFault(request);
    const record = (status: number) =>
      this.log.push({ method: request.method, path: request.path, awsAction: request.awsAction, status, fault: fault?.kind, ms: performance.now() - received });

    if (fault?.kind === "respond") {
      record(fault.status);
      res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
      res.end(fault.body ?? "");
      return;
    }
    if (fault?.kind === "reset") {
      record(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "latency") await new Promise((r) => setTimeout(r, fault.ms));
    this.#forward(req, res, body, request, fault, record);
  }

  #takeFault(request: ProxiedRequest): Fault | undefined {
    for (const rule of this.#rules) {
      if (rule.remaining > 0 && rule.match(request)) {
        rule.remaining--;
        return rule.fault;
      }
    }
    return undefined;
  }

  #forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    request: ProxiedRequest,
    fault: Fault | undefined,
    record: (status: number) => void,
  ): void {
    const target = new URL(req.url ?? "/", this.#options.target);
    const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
    if (this.#options.motoAccountId) headers["x-moto-account-id"] = this.#options.motoAccountId;
    const agent = this.#agents ? (req.headers.authorization ? this.#agents.withoutClientCert : this.#agents.withClientCert) : undefined;
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const upstream = send(target, { method: req.method, headers, agent }, (upstreamRes) => {
      record(upstreamRes.statusCode ?? 0);
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      if (request.isWatch) {
        this.#watches.add(res);
        res.once("close", () => this.#watches.delete(res));
        // Flush each event as it arrives: watch clients parse line by line.
        res.flushHeaders();
      }
      if (fault?.kind === "cut-after") setTimeout(() => res.socket?.destroy(), fault.ms).unref();
      upstreamRes.pipe(res);
    });
    upstream.on("error", (err) => {
      record(502);
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`fault proxy: upstream error: ${err.message}`);
    });
    // A client that goes away takes its upstream request (a watch) with it.
    res.once("close", () => upstream.destroy());
    upstream.end(body);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * The AWS action of a request, for each protocol the SDK may use: awsJson (X-Amz-Target
 * "secretsmanager.GetSecretValue"), awsQuery (form field Action=AssumeRole), and Smithy RPCv2
 * (path /service/<svc>/operation/<Op>).
 */
export function awsActionOf(headers: IncomingHttpHeaders, url: URL, body: Buffer): string | undefined {
  const target = headers["x-amz-target"];
  if (typeof target === "string" && target.includes(".")) return target.slice(target.lastIndexOf(".") + 1);
  const rpc = /\/service\/[^/]+\/operation\/([^/]+)$/.exec(url.pathname);
  if (rpc) return rpc[1];
  const fromQuery = url.searchParams.get("Action");
  if (fromQuery) return fromQuery;
  const contentType = headers["content-type"] ?? "";
  if (contentType.includes("x-www-form-urlencoded") && body.length > 0) {
    return new URLSearchParams(body.toString("utf8")).get("Action") ?? undefined;
  }
  return undefined;
}

/** Calls kept for countsFor between two resets: a long benchmark must not grow the proxy without bound. */
const MAX_RECORDED_AWS_CALLS = 200_000;

/**
 * The secret ids and parameter names an awsJson request names: SecretId, SecretIdList (Secrets Manager),
 * Name, Names (Parameter Store). Empty for any other body.
 */
export function awsIdsOf(body: Buffer): string[] {
  if (body.length === 0 || body[0] !== 0x7b /* { */) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return [];
  }
  if (parsed === null || typeof parsed !== "object") return [];
  const ids: string[] = [];
  for (const field of ["SecretId", "Name"]) {
    const v = (parsed as Record<string, unknown>)[field];
    if (typeof v === "string") ids.push(v);
  }
  for (const field of ["SecretIdList", "Names"]) {
    const v = (parsed as Record<string, unknown>)[field];
    if (Array.isArray(v)) for (const id of v) if (typeof id === "string") ids.push(id);
  }
  return ids;
}

/** Matchers and faults tests reach for. */
export const faults = {
  awsAction:
    (...actions: string[]) =>
    (r: ProxiedRequest) =>
      r.awsAction !== undefined && actions.includes(r.awsAction),
  anyAws: (r: ProxiedRequest) => r.awsAction !== undefined,
  watchOf:
    (pathPart: string) =>
    (r: ProxiedRequest) =>
      r.isWatch && r.path.includes(pathPart),

  /** An awsJson1.1 ThrottlingException, as Secrets Manager and SSM send it. */
  throttling: (status: 400 | 429 = 400): Fault => ({
    kind: "respond",
    status,
    headers: { "x-amzn-errortype": "ThrottlingException", "content-type": "application/x-amz-json-1.1" },
    body: JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }),
  }),
  /** An awsJson1.1 error of any type, e.g. AccessDeniedException or InternalServiceError. */
  awsError: (status: number, type: string, message: string): Fault => ({
    kind: "respond",
    status,
    headers: { "x-amzn-errortype": type, "content-type": "application/x-amz-json-1.1" },
    body: JSON.stringify({ __type: type, message }),
  }),
  /** A Kubernetes Status error, e.g. 429 with Retry-After or 500. */
  kubeStatus: (code: number, reason: string, headers: Record<string, string> = {}): Fault => ({
    kind: "respond",
    status: code,
    headers,
    body: JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", message: reason, reason, code }),
  }),
  /**
   * How the apiserver answers a watch from a compacted resourceVersion: 200 with a single ERROR event
   * carrying a 410 Status, then the end of the stream.
   */
  watchGone: (): Fault => ({
    kind: "respond",
    status: 200,
    body:
      JSON.stringify({
        type: "ERROR",
        object: { kind: "Status", apiVersion: "v1", status: "Failure", message: "too old resource version", reason: "Expired", code: 410 },
      }) + "\n",
  }),
};
