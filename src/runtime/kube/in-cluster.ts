import { readFileSync } from "node:fs";
import { isIPv6 } from "node:net";
import type { KubeConfig } from "./kubeconfig.ts";

/** Where the kubelet mounts a pod's ServiceAccount token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * The in-cluster configuration: the apiserver from KUBERNETES_SERVICE_HOST/PORT, the mounted CA, and the
 * projected ServiceAccount token as a token file, re-read as the kubelet rotates it (bound tokens expire
 * after an hour; client-go re-reads the file every minute, and so does the client here).
 */
export function inClusterKubeConfig(env: NodeJS.ProcessEnv = process.env, dir = SERVICE_ACCOUNT_DIR): KubeConfig {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new Error("not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
  let namespace: string | undefined;
  try {
    namespace = readFileSync(`${dir}/namespace`, "utf8").trim() || undefined;
  } catch {
    // optional: without it the context has no namespace
  }
  return {
    clusters: [{ name: "in-cluster", server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`, caFile: `${dir}/ca.crt` }],
    users: [{ name: "in-cluster", tokenFile: `${dir}/token` }],
    contexts: [{ name: "in-cluster", cluster: "in-cluster", user: "in-cluster", namespace }],
    currentContext: "in-cluster",
  };
}
