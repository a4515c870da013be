import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../test/env/paths.ts";

const run = promisify(execFile);
const script = join(repoRoot, "tools", "eso", "build.sh");

export interface EsoBuild {
  binary: string;
  crdDir: string;
}

/** The last line of build.sh is the cache directory holding the binary and ESO's CRDs. */
export function esoBuildFromOutput(stdout: string): EsoBuild {
  const dir = stdout.trim().split("\n").at(-1)?.trim();
  if (!dir) throw new Error("tools/eso/build.sh printed no directory");
  return { binary: join(dir, "external-secrets"), crdDir: join(dir, "crds") };
}

/** Builds (cold: many minutes) or reuses ESO from Go modules; progress goes to this process's stderr. */
export async function ensureEsoBuild(): Promise<EsoBuild> {
  const child = run("bash", [script], { maxBuffer: 16 * 1024 * 1024 });
  child.child.stderr?.pipe(process.stderr);
  return esoBuildFromOutput((await child).stdout);
}

/** What build.sh would build, without building: "module <path>@<version>" and the cache directory. */
export async function esoBuildPlan(): Promise<{ module: string; dir: string }> {
  const { stdout } = await run("bash", [script, "--dry-run"]);
  const [moduleLine = "", dir = ""] = stdout.trim().split("\n");
  return { module: moduleLine.replace(/^module /, ""), dir };
}
