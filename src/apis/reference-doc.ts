/**
 * The configuration reference (docs/reference.md), generated from the same schemas as the CRDs, so the
 * documentation cannot drift from what the apiserver accepts.
 */
import { KINDS, openApiSchemaFor } from "./crds.ts";
import type { JsonSchema } from "./structural-schema.ts";

interface Row {
  path: string;
  type: string;
  required: boolean;
  default: string;
  description: string;
}

function typeOf(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => `\`${String(v)}\``).join(" \\| ");
  if (s.type === "array") return `[]${typeOf((s.items as JsonSchema | undefined) ?? {})}`;
  if (s.type === "object" && s.additionalProperties && typeof s.additionalProperties === "object") return `map[string]${typeOf(s.additionalProperties as JsonSchema)}`;
  if (s["x-kubernetes-int-or-string"]) return "int or string";
  if (s["x-kubernetes-preserve-unknown-fields"] && !s.properties) return "any";
  return typeof s.type === "string" ? s.type : "any";
}

const oneLine = (text: unknown) => (typeof text === "string" ? text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim() : "");

function walk(schema: JsonSchema, path: string, required: boolean, rows: Row[]): void {
  rows.push({
    path,
    type: typeOf(schema),
    required,
    default: schema.default === undefined ? "" : `\`${JSON.stringify(schema.default)}\``,
    description: oneLine(schema.description),
  });
  const requiredSet = new Set((schema.required as string[] | undefined) ?? []);
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  for (const [name, child] of Object.entries(props ?? {})) walk(child, `${path}.${name}`, requiredSet.has(name), rows);
  const items = schema.items as JsonSchema | undefined;
  if (items?.properties) {
    const itemRequired = new Set((items.required as string[] | undefined) ?? []);
    for (const [name, child] of Object.entries(items.properties as Record<string, JsonSchema>)) walk(child, `${path}[].${name}`, itemRequired.has(name), rows);
  }
}

export function renderReference(): string {
  const out = [
    "# Configuration reference",
    "",
    "Generated from Ferry's schemas (`src/apis`, the same source as `deploy/crds/`) by `npm run generate:reference`;",
    "a test fails when it is stale. Group `external-secrets.io`, versions `v1` (storage) and `v1beta1` (same schema), except",
    "where a kind says otherwise (PushSecret and ClusterPushSecret: `v1alpha1`; the generators: group",
    "`generators.external-secrets.io`, `v1alpha1`).",
    "",
  ];
  for (const kind of KINDS) {
    const schema = openApiSchemaFor(kind);
    const scope = kind.scope === "Cluster" ? "cluster-scoped" : "namespaced";
    const group = kind.group ? ` Group \`${kind.group}\`, version \`${kind.versions?.[0] ?? ""}\`.` : "";
    out.push(`## ${kind.kind}`, "", `${kind.description} ${kind.shortName ? `Short name \`${kind.shortName}\`, ${scope}` : `No short name, ${scope}`}.${group}`, "");
    out.push("| field | type | required | default | description |", "| --- | --- | --- | --- | --- |");
    const rows: Row[] = [];
    const props = schema.properties as Record<string, JsonSchema>;
    for (const part of ["spec", "status"].filter((p) => props[p])) walk(props[part]!, part, part === "spec" && kind.specRequired !== false, rows);
    for (const r of rows) out.push(`| \`${r.path}\` | ${r.type} | ${r.required ? "yes" : ""} | ${r.default} | ${r.description} |`);
    out.push("");
  }
  return out.join("\n");
}
