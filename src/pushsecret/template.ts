import type { ExternalSecretTemplate } from "../apis/external-secret.ts";
import { redactValues, type TemplateEngine, type TemplateStep } from "../lib/gotemplate/index.ts";
import { secretTemplateText } from "../sync/template/render-template.ts";
import { TemplateSourceError, templatePlan } from "../sync/template/template-steps.ts";
import { NO_TEMPLATE_SOURCES, type TemplateSources } from "../sync/template/template-sources.ts";
import type { SourceData } from "./source-values.ts";

export type TemplateResult = { ok: true; data: SourceData } | { ok: false; message: string };

/**
 * A PushSecret's `template`, as ESO's pushsecret_controller_template.go applies it: to a copy of the source
 * Secret (never written back), first `templateFrom` (ConfigMap and Secret items and `literal`s, planned by the
 * sync path's templatePlan as ESO's templating.Parser does), then `template.data` rendered against the
 * Secret's data, both set over its keys, then the label and annotation templates (which cannot change what
 * is pushed, but fail as ESO's do). ESO's engine itself renders (src/lib/gotemplate); its errors come back
 * with every value — and the text of a template read from a Secret — redacted, in ESO's words.
 */
export async function applyPushTemplate(engine: TemplateEngine, template: ExternalSecretTemplate, source: SourceData, sources: TemplateSources = NO_TEMPLATE_SOURCES): Promise<TemplateResult> {
  const data = Object.fromEntries(source);
  let literals: TemplateStep[];
  try {
    // templateFrom alone: data, labels and annotations follow with the push's own precedence below.
    literals = templatePlan({ ...template, data: {}, metadata: {}, templateFrom: template.templateFrom ?? [] }, sources).steps;
  } catch (err) {
    // ESO: MergeTemplateFrom's error (the apiserver's NotFound, a missing key) under errFetchTplFrom.
    if (err instanceof TemplateSourceError) return { ok: false, message: `error fetching templateFrom data: ${err.message}` };
    throw err;
  }
  const steps: TemplateStep[] = [
    ...literals,
    { templates: template.data ?? {}, scope: "Values", target: "Data" },
    { templates: template.metadata?.labels ?? {}, scope: "Values", target: "Labels" },
    { templates: template.metadata?.annotations ?? {}, scope: "Values", target: "Annotations" },
  ];
  const out = await engine.execute(steps, data, { data, labels: {}, annotations: {} });
  if (!out.ok) {
    // ESO: "error fetching templateFrom data: …" for templateFrom, "could not execute template: …" after it.
    const fromTemplateFrom = out.failure.step !== undefined && out.failure.step < literals.length;
    const message = redactValues(out.failure.message, secretTemplateText(sources));
    return { ok: false, message: fromTemplateFrom ? `error fetching templateFrom data: ${message}` : `could not execute template: ${message}` };
  }
  return { ok: true, data: new Map(Object.entries(out.parts.data)) };
}
