import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./paths.ts";

export interface KubernetesBinaries {
  kubeApiserver: string;
  kubeControllerManager: string;
  etcd: string;
}

/**
 * Builds (cold: 15-25 min on 2 cores) or reuses kube-apiserver, kube-controller-manager and etcd, built
 * from Go modules by tools/k8s/build.sh into a cache keyed by versions. Progress goes to stderr.
 */
export async function ensureKubernetesBinaries(): Promise<KubernetesBinaries> {
  const script = join(repoRoot, "tools", "k8s", "build.sh");
  const dir = await new Promise<string>((resolve, reject) => {
    const child = spawn("bash", [script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(out.trim().split("\n").at(-1) ?? "") : reject(new Error(`tools/k8s/build.sh exited with ${code}`)),
    );
  });
  return {
    kubeApiserver: join(dir, "kube-apiserver"),
    kubeControllerManager: join(dir, "kube-controller-manager"),
    etcd: join(dir, "etcd"),
  };
}
