import type { ExternalSecretTemplate } from "../apis/external-secret.ts";
import type { TemplateEngine, TemplateStep } from "../lib/gotemplate/index.ts";
import type { SourceData } from "./source-values.ts";

export type TemplateResult = { ok: true; data: SourceData } | { ok: false; message: string };

/**
 * A PushSecret's `template`, as ESO's pushsecret_controller_template.go applies it: to a copy of the source
 * Secret (never written back), `template.data` rendered against the Secret's data and set over its keys, then
 * the label and annotation templates (which cannot change what is pushed, but fail as ESO's do). ESO's engine
 * itself renders (src/lib/gotemplate); its errors come back with every value redacted.
 */
export async function applyPushTemplate(engine: TemplateEngine, template: ExternalSecretTemplate, source: SourceData): Promise<TemplateResult> {
  const data = Object.fromEntries(source);
  const steps: TemplateStep[] = [
    { templates: template.data ?? {}, scope: "Values", target: "Data" },
    { templates: template.metadata?.labels ?? {}, scope: "Values", target: "Labels" },
    { templates: template.metadata?.annotations ?? {}, scope: "Values", target: "Annotations" },
  ];
  const out = await engine.execute(steps, data, { data, labels: {}, annotations: {} });
  if (!out.ok) return { ok: false, message: `could not execute template: ${out.failure.message}` };
  return { ok: true, data: new Map(Object.entries(out.parts.data)) };
}
