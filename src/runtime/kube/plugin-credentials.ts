import type { KubeConfig as ClientNodeKubeConfig } from "@kubernetes/client-node";
import type { PluginCredentials, TlsMaterial } from "./credentials.ts";
import type { KubeConfig } from "./kubeconfig.ts";

/**
 * Exec credential plugins (aws eks get-token, kubelogin, …) and auth providers (oidc) through
 * @kubernetes/client-node, imported only when a kubeconfig uses one: loading it costs ~46 MiB of RSS
 * (ADR 13), which in-cluster, certificate and token configurations never pay. One client-node KubeConfig
 * per kubeconfig, so its authenticators' token caches (an exec plugin runs once per token lifetime) last.
 */
export function clientNodePluginCredentials(): PluginCredentials {
  const loaded = new WeakMap<KubeConfig, Promise<ClientNodeKubeConfig>>();
  const clientNodeConfig = (config: KubeConfig): Promise<ClientNodeKubeConfig> => {
    let kc = loaded.get(config);
    if (!kc) {
      kc = import("@kubernetes/client-node").then(({ KubeConfig: ClientNode }) => {
        const out = new ClientNode();
        out.loadFromOptions({
          clusters: config.clusters.map((c) => ({ ...c, skipTLSVerify: c.skipTLSVerify === true })),
          users: config.users,
          contexts: config.contexts,
          currentContext: config.currentContext,
        });
        return out;
      });
      loaded.set(config, kc);
    }
    return kc;
  };
  return async (config) => {
    const kc = await clientNodeConfig(config);
    const options: { headers?: Record<string, unknown>; ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
    await kc.applyToHTTPSOptions(options);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.headers ?? {})) if (typeof v === "string" || typeof v === "number") headers[k.toLowerCase()] = String(v);
    const tls: Partial<TlsMaterial> = { ca: options.ca, cert: options.cert, key: options.key };
    return { headers, tls };
  };
}
