import type { ExternalSecretTemplate } from "../../apis/external-secret.ts";
import type { TemplateStep } from "../../lib/gotemplate/index.ts";

/**
 * ESO's ApplyTemplate (pkg/controllers/externalsecret/externalsecret_controller_template.go, v0.20.4) as a
 * plan of engine steps, in ESO's order: templateFrom entries (each literal one KeysAndValues call), then
 * template.data, then metadata.labels, then metadata.annotations — later steps win on the same key.
 *
 * One difference, deliberately: ESO renders a map of templates in Go's random map order, so when two keys
 * fail, which error it reports varies. Here each key is its own step in sorted order: the output is the same
 * and the error reported is always the first failing key.
 */
export interface TemplatePlan {
  /** Whether the provider's keys are in the Secret before the templates run (mergePolicy Merge, or no data templates). */
  keepProviderData: boolean;
  steps: TemplateStep[];
  /** A label per step for error messages: where in the spec the failing template is. */
  paths: string[];
}

export function templatePlan(template: ExternalSecretTemplate): TemplatePlan {
  const steps: TemplateStep[] = [];
  const paths: string[] = [];
  const add = (path: string, step: TemplateStep) => {
    steps.push(step);
    paths.push(path);
  };
  for (const [i, from] of (template.templateFrom ?? []).entries()) {
    if (from.literal !== undefined) {
      add(`spec.target.template.templateFrom[${i}].literal`, { scope: "KeysAndValues", target: from.target as TemplateStep["target"], templates: { [from.literal]: from.literal } });
    }
  }
  const valueSteps = (map: Record<string, string> | undefined, target: TemplateStep["target"], path: string) => {
    for (const key of Object.keys(map ?? {}).sort()) add(`${path}[${JSON.stringify(key)}]`, { scope: "Values", target, templates: { [key]: map![key]! } });
  };
  valueSteps(template.data, "Data", "spec.target.template.data");
  valueSteps(template.metadata?.labels, "Labels", "spec.target.template.metadata.labels");
  valueSteps(template.metadata?.annotations, "Annotations", "spec.target.template.metadata.annotations");
  const noDataTemplates = Object.keys(template.data ?? {}).length === 0 && (template.templateFrom ?? []).length === 0;
  return { keepProviderData: template.mergePolicy === "Merge" || noDataTemplates, steps, paths };
}
