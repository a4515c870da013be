import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/**
 * Runs `body` (an ES module's top level) in a fresh Node process whose resolve hook records every module of
 * @kubernetes/client-node it loads, and returns what the body printed as JSON plus that list. Loading
 * client-node at all costs ~46 MiB of RSS (ADR 13), so which configurations load it is what is asserted.
 */
export async function runRecordingClientNode(body: string): Promise<{ output: unknown; clientNodeModules: string[] }> {
  const script = `
    import { registerHooks } from "node:module";
    const clientNodeModules = [];
    registerHooks({
      resolve(specifier, context, next) {
        const resolved = next(specifier, context);
        if (resolved.url.includes("/@kubernetes/client-node/")) clientNodeModules.push(resolved.url);
        return resolved;
      },
    });
    globalThis.__clientNodeModules = clientNodeModules;
    const output = await (async () => { ${body} })();
    // exit once written: a pipe's write is asynchronous, and open servers would keep the process alive.
    process.stdout.write(JSON.stringify({ output, clientNodeModules }), () => process.exit(0));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: fileURLToPath(new URL("../../..", import.meta.url)), maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as { output: unknown; clientNodeModules: string[] };
}

