/**
 * A kubeconfig as the runtime uses it: clusters, users and contexts by name and the current context. The
 * shape (field names included) is the one @kubernetes/client-node's KubeConfig normalises a file into, so a
 * client-node KubeConfig (the test harness builds them) is one too, and the runtime never has to import
 * client-node to accept it (ADR 13: loading client-node costs ~46 MiB of the controller's RSS).
 */
export interface KubeCluster {
  readonly name: string;
  readonly server: string;
  /** Base64 PEM (certificate-authority-data). */
  readonly caData?: string | undefined;
  /** Path of a PEM file (certificate-authority), absolute once loaded. */
  readonly caFile?: string | undefined;
  readonly skipTLSVerify?: boolean | undefined;
  readonly tlsServerName?: string | undefined;
  readonly proxyUrl?: string | undefined;
}

export interface KubeUser {
  readonly name: string;
  readonly certData?: string | undefined;
  readonly certFile?: string | undefined;
  readonly keyData?: string | undefined;
  readonly keyFile?: string | undefined;
  readonly token?: string | undefined;
  /** `tokenFile` (client-go's field), read again as it rotates. */
  readonly tokenFile?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly impersonateUser?: string | undefined;
  /** An exec credential plugin (aws eks get-token, gke-gcloud-auth-plugin, kubelogin, …). */
  readonly exec?: unknown;
  /** A legacy auth provider (oidc, …); client-node's in-cluster config uses `{name: "tokenFile"}`. */
  readonly authProvider?: unknown;
}

export interface KubeContext {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace?: string | undefined;
}

export interface KubeConfig {
  readonly clusters: readonly KubeCluster[];
  readonly users: readonly KubeUser[];
  readonly contexts: readonly KubeContext[];
  readonly currentContext: string;
}

export interface CurrentContext {
  context: KubeContext;
  cluster: KubeCluster;
  user: KubeUser;
}

/** The current context with its cluster and user, or an error that names what is missing. */
export function currentContextOf(config: KubeConfig): CurrentContext {
  if (!config.currentContext) throw new Error("the kubeconfig sets no current-context");
  const context = config.contexts.find((c) => c.name === config.currentContext);
  if (!context) throw new Error(`the kubeconfig's current-context "${config.currentContext}" is not one of its contexts`);
  const cluster = config.clusters.find((c) => c.name === context.cluster);
  if (!cluster) throw new Error(`context "${context.name}" names cluster "${context.cluster}", which the kubeconfig does not define`);
  // A context without a user (e.g. a local insecure apiserver) authenticates as nobody.
  const user = config.users.find((u) => u.name === context.user) ?? { name: context.user ?? "" };
  return { context, cluster, user };
}

/** The namespace of the current context, else `default` (as kubectl). */
export function contextNamespace(config: KubeConfig): string {
  return config.contexts.find((c) => c.name === config.currentContext)?.namespace || "default";
}
