import type { ExternalSecretTemplate } from "../apis/external-secret.ts";
import type { TemplateEngine, TemplateStep } from "../lib/gotemplate/index.ts";
import type { SourceData } from "./source-values.ts";

export type TemplateResult = { ok: true; data: SourceData } | { ok: false; message: string };

/**
 * A PushSecret's `template`, as ESO's pushsecret_controller_template.go applies it: to a copy of the source
 * Secret (never written back), first `templateFrom` (each `literal` rendered as keys and values, as ESO's
 * MergeLiteral), then `template.data` rendered against the Secret's data, both set over its keys, then the
 * label and annotation templates (which cannot change what is pushed, but fail as ESO's do). ESO's engine
 * itself renders (src/lib/gotemplate); its errors come back with every value redacted, in ESO's words.
 * `templateFrom` ConfigMaps and Secrets are refused before this runs (unsupported.ts).
 */
export async function applyPushTemplate(engine: TemplateEngine, template: ExternalSecretTemplate, source: SourceData): Promise<TemplateResult> {
  const data = Object.fromEntries(source);
  const literals: TemplateStep[] = (template.templateFrom ?? []).flatMap((from) =>
    from.literal !== undefined ? [{ templates: { [from.literal]: from.literal }, scope: "KeysAndValues" as const, target: from.target as TemplateStep["target"] }] : [],
  );
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
    return { ok: false, message: fromTemplateFrom ? `error fetching templateFrom data: ${out.failure.message}` : `could not execute template: ${out.failure.message}` };
  }
  return { ok: true, data: new Map(Object.entries(out.parts.data)) };
}
