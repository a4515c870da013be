import { createHash } from "node:crypto";
import type * as k8s from "@kubernetes/client-node";

/** What client-node's (private) createDispatcher returns: an undici Dispatcher, or undefined without TLS options. */
interface Dispatcher {
  close(): Promise<void>;
}

type CreateDispatcher = (cluster: k8s.Cluster | null, agentOptions: Record<string, unknown>) => Dispatcher | undefined;

/** The TLS material a connection is made with: a dispatcher is reused only while it is unchanged. */
export function connectionKey(cluster: k8s.Cluster | null, agentOptions: Record<string, unknown>): string {
  const hash = createHash("sha256");
  for (const field of ["ca", "cert", "key", "pfx", "passphrase", "rejectUnauthorized", "servername"]) {
    const value = agentOptions[field];
    hash.update(`${field}=`);
    if (value !== undefined) hash.update(Buffer.isBuffer(value) ? value : JSON.stringify(value));
    hash.update("\0");
  }
  return `${cluster?.name ?? ""}\0${cluster?.server ?? ""}\0${hash.digest("hex")}`;
}

/**
 * Makes every request of this KubeConfig share one connection pool. client-node 2.0 builds a new undici
 * Agent in every `applySecurityAuthentication`, i.e. for every API call and every watch: each call opened
 * its own TLS connection (with the client certificate and CA parsed into a fresh SecureContext), and the
 * agents lingered until garbage collection. At 1,000 ExternalSecrets that was ~60 open sockets and hundreds
 * of MB of native (TLS) memory in the controller, plus a TLS handshake per request on the apiserver.
 *
 * One dispatcher per cluster is kept, replaced (and the old one closed once its requests finish) when the
 * TLS material changes, e.g. a rotated client certificate file, so the map stays bounded by the number of
 * clusters in the kubeconfig.
 */
export function shareKubeConnections<T extends k8s.KubeConfig>(kubeConfig: T): T {
  const target = kubeConfig as unknown as { createDispatcher?: CreateDispatcher; ferrySharedConnections?: true };
  const create = target.createDispatcher;
  if (typeof create !== "function") throw new Error("@kubernetes/client-node has no KubeConfig.createDispatcher: update shareKubeConnections for this version");
  if (target.ferrySharedConnections) return kubeConfig;
  const byCluster = new Map<string, { key: string; dispatcher: Dispatcher | undefined }>();
  target.createDispatcher = (cluster, agentOptions) => {
    const clusterId = `${cluster?.name ?? ""}\0${cluster?.server ?? ""}`;
    const key = connectionKey(cluster, agentOptions);
    const current = byCluster.get(clusterId);
    if (current?.key === key) return current.dispatcher;
    const dispatcher = create.call(kubeConfig, cluster, agentOptions);
    byCluster.set(clusterId, { key, dispatcher });
    // close() lets requests already sent on the old connections finish.
    if (current?.dispatcher) void current.dispatcher.close().catch(() => undefined);
    return dispatcher;
  };
  target.ferrySharedConnections = true;
  return kubeConfig;
}
