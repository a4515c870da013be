import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { inClusterKubeConfig, SERVICE_ACCOUNT_DIR } from "./in-cluster.ts";
import { currentContextOf, type KubeConfig } from "./kubeconfig.ts";
import { mergeKubeConfigs, readKubeConfigFile } from "./kubeconfig-file.ts";

export interface KubeConfigSources {
  env?: NodeJS.ProcessEnv;
  home?: string;
  serviceAccountDir?: string;
}

/**
 * The kubeconfig kubectl would use: the given file, else the files in $KUBECONFIG (merged), else
 * ~/.kube/config, else the in-cluster configuration of a pod. Its current context must name a cluster,
 * so a wrong file fails here with a message rather than on the first request.
 */
export function loadKubeConfig(path: string | undefined, sources: KubeConfigSources = {}): KubeConfig {
  const env = sources.env ?? process.env;
  const config = path ? readKubeConfigFile(path) : defaultKubeConfig(env, sources);
  currentContextOf(config);
  return config;
}

function defaultKubeConfig(env: NodeJS.ProcessEnv, sources: KubeConfigSources): KubeConfig {
  const listed = (env.KUBECONFIG ?? "").split(delimiter).filter((p) => p !== "");
  if (listed.length > 0) {
    const present = listed.filter((p) => existsSync(p));
    if (present.length === 0) throw new Error(`none of the files in KUBECONFIG exists: ${listed.join(delimiter)}`);
    return mergeKubeConfigs(present.map(readKubeConfigFile));
  }
  const home = join(sources.home ?? homedir(), ".kube", "config");
  if (existsSync(home)) return readKubeConfigFile(home);
  const serviceAccountDir = sources.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (env.KUBERNETES_SERVICE_HOST && existsSync(join(serviceAccountDir, "token"))) return inClusterKubeConfig(env, serviceAccountDir);
  throw new Error(`no kubeconfig: pass --kubeconfig, set KUBECONFIG, create ${home}, or run in a pod with a ServiceAccount token`);
}
