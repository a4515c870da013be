/** metav1.LabelSelector, structurally (the CRD types and client-node's both fit). */
export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>> | undefined;
  matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: readonly string[] | undefined }> | undefined;
}

/**
 * Kubernetes label-selector semantics (metav1.LabelSelectorAsSelector): matchLabels AND every
 * matchExpression. An empty selector matches everything; a null one nothing (callers decide which they have).
 */
export function matchesLabelSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case "In":
        if (!has || !(e.values ?? []).includes(value!)) return false;
        break;
      case "NotIn":
        if (has && (e.values ?? []).includes(value!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * The selector as the API's `labelSelector` query (metav1.FormatLabelSelector): `k=v`, `k in (a,b)`,
 * `k notin (a,b)`, `k`, `!k`, comma-joined; "" for an empty selector (everything). An unknown operator is
 * refused with apimachinery's message rather than listing more than was asked for.
 */
export function labelSelectorQuery(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(",");
    switch (e.operator) {
      case "In":
        parts.push(`${e.key} in (${values})`);
        break;
      case "NotIn":
        parts.push(`${e.key} notin (${values})`);
        break;
      case "Exists":
        parts.push(e.key);
        break;
      case "DoesNotExist":
        parts.push(`!${e.key}`);
        break;
      default:
        throw new Error(`"${e.operator}" is not a valid label selector operator`);
    }
  }
  return parts.join(",");
}
