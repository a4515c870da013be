/**
 * The Helm CLI built from its Go module (tools/helm/build.sh, cached under $FERRY_CACHE/helm-bin), for the
 * chart tests. The build runs once per process; its progress goes to stderr because a cold build takes
 * minutes and a silent test looks hung.
 */
import { execFile, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const execFileAsync = promisify(execFile);

/** The chart's directory. */
export const chartDir = join(here, "..", "..", "deploy", "chart", "ferry");

let binary: Promise<string> | undefined;

/** Builds (or reuses) helm and returns its path. */
export function helmBinary(): Promise<string> {
  binary ??= new Promise<string>((resolve, reject) => {
    const child = spawn("bash", [join(here, "build.sh")], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => process.stderr.write(b));
    child.on("error", reject);
    child.on("close", (code) => {
      const path = stdout.trim().split("\n").at(-1);
      if (code !== 0 || !path) reject(new Error(`tools/helm/build.sh exited ${code} without a binary path`));
      else resolve(path);
    });
  });
  return binary;
}

/** Runs helm; rejects with its stderr on a non-zero exit. */
export async function helm(args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const bin = await helmBinary();
  try {
    const { stdout } = await execFileAsync(bin, [...args], { maxBuffer: 64 * 1024 * 1024, encoding: "utf8", env: { ...process.env, ...options.env } });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`helm ${args.join(" ")}: ${e.stderr?.trim() || e.message}`, { cause: err });
  }
}
