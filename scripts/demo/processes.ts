/** Ferry processes the demo starts (`ferry controller`, `csi-provider`, `webhook`), each logging to a file. */
import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { waitUntil } from "../../test/env/managed-process.ts";

export interface FerryProcess {
  child: ChildProcess;
  logFile: string;
  log(): string;
}

const main = join(import.meta.dirname, "..", "..", "src", "cli", "main.ts");

export function startFerry(name: string, args: readonly string[], env: NodeJS.ProcessEnv, runDir: string): FerryProcess {
  const logFile = join(runDir, `ferry-${name}.log`);
  const child = spawn(process.execPath, [main, ...args], { env, stdio: ["ignore", openSync(logFile, "a"), openSync(logFile, "a")] });
  return { child, logFile, log: () => readFileSync(logFile, "utf8") };
}

/** Waits until the process logs `pattern`; fails early, with the log's tail, if it exits first. */
export async function waitForLog(p: FerryProcess, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  await waitUntil(`${p.logFile}: ${pattern}`, () => {
    if (p.child.exitCode !== null) throw new Error(`exited ${p.child.exitCode}:\n${p.log().split("\n").slice(-10).join("\n")}`);
    return pattern.test(p.log());
  }, { timeoutMs });
}

export async function stopAll(processes: readonly FerryProcess[]): Promise<void> {
  const running = processes.filter((p) => p.child.exitCode === null);
  await Promise.all(
    running.map(
      (p) =>
        new Promise<void>((resolve) => {
          p.child.once("exit", () => resolve());
          p.child.kill("SIGTERM");
        }),
    ),
  );
}
