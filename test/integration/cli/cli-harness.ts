// Running `ferry` as a user does: a child process, its exit status, stdout and stderr.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../env/paths.ts";

export const main = join(repoRoot, "src", "cli", "main.ts");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `ferry <args>` (asynchronously, so a test's own servers keep answering). */
export function ferry(args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** A user error: non-zero exit, the message on stderr, no stack trace anywhere. */
export function assertUserError(r: CliResult, message: RegExp): void {
  assert.notEqual(r.status, 0, `non-zero exit; stdout: ${r.stdout}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /, "no stack trace");
}

/** A temporary directory with the given files. */
export function tempFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "ferry-cli-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
