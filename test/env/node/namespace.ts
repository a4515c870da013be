/**
 * The node's private world: a network namespace, a private mount namespace and a PID namespace, made by
 * `unshare` and held open by a small PID-1 shell. Everything of the node runs inside (`nsenter`): the
 * apiserver's address, kubelet, containerd, the CNI bridge, kube-proxy's iptables, moto. So nothing listens on
 * or sends to the machine's own interfaces, iptables rules and net.* sysctls are the namespace's own, and
 * when PID 1 exits the kernel kills every process left inside (stray shims included) and drops the
 * namespaces with their mounts, bridge and rules.
 *
 * Inside the mount namespace, tmpfs hides the host's /run, /var/lib and /var/log (where containerd, runc, CNI
 * and kubelet keep state they cannot be told to keep elsewhere), and kubelet's kernel tunables are files
 * bind-mounted over /proc/sys: kubelet (protectKernelDefaults) reads the values it wants and never writes the
 * host's vm/kernel sysctls.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";

/** The node's address, on the namespace's loopback: the apiserver, kubelet and moto listen here; pods reach it through the bridge. */
export const NODE_IP = "10.99.0.1";
/** The Services' ClusterIP range (kube-apiserver --service-cluster-ip-range). */
export const SERVICE_CIDR = "10.0.0.0/24";

/** What kubelet checks with protectKernelDefaults (pkg/kubelet/cm/container_manager_linux.go setupKernelTunables). */
export const KUBELET_KERNEL_TUNABLES: Readonly<Record<string, string>> = {
  "vm/overcommit_memory": "1",
  "vm/panic_on_oom": "0",
  "kernel/panic": "10",
  "kernel/panic_on_oops": "1",
  "kernel/keys/root_maxkeys": "1000000",
  "kernel/keys/root_maxbytes": "25000000",
};

function setupScript(stateDir: string): string {
  const tunables = Object.entries(KUBELET_KERNEL_TUNABLES)
    .map(([key, value]) => `printf '%s\\n' ${value} > "$S/sysctl/${key.replace(/\//g, ".")}" && mount --bind "$S/sysctl/${key.replace(/\//g, ".")}" /proc/sys/${key}`)
    .join("\n");
  return `set -eu
S=${JSON.stringify(stateDir)}
mount -t tmpfs -o mode=755 ferry-node-run /run
mkdir -p /run/netns /run/containerd /run/lock
mount -t tmpfs -o mode=755 ferry-node-varlib /var/lib
mount -t tmpfs -o mode=755 ferry-node-varlog /var/log
mkdir -p "$S/sysctl" "$S/containerd"
# containerd's content and snapshots (the unpacked images) on the namespace's own tmpfs: gone with it, instead
# of tens of thousands of files to delete from disk at teardown.
mount -t tmpfs -o mode=700 ferry-node-containerd "$S/containerd"
${tunables}
ip link set lo up
ip addr add ${NODE_IP}/32 dev lo
# The node's own connections to Service IPs (the apiserver calling the webhook's Service) need a route before
# kube-proxy's OUTPUT DNAT sends them to the pod: a node has a default route, this namespace has none.
ip route add ${SERVICE_CIDR} dev lo src ${NODE_IP}
echo 1 > /proc/sys/net/ipv4/ip_forward
if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables; fi
touch "$S/namespace-ready"
trap 'exit 0' TERM INT
# PID 1 of the namespace: reap whatever is reparented here until told to stop.
while :; do sleep 3600 & wait $! || true; done
`;
}

export class NodeNamespace {
  readonly stateDir: string;
  /** PID (in the host's PID namespace) of the namespace's PID 1. */
  readonly pid: number;
  readonly #unshare: ChildProcess;
  readonly #exited: Promise<void>;

  private constructor(stateDir: string, pid: number, unshare: ChildProcess, exited: Promise<void>) {
    this.stateDir = stateDir;
    this.pid = pid;
    this.#unshare = unshare;
    this.#exited = exited;
  }

  static async create(stateDir: string): Promise<NodeNamespace> {
    const log = join(stateDir, "namespace.log");
    const unshare = spawn(
      "unshare",
      ["--net", "--mount", "--pid", "--fork", "--mount-proc", "--propagation", "private", "bash", "-c", setupScript(stateDir)],
      { stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    let output = "";
    unshare.stdout?.on("data", (b: Buffer) => (output += b.toString()));
    unshare.stderr?.on("data", (b: Buffer) => (output += b.toString()));
    const exited = new Promise<void>((resolve) => unshare.once("exit", () => resolve()));
    unshare.once("error", (err) => (output += err.message));
    const deadline = Date.now() + 20_000;
    while (!existsSync(join(stateDir, "namespace-ready"))) {
      if (unshare.exitCode !== null || Date.now() > deadline) {
        unshare.kill("SIGKILL");
        throw new Error(`could not create the node's namespaces (unshare --net --mount --pid): ${output.trim() || "timed out"} (log: ${log})`);
      }
      await sleep(50);
    }
    const children = readFileSync(`/proc/${unshare.pid}/task/${unshare.pid}/children`, "utf8").trim().split(/\s+/).map(Number);
    const pid = children[0];
    if (!pid) throw new Error("unshare has no child: the namespace's PID 1 is gone");
    // A run that dies without teardown (a crash, a signal) still ends the namespace and all inside it.
    const killOnExit = () => {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    process.once("exit", killOnExit);
    void exited.then(() => process.off("exit", killOnExit));
    return new NodeNamespace(stateDir, pid, unshare, exited);
  }

  /** `nsenter` arguments that run a command inside all three namespaces. */
  enter(command: string, args: readonly string[]): { command: string; args: string[] } {
    return { command: "nsenter", args: ["-t", String(this.pid), "--net", "--mount", "--pid", "--", command, ...args] };
  }

  /** Ends PID 1: the kernel kills everything left inside and the namespaces (mounts, bridge, iptables) go away. */
  async destroy(): Promise<void> {
    if (this.#unshare.exitCode !== null) return;
    try {
      process.kill(this.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    await Promise.race([this.#exited, sleep(15_000)]);
    if (this.#unshare.exitCode === null) this.#unshare.kill("SIGKILL");
    await this.#exited;
  }
}
