/**
 * One cgroup per run in every cgroup hierarchy (kubelet's cgroupRoot): every pod cgroup is created beneath
 * it, so teardown removes exactly what the run made. Cgroup v1 hierarchies are shared by every mount
 * namespace, so this is the one piece of host state the namespaces cannot hold.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Every run's cgroup root is `<prefix><run id>`. */
export const CGROUP_PREFIX = "ferry-e2e-";

/** Mount points of cgroup (v1 and v2) filesystems. */
export function cgroupMounts(): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" - "))
    .filter(([, rest]) => rest !== undefined && /^cgroup2? /.test(rest))
    .map(([fields]) => fields!.split(" ")[4]!)
    .filter((mount, i, all) => all.indexOf(mount) === i);
}

export function createCgroupRoot(name: string): void {
  for (const mount of cgroupMounts()) {
    const dir = join(mount, name);
    mkdirSync(dir, { recursive: true });
    // A new cpuset cgroup has no CPUs or memory nodes until given its parent's.
    for (const file of ["cpuset.cpus", "cpuset.mems"]) {
      if (existsSync(join(dir, file)) && readFileSync(join(dir, file), "utf8").trim() === "") {
        writeFileSync(join(dir, file), readFileSync(join(mount, file), "utf8"));
      }
    }
  }
}

function removeTree(dir: string): void {
  for (const entry of readdirSync(dir)) {
    const child = join(dir, entry);
    if (statSync(child).isDirectory()) removeTree(child);
  }
  rmdirSync(dir);
}

/** Removes the run's cgroups, deepest first; retries while the kernel is still releasing exited tasks. */
export async function removeCgroupRoot(name: string): Promise<string[]> {
  const left: string[] = [];
  for (const mount of cgroupMounts()) {
    const dir = join(mount, name);
    if (!existsSync(dir)) continue;
    for (let attempt = 0; ; attempt++) {
      try {
        removeTree(dir);
        break;
      } catch (err) {
        if (attempt >= 40) {
          left.push(`${dir}: ${(err as Error).message}`);
          break;
        }
        await sleep(250);
      }
    }
  }
  return left;
}
