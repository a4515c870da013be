/**
 * What a run could leave behind on the machine, read from the host's side: mounts, cgroups, network links,
 * iptables rules, the sysctls kubelet and kube-proxy would change, the runtime directories the node hides
 * under tmpfs, and processes that mention the run's directory. The teardown test compares a snapshot taken
 * before the node started with one taken after it stopped.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { CGROUP_PREFIX, cgroupMounts } from "./cgroups.ts";
import { KUBELET_KERNEL_TUNABLES } from "./namespace.ts";

const run = promisify(execFile);

const SYSCTLS = [
  ...Object.keys(KUBELET_KERNEL_TUNABLES),
  "net/ipv4/ip_forward",
  "net/ipv4/conf/all/route_localnet",
  "net/netfilter/nf_conntrack_max",
  "net/netfilter/nf_conntrack_tcp_timeout_established",
  "net/netfilter/nf_conntrack_tcp_timeout_close_wait",
  "net/bridge/bridge-nf-call-iptables",
];

const PATHS = ["/run/containerd", "/run/runc", "/run/netns", "/var/run/netns", "/var/lib/containerd", "/var/lib/cni", "/var/lib/kubelet", "/var/log/pods", "/var/log/containers", "/etc/cni", "/opt/cni"];

export interface HostState {
  mounts: string[];
  cgroups: string[];
  links: string[];
  iptables: string[];
  sysctls: Record<string, string>;
  paths: string[];
}

async function lines(command: string, args: string[]): Promise<string[]> {
  try {
    const { stdout } = await run(command, args);
    return stdout.split("\n").filter((l) => l.trim() !== "");
  } catch (err) {
    return [`(${command} ${args.join(" ")} failed: ${(err as Error).message.split("\n")[0]})`];
  }
}

export async function hostState(): Promise<HostState> {
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(" ")[4]!)
    .sort();
  // Other runs' node cgroups (another `npm test` on the machine) come and go; a run checks its own by name.
  const cgroups = cgroupMounts().flatMap((m) =>
    readdirSync(m, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith(CGROUP_PREFIX))
      .map((e) => join(m, e.name)),
  ).sort();
  const links = (await lines("ip", ["-o", "link", "show"])).map((l) => l.split(":")[1]!.trim().split("@")[0]!).sort();
  const iptables: string[] = [];
  for (const tool of ["iptables", "ip6tables"]) {
    for (const table of ["filter", "nat", "mangle"]) iptables.push(...(await lines(tool, ["-w", "5", "-t", table, "-S"])).map((r) => `${tool} ${table} ${r}`));
  }
  const sysctls: Record<string, string> = {};
  for (const key of SYSCTLS) {
    const path = `/proc/sys/${key}`;
    sysctls[key] = existsSync(path) ? readFileSync(path, "utf8").trim() : "(absent)";
  }
  return { mounts, cgroups, links, iptables, sysctls, paths: PATHS.filter((p) => existsSync(p)) };
}

/** Cgroups named `name` in any hierarchy. */
export function cgroupsNamed(name: string): string[] {
  return cgroupMounts().map((m) => join(m, name)).filter((d) => existsSync(d));
}

/** Processes whose command line mentions `marker` (the run's state directory). */
export function processesMentioning(marker: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      if (cmdline.includes(marker)) out.push(`${pid} ${cmdline.slice(0, 200)}`);
    } catch {
      // Exited meanwhile.
    }
  }
  return out;
}
