import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port.ts";
import { probe } from "./http-probe.ts";
import { ManagedProcess, waitUntil } from "./managed-process.ts";

const run = promisify(execFile);
export const MOTO_VERSION = "5.2.1";

/**
 * Finds moto_server: the machine's when it imports, else a project-local virtualenv installed from PyPI
 * (the machine image has moto preinstalled today; a new image may not).
 */
export async function ensureMotoServer(cacheDir: string): Promise<string> {
  try {
    await run("python3", ["-c", "import moto.server, flask"]);
    const { stdout } = await run("sh", ["-c", "command -v moto_server"]);
    if (stdout.trim()) return stdout.trim();
  } catch {
    // Fall through to the virtualenv.
  }
  const venv = join(cacheDir, `moto-venv-${MOTO_VERSION}`);
  const bin = join(venv, "bin", "moto_server");
  if (!existsSync(bin)) {
    console.error(`[test-env] installing moto[server]==${MOTO_VERSION} into ${venv}`);
    await run("python3", ["-m", "venv", venv]);
    await run(join(venv, "bin", "pip"), ["install", "--quiet", `moto[server]==${MOTO_VERSION}`], { maxBuffer: 64 << 20 });
  }
  return bin;
}

export interface RunningMoto {
  process: ManagedProcess;
  url: string;
}

export async function startMoto(options: { binary: string; logDir: string; workDir: string }): Promise<RunningMoto> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const process = ManagedProcess.start({
    name: "moto",
    command: options.binary,
    args: ["-H", "127.0.0.1", "-p", String(port)],
    logFile: join(options.logDir, "moto.log"),
    cwd: options.workDir,
  });
  await waitUntil("moto /moto-api/data.json", async () => (await probe(`${url}/moto-api/data.json`)).status === 200, {
    timeoutMs: 30_000,
    process,
  });
  return { process, url };
}
