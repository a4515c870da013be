import type { ExternalSecretSpec } from "../../apis/external-secret.ts";

export interface UnsupportedField {
  path: string;
  message: string;
}

/**
 * The target fields Ferry does not implement yet. The controller refuses an ExternalSecret using one (a
 * condition and an Event, the Secret left alone) and `ferry validate` reports them: a template that is not
 * applied would silently change the Secret's keys, the worst outcome of a migration.
 */
export function unsupportedTargetFields(spec: Pick<ExternalSecretSpec, "target">): UnsupportedField[] {
  const out: UnsupportedField[] = [];
  const { target } = spec;
  if (target.manifest !== undefined) {
    out.push({ path: "spec.target.manifest", message: "rendering into a resource other than a Secret is not supported by Ferry yet; remove target.manifest" });
  }
  for (const [i, from] of (target.template?.templateFrom ?? []).entries()) {
    const path = `spec.target.template.templateFrom[${i}]`;
    // ESO's Secret targets are exactly these (its engine silently ignores any other value).
    if (!["Data", "Labels", "Annotations"].includes(from.target)) {
      out.push({ path: `${path}.target`, message: `Unsupported value: ${JSON.stringify(from.target)}: supported values: "Data", "Labels", "Annotations"` });
    }
    const extra = Object.keys(from).filter((k) => !["configMap", "secret", "literal", "target"].includes(k) && !isNoValuesDecoding(k, from));
    for (const k of extra) out.push({ path: `${path}.${k}`, message: `templateFrom.${k} is not supported by Ferry yet` });
  }
  return out;
}

/**
 * `valuesDecodingStrategy: None` (newer ESO) renders the values as they are, which is what Ferry does; newer
 * ESO CRDs defaulted the field, so ExternalSecrets exported from such a cluster carry it (ESO #6798). Any
 * other strategy would decode the values first, and is refused.
 */
function isNoValuesDecoding(field: string, from: object): boolean {
  return field === "valuesDecodingStrategy" && (from as Record<string, unknown>)[field] === "None";
}
