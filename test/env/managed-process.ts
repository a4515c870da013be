import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** Processes started by this module, killed on exit even when teardown never runs (a crashed test run). */
const live = new Set<ManagedProcess>();
process.once("exit", () => {
  for (const p of live) p.killNow();
});
// A signal ends Node without the "exit" event unless handled. Entry points with a graceful stop register
// their own handlers first (test/run.ts, up.ts, the demo); this one only makes sure that a run killed by
// `timeout` or Ctrl-C in any other script never leaves a control plane behind.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (process.listenerCount(signal) > 1) return;
    for (const p of live) p.killNow();
    process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
  });
}

export interface StartOptions {
  name: string;
  command: string;
  args: readonly string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * A control-plane process in its own process group, logging to a file, stopped by PID
 * (never by name: another developer's environment may be running the same binaries).
 */
export class ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly #child: ChildProcess;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly #exited: Promise<void>;

  private constructor(options: StartOptions) {
    this.name = options.name;
    this.logFile = options.logFile;
    const fd = openSync(options.logFile, "a");
    this.#child = spawn(options.command, options.args, {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    closeSync(fd);
    this.#exited = new Promise((resolve) => {
      this.#child.once("exit", (code, signal) => {
        this.#exit = { code, signal };
        live.delete(this);
        resolve();
      });
      this.#child.once("error", (err) => {
        this.#exit = { code: -1, signal: null };
        live.delete(this);
        console.error(`[test-env] ${this.name} failed to start: ${err.message}`);
        resolve();
      });
    });
    live.add(this);
  }

  static start(options: StartOptions): ManagedProcess {
    return new ManagedProcess(options);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** Throws with the log tail if the process has died: readiness loops call this so a crash fails fast. */
  assertRunning(): void {
    if (this.#exit) {
      throw new Error(
        `${this.name} exited (code ${this.#exit.code}, signal ${this.#exit.signal}); last log lines:\n${this.logTail()}`,
      );
    }
  }

  logTail(lines = 40): string {
    try {
      return readFileSync(this.logFile, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  /** SIGTERM to the whole group, then SIGKILL after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running || this.#child.pid === undefined) return;
    this.#signalGroup("SIGTERM");
    const timedOut = await Promise.race([this.#exited.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut) {
      this.#signalGroup("SIGKILL");
      await this.#exited;
    }
  }

  killNow(): void {
    if (this.running) this.#signalGroup("SIGKILL");
  }

  #signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.#child.pid!, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Polls `probe` until it resolves true, failing fast if `process` dies and with its log tail on timeout. */
export async function waitUntil(
  what: string,
  probe: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; process?: ManagedProcess },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    options.process?.assertRunning();
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(options.intervalMs ?? 250);
  }
  const tail = options.process ? `\nlast log lines of ${options.process.name}:\n${options.process.logTail()}` : "";
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${cause}${tail}`);
}
