import { join } from "node:path";
import { ManagedProcess } from "./managed-process.ts";

/**
 * Starts kube-controller-manager with only the controllers the tests rely on: the garbage collector
 * (Owner Secrets are deleted with their ExternalSecret), namespace deletion (per-test namespaces go away)
 * and the serviceaccount controller (a `default` ServiceAccount in every namespace).
 * Readiness is proven functionally by the caller (a garbage-collection probe): with --secure-port=0
 * there is no health endpoint.
 */
export function startControllerManager(options: { binary: string; kubeconfig: string; logDir: string }): ManagedProcess {
  return ManagedProcess.start({
    name: "kube-controller-manager",
    command: options.binary,
    logFile: join(options.logDir, "kube-controller-manager.log"),
    args: [
      `--kubeconfig=${options.kubeconfig}`,
      "--leader-elect=false",
      "--secure-port=0",
      "--controllers=garbage-collector-controller,namespace-controller,serviceaccount-controller",
      "--concurrent-gc-syncs=5",
      "--v=1",
    ],
  });
}
