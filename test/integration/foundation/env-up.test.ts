// `npm run env:up` stops cleanly on SIGTERM: exit 0, no child reported as "died", and its run directory gone.
// The watchdog used to see the children a signal had just stopped as crashed, keep the logs and exit 1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

const upScript = join(import.meta.dirname, "..", "..", "env", "up.ts");

test("env:up on SIGTERM exits 0, reports no dead child and removes its run directory", async () => {
  const child = spawn(process.execPath, [upScript], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

  const statePath = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const m = /^export FERRY_TEST_ENV=(.+)$/m.exec(stdout);
      if (m) {
        clearInterval(poll);
        resolve(m[1]!.trim());
      }
    }, 200);
    void exited.then((code) => {
      clearInterval(poll);
      reject(new Error(`env:up exited ${code} before it was up:\n${stderr}`));
    });
  });
  const runDir = dirname(statePath);
  assert.ok(existsSync(runDir), "the run directory exists while the environment is up");
  // Past one watchdog tick, so the race between the signal and the watchdog is exercised.
  await new Promise((r) => setTimeout(r, 2_500));

  child.kill("SIGTERM");
  const code = await exited;
  assert.equal(code, 0, `exit code; stderr:\n${stderr}`);
  assert.doesNotMatch(stderr, /died/);
  assert.equal(existsSync(runDir), false, "the run directory is removed");
});
