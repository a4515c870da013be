/**
 * Where ESO's own source sits: the module the oracle pins (tools/oracle/go.mod), in the oracle's module cache.
 * Tests read ESO's generated CRDs from it (config/crds/bases) to compare defaults and printer columns with
 * Ferry's, so a difference is measured against ESO's files, not against a hand-copied list.
 */
import { execFile } from "node:child_process";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const ESO_MODULE = "github.com/external-secrets/external-secrets";

/** The same cache build.sh uses, so the module the oracle build downloaded is found without a network call. */
function goEnv(): NodeJS.ProcessEnv {
  const cacheRoot = process.env.FERRY_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "ferry");
  return { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly", GOMODCACHE: process.env.GOMODCACHE_OVERRIDE ?? join(cacheRoot, "gomod") };
}

/** The directory of ESO's module source (downloaded on first use, as the oracle build does). */
export async function esoModuleDir(): Promise<string> {
  const run = promisify(execFile);
  await run("go", ["mod", "download", ESO_MODULE], { cwd: here, env: goEnv() });
  const { stdout } = await run("go", ["list", "-m", "-f", "{{.Dir}}", ESO_MODULE], { cwd: here, env: goEnv() });
  return stdout.trim();
}
