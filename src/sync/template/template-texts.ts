import type { ExternalSecretSpec } from "../../apis/external-secret.ts";

/** One Go template written in an ExternalSecret's spec: where it is, the name ESO parses it under, its text. */
export interface TemplateText {
  path: string;
  name: string;
  text: string;
}

/**
 * Every template an ExternalSecret's spec carries inline, named as ESO names it when parsing (the data or
 * metadata key; the literal's own text; "transform"), so a parse error reads as ESO's would. Templates in
 * templateFrom ConfigMaps and Secrets live in the cluster and are checked when rendered.
 */
export function templateTexts(spec: Pick<ExternalSecretSpec, "target" | "dataFrom">, base = "spec."): TemplateText[] {
  const out: TemplateText[] = [];
  const template = spec.target.template;
  const map = (m: Record<string, string> | undefined, path: string) => {
    for (const [k, v] of Object.entries(m ?? {})) out.push({ path: `${base}${path}[${JSON.stringify(k)}]`, name: k, text: v });
  };
  for (const [i, from] of (template?.templateFrom ?? []).entries()) {
    if (from.literal !== undefined) out.push({ path: `${base}target.template.templateFrom[${i}].literal`, name: from.literal, text: from.literal });
  }
  map(template?.data, "target.template.data");
  map(template?.metadata?.labels, "target.template.metadata.labels");
  map(template?.metadata?.annotations, "target.template.metadata.annotations");
  for (const [i, from] of (spec.dataFrom ?? []).entries()) {
    for (const [j, r] of (from.rewrite ?? []).entries()) {
      if (r.transform) out.push({ path: `${base}dataFrom[${i}].rewrite[${j}].transform.template`, name: "transform", text: r.transform.template });
    }
  }
  return out;
}
