import { createHash } from "node:crypto";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { TlsMaterial } from "./credentials.ts";

type Agent = HttpAgent | HttpsAgent;

/** The TLS material a connection is made with: a pool is reused only while it is unchanged. */
export function tlsKey(server: string, tls: TlsMaterial): string {
  const hash = createHash("sha256");
  for (const field of ["ca", "cert", "key", "rejectUnauthorized", "servername"] as const) {
    const value = tls[field];
    hash.update(`${field}=`);
    if (value !== undefined) hash.update(Buffer.isBuffer(value) ? value : String(value));
    hash.update("\0");
  }
  return `${server}\0${hash.digest("hex")}`;
}

/**
 * One keep-alive connection pool per cluster (ADR 13: a TLS connection per request, with the CA and client
 * certificate parsed each time, was most of the controller's memory). The pool is replaced when the TLS
 * material changes, e.g. a rotated client certificate: the old one lets its in-flight requests and watches
 * finish and closes each connection as it is released, so the map stays bounded by the number of clusters.
 * Node's own http(s) agents are used, not undici's: the AWS SDK loads node:https anyway, so this costs no
 * module memory.
 */
export class ConnectionPool {
  readonly #byCluster = new Map<string, { key: string; agent: Agent }>();

  agentFor(clusterName: string, server: string, tls: TlsMaterial): Agent {
    const key = tlsKey(server, tls);
    const current = this.#byCluster.get(clusterName);
    if (current?.key === key) return current.agent;
    const agent = server.startsWith("http:")
      ? new HttpAgent({ keepAlive: true })
      : new HttpsAgent({
          keepAlive: true,
          // As client-go: TCP keep-alive probes after 30 s, so a half-open connection is noticed.
          keepAliveMsecs: 30_000,
          ...(tls.ca ? { ca: tls.ca } : {}),
          ...(tls.cert ? { cert: tls.cert } : {}),
          ...(tls.key ? { key: tls.key } : {}),
          rejectUnauthorized: tls.rejectUnauthorized,
          ...(tls.servername ? { servername: tls.servername } : {}),
        });
    this.#byCluster.set(clusterName, { key, agent });
    if (current) retire(current.agent);
    return agent;
  }

  /** Closes every connection (for tools and tests that end; the controller's pool lives as long as it does). */
  close(): void {
    for (const { agent } of this.#byCluster.values()) agent.destroy();
    this.#byCluster.clear();
  }

  get size(): number {
    return this.#byCluster.size;
  }
}

/** Idle connections close now; busy ones (a watch, a request in flight) when they are released. */
function retire(agent: Agent): void {
  (agent as Agent & { keepAlive: boolean }).keepAlive = false;
  for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
}
