import type { ExternalSecretTemplate } from "../../apis/external-secret.ts";
import { redactValues, type TemplateEngine } from "../../lib/gotemplate/index.ts";
import { NO_TEMPLATE_SOURCES, type TemplateSources } from "./template-sources.ts";
import { TemplateSourceError, templatePlan } from "./template-steps.ts";

/** What a template produced: the Secret's data, and the labels and annotations the templates set. */
export interface RenderedTarget {
  data: Map<string, Uint8Array>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A template failed to parse or execute; the message is ESO's error text with data values redacted. */
export class TemplateRenderError extends Error {
  override readonly name = "TemplateRenderError";
}

/** The engine surface sync uses (TemplateEngine in production; the tests inject the same class). */
export type TemplateRenderer = Pick<TemplateEngine, "execute">;

/**
 * Applies `target.template` to the provider data as ESO does: which provider keys survive (mergePolicy), then
 * the templates in ESO's order over the provider data, templateFrom's ConfigMaps and Secrets read from
 * `sources`. Never touches Kubernetes.
 */
export async function renderTemplate(
  template: ExternalSecretTemplate,
  providerData: ReadonlyMap<string, Uint8Array>,
  engine: TemplateRenderer,
  sources: TemplateSources = NO_TEMPLATE_SOURCES,
): Promise<RenderedTarget> {
  let plan;
  try {
    plan = templatePlan(template, sources);
  } catch (err) {
    if (err instanceof TemplateSourceError) throw new TemplateRenderError(`could not apply template ${err.path}: ${err.message}`);
    throw err;
  }
  const data = Object.fromEntries(providerData);
  const outcome = await engine.execute(plan.steps, data, { data: plan.keepProviderData ? { ...data } : {} });
  if (!outcome.ok) {
    const where = outcome.failure.step !== undefined ? plan.paths[outcome.failure.step] : undefined;
    const message = redactValues(outcome.failure.message, secretTemplateText(sources));
    throw new TemplateRenderError(`could not apply template${where ? ` ${where}` : ""}: ${message}`);
  }
  return { data: new Map(Object.entries(outcome.parts.data)), labels: outcome.parts.labels, annotations: outcome.parts.annotations };
}

/**
 * A template read from a Secret is itself secret: Go names a KeysAndValues template by its whole text, and
 * `fail "…"` or a bad `regexMatch` pattern quote a literal of it. Its whole text and every string literal
 * in it are redacted from errors.
 */
export function secretTemplateText(sources: TemplateSources): string[] {
  const out: string[] = [];
  for (const secret of sources.secrets.values()) {
    for (const bytes of Object.values(secret)) {
      const text = new TextDecoder().decode(bytes);
      out.push(text);
      for (const m of text.matchAll(/"((?:[^"\\\n]|\\.)*)"|`([^`]*)`/g)) {
        const literal = m[1] !== undefined ? unquote(m[1]) : m[2]!;
        out.push(literal);
      }
    }
  }
  return out;
}

function unquote(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body;
  }
}
