/**
 * A client-node KubeConfig for the commands that still use client-node's typed APIs (the CSI provider and the
 * webhook). The controller and the user-facing commands use the runtime's own client (cli-support's
 * loadKubeConfig), which does not load client-node's ~46 MiB of generated code (ADR 13).
 */
import * as k8s from "@kubernetes/client-node";
import { shareKubeConnections } from "../runtime/kube-connections.ts";
import { UserError } from "./cli-support.ts";

export function loadClientNodeKubeConfig(path: string | undefined): k8s.KubeConfig {
  const kubeConfig = new k8s.KubeConfig();
  try {
    if (path) kubeConfig.loadFromFile(path);
    else kubeConfig.loadFromDefault();
  } catch (err) {
    throw new UserError(`cannot load kubeconfig${path ? ` ${path}` : ""}: ${(err as Error).message}`, { cause: err });
  }
  if (!kubeConfig.getCurrentCluster()) throw new UserError(`no current cluster in kubeconfig${path ? ` ${path}` : ""}`);
  // One connection pool for every API call and watch, instead of client-node's one per request (ADR 13).
  return shareKubeConnections(kubeConfig);
}
