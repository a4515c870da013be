/**
 * Everything the real node needs, built or found, or a clear error naming what is missing. The Go-built
 * parts come from tools/k8s (control plane and node components) and tools/csi (the Secrets Store CSI driver
 * and Ferry's registrar); the container runtime, CNI plugins and image tools are Debian packages (.ci/run
 * installs them).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ensureKubernetesBinaries, type KubernetesBinaries } from "../binaries.ts";
import { repoRoot } from "../paths.ts";

export interface NodeBinaries extends KubernetesBinaries {
  kubelet: string;
  kubeScheduler: string;
  kubeProxy: string;
  kubectl: string;
  csiDriver: string;
  registrar: string;
  /** Directory of the driver's CRDs. */
  csiCrds: string;
  /** The driver's own Helm chart. */
  csiChart: string;
  /** Directory of the CSI binaries (driver, registrar, liveness probe). */
  csiBinDir: string;
  containerd: string;
  ctr: string;
  cniBinDir: string;
}

/** Debian packages the node needs, by a file each installs. */
export const REQUIRED_PACKAGES: ReadonlyArray<{ pkg: string; file: string }> = [
  { pkg: "containerd", file: "/usr/bin/containerd" },
  { pkg: "runc", file: "/usr/sbin/runc" },
  { pkg: "containernetworking-plugins", file: "/usr/lib/cni/bridge" },
  { pkg: "iptables", file: "/usr/sbin/iptables" },
  { pkg: "iproute2", file: "/usr/sbin/ip" },
  { pkg: "util-linux", file: "/usr/bin/nsenter" },
  { pkg: "mmdebstrap", file: "/usr/bin/mmdebstrap" },
  { pkg: "umoci", file: "/usr/bin/umoci" },
  { pkg: "skopeo", file: "/usr/bin/skopeo" },
  { pkg: "busybox-static", file: "/bin/busybox" },
  { pkg: "gcc", file: "/usr/bin/gcc" },
];

/** What stops this machine from running the node, or [] when it can. */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (process.platform !== "linux") missing.push(`Linux (this is ${process.platform})`);
  if (typeof process.getuid === "function" && process.getuid() !== 0) missing.push("root (namespaces, mounts, cgroups and containerd need it)");
  const packages = REQUIRED_PACKAGES.filter((p) => !existsSync(p.file)).map((p) => p.pkg);
  if (packages.length > 0) missing.push(`Debian packages: ${packages.join(" ")} (apt-get install -y ${packages.join(" ")})`);
  if (!existsSync("/sys/fs/cgroup")) missing.push("a cgroup filesystem at /sys/fs/cgroup");
  return missing;
}

function buildScript(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out.trim().split("\n").at(-1) ?? "") : reject(new Error(`${script} exited with ${code}`))));
  });
}

export async function ensureNodeBinaries(): Promise<NodeBinaries> {
  const controlPlane = await ensureKubernetesBinaries();
  const node = await buildScript(join(repoRoot, "tools", "k8s", "build-node.sh"));
  const csi = await buildScript(join(repoRoot, "tools", "csi", "build.sh"));
  return {
    ...controlPlane,
    kubelet: join(node, "kubelet"),
    kubeScheduler: join(node, "kube-scheduler"),
    kubeProxy: join(node, "kube-proxy"),
    kubectl: join(node, "kubectl"),
    csiDriver: join(csi, "secrets-store-csi-driver"),
    registrar: join(csi, "registrar"),
    csiCrds: join(csi, "crds"),
    csiChart: join(csi, "chart"),
    csiBinDir: csi,
    containerd: "/usr/bin/containerd",
    ctr: "/usr/bin/ctr",
    cniBinDir: "/usr/lib/cni",
  };
}
