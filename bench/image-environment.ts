// The image's environment for a Ferry process the benchmarks start from the checkout, so it runs as the image
// runs it: deploy/image/spec.json's variables and a compile cache filled the way the image build fills it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { imageEnv, loadImageSpec, repoRoot, warmCompileCache } from "../scripts/image-spec.ts";

let filled: Record<string, string> | undefined;

/**
 * spec.env plus NODE_COMPILE_CACHE pointing at a cache filled once per benchmark process. BENCH_COMPILE_CACHE=off
 * leaves the cache out (to measure what it is worth: ADR 13).
 */
export function imageEnvironment(): Record<string, string> {
  if (filled) return filled;
  const spec = loadImageSpec();
  if (process.env.BENCH_COMPILE_CACHE === "off") return (filled = imageEnv(spec, null));
  const cacheDir = mkdtempSync(join(tmpdir(), "ferry-bench-compile-cache-"));
  // ~23 MB per run: removed when the benchmark exits, after the controllers it started.
  process.once("exit", () => rmSync(cacheDir, { recursive: true, force: true }));
  warmCompileCache(spec, { node: process.execPath, appDir: repoRoot, cacheDir, uid: process.getuid?.() ?? 0 });
  return (filled = imageEnv(spec, cacheDir));
}
