import type { ExternalSecretTemplate } from "../../apis/external-secret.ts";
import type { TemplateStep } from "../../lib/gotemplate/index.ts";
import { NO_TEMPLATE_SOURCES, type TemplateSources } from "./template-sources.ts";

/**
 * ESO's ApplyTemplate (pkg/controllers/externalsecret/externalsecret_controller_template.go, v0.20.4) and its
 * templating.Parser (pkg/controllers/templating/parser.go) as a plan of engine steps, in ESO's order: each
 * templateFrom entry's configMap items, then its secret items (one ExecFunc call per item), then its literal
 * (one KeysAndValues call); then template.data, then metadata.labels, then metadata.annotations — later steps
 * win on the same key.
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

/** A templateFrom source that cannot be used: ESO's text, and where in the spec it is referenced. */
export class TemplateSourceError extends Error {
  override readonly name = "TemplateSourceError";
  readonly path: string;

  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

type Target = TemplateStep["target"];

export function templatePlan(template: ExternalSecretTemplate, sources: TemplateSources = NO_TEMPLATE_SOURCES): TemplatePlan {
  const steps: TemplateStep[] = [];
  const paths: string[] = [];
  const add = (path: string, step: TemplateStep) => {
    steps.push(step);
    paths.push(path);
  };
  for (const [i, from] of (template.templateFrom ?? []).entries()) {
    const target = from.target as Target;
    const at = `spec.target.template.templateFrom[${i}]`;
    if (from.configMap) {
      const { name, items } = from.configMap;
      const data = sources.configMaps.get(name);
      // The apiserver's NotFound text, which is what ESO's client.Get returns.
      if (!data) throw new TemplateSourceError(`${at}.configMap`, `configmaps "${name}" not found`);
      for (const [j, item] of items.entries()) {
        const text = Object.hasOwn(data, item.key) ? data[item.key] : undefined;
        if (text === undefined) throw new TemplateSourceError(`${at}.configMap`, `error in configmap ${name}: missing key ${item.key}`);
        // Values: the item's key names the output; KeysAndValues: the template renders YAML of keys and values.
        const templates = item.templateAs === "KeysAndValues" ? { [text]: text } : { [item.key]: text };
        add(`${at}.configMap.items[${j}]`, { scope: item.templateAs, target, templates });
      }
    }
    if (from.secret) {
      const { name, items } = from.secret;
      const data = sources.secrets.get(name);
      if (!data) throw new TemplateSourceError(`${at}.secret`, `secrets "${name}" not found`);
      for (const [j, item] of items.entries()) {
        const bytes = Object.hasOwn(data, item.key) ? data[item.key] : undefined;
        if (bytes === undefined) throw new TemplateSourceError(`${at}.secret`, `error in secret ${name}: missing key ${item.key}`);
        const templates = item.templateAs === "KeysAndValues" ? { [new TextDecoder().decode(bytes)]: bytes } : { [item.key]: bytes };
        add(`${at}.secret.items[${j}]`, { scope: item.templateAs, target, templates });
      }
    }
    if (from.literal !== undefined) {
      add(`${at}.literal`, { scope: "KeysAndValues", target, templates: { [from.literal]: from.literal } });
    }
  }
  const valueSteps = (map: Record<string, string> | undefined, target: Target, path: string) => {
    for (const key of Object.keys(map ?? {}).sort()) add(`${path}[${JSON.stringify(key)}]`, { scope: "Values", target, templates: { [key]: map![key]! } });
  };
  valueSteps(template.data, "Data", "spec.target.template.data");
  valueSteps(template.metadata?.labels, "Labels", "spec.target.template.metadata.labels");
  valueSteps(template.metadata?.annotations, "Annotations", "spec.target.template.metadata.annotations");
  const noDataTemplates = Object.keys(template.data ?? {}).length === 0 && (template.templateFrom ?? []).length === 0;
  return { keepProviderData: template.mergePolicy === "Merge" || noDataTemplates, steps, paths };
}
