/**
 * Test-side access to Ferry's template engine build (build.sh): the cached build directory, the wasm module
 * for src/lib/gotemplate, and the native oracle — the same Go code built for the host — to compare with.
 */
import { execFile, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { WireRequest, WireResponse } from "../../src/lib/gotemplate/protocol.ts";

const here = dirname(fileURLToPath(import.meta.url));
const execFileAsync = promisify(execFile);

let built: Promise<string> | undefined;

/** Builds (or reuses) both engines and returns the cache directory holding engine.wasm and engine. */
export function templateEngineBuild(): Promise<string> {
  built ??= execFileAsync("bash", [join(here, "build.sh")], { maxBuffer: 16 * 1024 * 1024 }).then(({ stdout }) => {
    const dir = stdout.trim().split("\n").at(-1);
    if (!dir) throw new Error("tools/template-wasm/build.sh printed no directory");
    return dir;
  });
  return built;
}

export async function templateEngineWasmPath(): Promise<string> {
  return join(await templateEngineBuild(), "engine.wasm");
}

/** Runs requests through the native build, in order. */
export async function runNativeEngine(requests: readonly WireRequest[]): Promise<WireResponse[]> {
  const bin = join(await templateEngineBuild(), "engine");
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`native template engine exited ${code}: ${Buffer.concat(err).toString()}`));
      const responses = JSON.parse(Buffer.concat(out).toString("utf8")) as WireResponse[];
      if (responses.length !== requests.length) return reject(new Error(`native engine answered ${responses.length} of ${requests.length}`));
      resolve(responses);
    });
    child.stdin.end(JSON.stringify(requests));
  });
}
