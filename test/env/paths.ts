import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Caches that outlive a run (binaries, Go module cache, moto virtualenv); FERRY_CACHE overrides. */
export const cacheRoot = process.env.FERRY_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? "/tmp", ".cache"), "ferry");
