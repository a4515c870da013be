import type { TemplateRenderer } from "./render-template.ts";

/** Parses templates without data (the engine's `parse`); the shape `ferry validate` and key transforms use. */
export interface TemplateParser {
  parse(templates: Readonly<Record<string, string>>): Promise<Record<string, string>>;
}

/** A transform that failed: the message is ESO's text for it, without the "failed rewrite operation[i]: " prefix. */
export class KeyTransformError extends Error {
  override readonly name = "KeyTransformError";
}

// ESO names the template "transform" (runtime/esutils RewriteTransform); the engine's step key is the name.
const TEMPLATE_NAME = "transform";
// The engine wraps an error of ESO's template package in "unable to (parse|execute) template at key <k>: ".
const ENGINE_PREFIX = /^(?:unable to (?:execute|parse) template at key transform: )+/;

/**
 * ESO's `dataFrom[].rewrite[].transform` (RewriteTransform, v0.20.4): the template is parsed once, then
 * executed for each key with `.value` set to the key; its output is the new key. Runs through ESO's own
 * template package (the wasm engine), so output and error text are ESO's.
 *
 * Two differences, both on templates no working manifest has, and both failing loudly rather than producing
 * a different Secret: ESO executes without `missingkey=error`, so `{{ .other }}` renders "<no value>" there
 * and is an error here (the engine runs every template with ESO's v2 option); and a key quoted inside a
 * template error is redacted like any value the engine sees.
 */
export async function transformKeys(engine: TemplateRenderer & TemplateParser, template: string, keys: readonly string[]): Promise<Map<string, string>> {
  const parseError = (await engine.parse({ [TEMPLATE_NAME]: template }))[TEMPLATE_NAME];
  if (parseError !== undefined) throw new KeyTransformError(`transform failed with failed to parse template: ${parseError}`);
  const renamed = new Map<string, string>();
  for (const key of keys) {
    const step = { scope: "Values" as const, target: "Data" as const, templates: { [TEMPLATE_NAME]: template } };
    const outcome = await engine.execute([step], { value: new TextEncoder().encode(key) });
    if (!outcome.ok) {
      const cause = outcome.failure.kind === "template" ? outcome.failure.message.replace(ENGINE_PREFIX, "") : outcome.failure.message;
      throw new KeyTransformError(`transform failed with failed to execute template for key ${JSON.stringify(key)}: ${cause}`);
    }
    renamed.set(key, new TextDecoder().decode(outcome.parts.data[TEMPLATE_NAME] ?? new Uint8Array()));
  }
  return renamed;
}
