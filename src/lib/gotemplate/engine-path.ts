/**
 * Where the engine's wasm module lives: $FERRY_TEMPLATE_ENGINE_WASM, else dist/template-engine.wasm at the
 * package root — written by `npm run build:template-engine` in a checkout and by the image's Go build stage.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const defaultEnginePath = fileURLToPath(new URL("../../../dist/template-engine.wasm", import.meta.url));

export function resolveEnginePath(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.FERRY_TEMPLATE_ENGINE_WASM || defaultEnginePath;
  if (!existsSync(path)) {
    throw new Error(`Ferry's template engine is not built: ${path} is missing (run \`npm run build:template-engine\`)`);
  }
  return path;
}
