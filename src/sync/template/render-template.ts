import type { ExternalSecretTemplate } from "../../apis/external-secret.ts";
import type { TemplateEngine } from "../../lib/gotemplate/index.ts";
import { templatePlan } from "./template-steps.ts";

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
 * the templates in ESO's order over the provider data. Never touches Kubernetes.
 */
export async function renderTemplate(template: ExternalSecretTemplate, providerData: ReadonlyMap<string, Uint8Array>, engine: TemplateRenderer): Promise<RenderedTarget> {
  const plan = templatePlan(template);
  const data = Object.fromEntries(providerData);
  const outcome = await engine.execute(plan.steps, data, { data: plan.keepProviderData ? { ...data } : {} });
  if (!outcome.ok) {
    const where = outcome.failure.step !== undefined ? plan.paths[outcome.failure.step] : undefined;
    throw new TemplateRenderError(`could not apply template${where ? ` ${where}` : ""}: ${outcome.failure.message}`);
  }
  return { data: new Map(Object.entries(outcome.parts.data)), labels: outcome.parts.labels, annotations: outcome.parts.annotations };
}
