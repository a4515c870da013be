import type { FileSource } from "./file-source.ts";
import type { KubeCluster, KubeConfig, KubeUser } from "./kubeconfig.ts";
import { currentContextOf } from "./kubeconfig.ts";

/** What a TLS connection to the apiserver is made with; connections are shared while it is unchanged. */
export interface TlsMaterial {
  ca?: Buffer | undefined;
  cert?: Buffer | undefined;
  key?: Buffer | undefined;
  /** false only for insecure-skip-tls-verify. */
  rejectUnauthorized: boolean;
  servername?: string | undefined;
}

/** How to reach and authenticate to the current context's apiserver for one request. */
export interface Credentials {
  /** Names the connection pool: one per cluster. */
  clusterName: string;
  server: string;
  tls: TlsMaterial;
  headers: Record<string, string>;
}

/** Credentials from an exec plugin or auth provider, which only client-node implements (plugin-credentials.ts). */
export type PluginCredentials = (config: KubeConfig) => Promise<{ headers: Record<string, string>; tls: Partial<TlsMaterial> }>;

/** client-node's in-cluster user is an auth provider named tokenFile; it is a token file like any other. */
function tokenFileOf(user: KubeUser): string | undefined {
  if (user.tokenFile) return user.tokenFile;
  const provider = user.authProvider as { name?: unknown; config?: { tokenFile?: unknown } } | undefined | null;
  const file = provider?.config?.tokenFile;
  return typeof file === "string" && file !== "" ? file : undefined;
}

/** Whether the user authenticates through a plugin only client-node implements (exec, oidc, …). */
export function needsPlugin(user: KubeUser): boolean {
  return !!user.exec || (!!user.authProvider && tokenFileOf(user) === undefined);
}

function pem(files: FileSource, file: string | undefined | null, data: string | undefined | null): Buffer | undefined {
  if (file) return files.read(file);
  if (data) return Buffer.from(data, "base64");
  return undefined;
}

function staticTls(cluster: KubeCluster, user: KubeUser, files: FileSource): TlsMaterial {
  return {
    ca: pem(files, cluster.caFile, cluster.caData),
    cert: pem(files, user.certFile, user.certData),
    key: pem(files, user.keyFile, user.keyData),
    rejectUnauthorized: cluster.skipTLSVerify !== true,
    servername: cluster.tlsServerName || undefined,
  };
}

/**
 * The current context's server, TLS material and authentication headers, in client-go's order: client
 * certificate, then bearer token (token, else token file), else basic auth; exec plugins and auth providers
 * through `plugin` (loaded only for such users).
 */
export async function resolveCredentials(config: KubeConfig, files: FileSource, plugin: PluginCredentials): Promise<Credentials> {
  const { cluster, user } = currentContextOf(config);
  if (cluster.proxyUrl) throw new Error(`cluster "${cluster.name}" sets proxy-url, which Ferry does not support; reach the apiserver directly`);
  const url = new URL(cluster.server);
  if (url.protocol === "http:" && !cluster.skipTLSVerify) throw new Error(`cluster "${cluster.name}": plain HTTP (${cluster.server}) needs insecure-skip-tls-verify`);
  const tls = staticTls(cluster, user, files);
  const headers: Record<string, string> = {};
  if (needsPlugin(user)) {
    const fromPlugin = await plugin(config);
    Object.assign(headers, fromPlugin.headers);
    for (const [k, v] of Object.entries(fromPlugin.tls)) if (v !== undefined) Object.assign(tls, { [k]: v });
  }
  const tokenFile = tokenFileOf(user);
  if (user.token) headers.authorization = `Bearer ${user.token}`;
  else if (tokenFile) headers.authorization = `Bearer ${files.read(tokenFile).toString("utf8").trim()}`;
  else if (user.username && !headers.authorization) headers.authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ""}`).toString("base64")}`;
  if (user.impersonateUser) headers["impersonate-user"] = user.impersonateUser;
  return { clusterName: cluster.name, server: cluster.server.replace(/\/+$/, ""), tls, headers };
}
