import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { errorFields, silentLogger, type Logger } from "./logger.ts";

/**
 * A named check: healthy when it returns true or undefined (or resolves so); unhealthy when it returns
 * false, a string (the reason) or throws. Checks run on every probe, so they must be cheap (read a flag).
 */
export type HealthCheck = () => boolean | string | void | Promise<boolean | string | void>;

export interface HealthServerOptions {
  /** "host:port", ":port" (all interfaces) or a port; "127.0.0.1:0" picks a free port. Default ":8081". */
  address?: string | number;
  /** Served on /metrics when given. */
  registry?: Registry;
  logger?: Logger;
}

/**
 * /healthz (liveness), /readyz (readiness) and /metrics on one node:http server, no framework. Responses
 * follow the apiserver's: 200 "ok", or 500 with one "[+]name ok" / "[-]name failed: reason" line per check
 * (also on success with ?verbose). Check reasons are names and states, never object contents.
 */
export class HealthServer {
  readonly #server: Server;
  readonly #address: { host: string | undefined; port: number };
  readonly #registry: Registry | undefined;
  readonly #logger: Logger;
  readonly #liveness = new Map<string, HealthCheck>();
  readonly #readiness = new Map<string, HealthCheck>();

  constructor(options: HealthServerOptions = {}) {
    this.#address = parseAddress(options.address ?? ":8081");
    this.#registry = options.registry;
    this.#logger = (options.logger ?? silentLogger).child({ component: "health-server" });
    this.#server = createServer((req, res) => void this.#handle(req, res));
    // Probes are short; do not let an idle keep-alive socket hold up stop().
    this.#server.keepAliveTimeout = 5_000;
  }

  /** A liveness check: failing it gets the pod restarted, so only for states a restart fixes. */
  addHealthCheck(name: string, check: HealthCheck): void {
    this.#liveness.set(name, check);
  }

  /** A readiness check, e.g. "informers" (synced) or "leader-election". */
  addReadinessCheck(name: string, check: HealthCheck): void {
    this.#readiness.set(name, check);
  }

  /** The bound port (after start). */
  get port(): number {
    return (this.#server.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Base URL for loopback clients (after start). */
  get url(): string {
    const host = this.#address.host && this.#address.host !== "0.0.0.0" && this.#address.host !== "::" ? this.#address.host : "127.0.0.1";
    return `http://${host.includes(":") ? `[${host}]` : host}:${this.port}`;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.#address.port, this.#address.host, () => {
        this.#server.off("error", reject);
        this.#logger.info({ port: this.port }, "health server listening");
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#server.listening) {
        resolve();
        return;
      }
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://health.invalid");
    try {
      if (req.method !== "GET" && req.method !== "HEAD") {
        send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
      } else if (url.pathname === "/healthz" || url.pathname === "/livez") {
        await this.#probe(res, this.#liveness, url.searchParams.has("verbose"));
      } else if (url.pathname === "/readyz") {
        await this.#probe(res, this.#readiness, url.searchParams.has("verbose"));
      } else if (url.pathname === "/metrics" && this.#registry) {
        send(res, 200, this.#registry.contentType, await this.#registry.metrics());
      } else {
        send(res, 404, "text/plain; charset=utf-8", "not found\n");
      }
    } catch (err) {
      this.#logger.error({ path: url.pathname, ...errorFields(err) }, "health server request failed");
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
      else res.end();
    }
  }

  async #probe(res: ServerResponse, checks: Map<string, HealthCheck>, verbose: boolean): Promise<void> {
    const results = await Promise.all(
      [...checks].map(async ([name, check]) => {
        try {
          const result = await check();
          if (result === false) return { name, ok: false, reason: "not ready" };
          if (typeof result === "string") return { name, ok: false, reason: result };
          return { name, ok: true, reason: "" };
        } catch (err) {
          return { name, ok: false, reason: errorFields(err).error.message };
        }
      }),
    );
    const ok = results.every((r) => r.ok);
    if (ok && !verbose) {
      send(res, 200, "text/plain; charset=utf-8", "ok\n");
      return;
    }
    const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.reason}`));
    send(res, ok ? 200 : 500, "text/plain; charset=utf-8", `${lines.join("\n")}\n${ok ? "ok" : "check failed"}\n`);
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

export function parseAddress(address: string | number): { host: string | undefined; port: number } {
  if (typeof address === "number") return { host: undefined, port: address };
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address);
  if (!m) {
    if (/^\d+$/.test(address)) return { host: undefined, port: Number(address) };
    throw new Error(`invalid listen address ${JSON.stringify(address)}: want host:port or :port`);
  }
  const host = m[1] ?? m[2];
  return { host: host ? host : undefined, port: Number(m[3]) };
}
