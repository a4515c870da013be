// `npm test`: builds or reuses the Kubernetes binaries, starts the environment once, runs every test file
// (unit tests under src/, integration tests under test/) on Node's test runner, and tears down.
// `npm test -- --unit` runs only the unit tests, without the environment.
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { startEnvironment, type RunningEnvironment } from "./env/environment.ts";

const unitOnly = process.argv.includes("--unit");
const extra = process.argv.slice(2).filter((a) => a !== "--unit");
const patterns = extra.length > 0 ? extra : unitOnly ? ["src/**/*.test.ts", "bench/**/*.test.ts"] : ["src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"];

// The template engine (ESO's template package compiled to wasm) is a build artifact the controller loads at
// run time: build or reuse it (cached by source hash) before any test imports the controller.
execFileSync("bash", ["tools/template-wasm/build.sh", "--out", "dist/template-engine.wasm"], { stdio: ["ignore", "ignore", "inherit"] });

let env: RunningEnvironment | undefined;
if (!unitOnly) env = await startEnvironment();

const stopOnSignal = () => void env?.stop({ keepLogs: true }).then(() => process.exit(130));
process.once("SIGINT", stopOnSignal);
process.once("SIGTERM", stopOnSignal);

const code = await new Promise<number>((resolve) => {
  const child = spawn(
    process.execPath,
    ["--test", "--test-reporter=spec", // One file at a time: integration tests run controllers that, as in production, act cluster-wide, so two
    // at once would reconcile each other's objects. The machine has 2 cores shared with the control plane.
    `--test-concurrency=${process.env.FERRY_TEST_CONCURRENCY ?? "1"}`, "--test-timeout=300000", ...patterns],
    { stdio: "inherit", env: { ...process.env, ...(env ? { FERRY_TEST_ENV: env.statePath } : {}) } },
  );
  child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});

if (env) {
  if (code !== 0) {
    for (const p of env.processes) console.error(`--- last lines of ${p.name} (${p.logFile}) ---\n${p.logTail(15)}`);
  }
  await env.stop({ keepLogs: code !== 0 });
}
process.exit(code);
