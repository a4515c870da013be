import type { PushSecretSpec } from "../apis/push-secret.ts";
import { checkGeneratorRef } from "../generators/resolve.ts";

/**
 * Fields a PushSecret may carry that Ferry does not implement yet. Each is refused loudly (a condition, an
 * Event, an error from `ferry validate`) rather than ignored: a silently different push is worse than none.
 */
export function unsupportedPushSecretFields(spec: PushSecretSpec): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  if (spec.selector.generatorRef) {
    try {
      checkGeneratorRef(spec.selector.generatorRef);
    } catch (err) {
      out.push({ path: "spec.selector.generatorRef", message: (err as Error).message });
    }
  }
  for (const [i, from] of (spec.template?.templateFrom ?? []).entries()) {
    const path = `spec.template.templateFrom[${i}]`;
    // ESO's Secret targets are exactly these (its engine silently ignores any other value).
    if (!["Data", "Labels", "Annotations"].includes(from.target)) {
      out.push({ path: `${path}.target`, message: `Unsupported value: ${JSON.stringify(from.target)}: supported values: "Data", "Labels", "Annotations"` });
    }
  }
  for (const [i, block] of (spec.dataTo ?? []).entries()) {
    if (!block.storeRef) out.push({ path: `spec.dataTo[${i}].storeRef`, message: "Required: storeRef must specify either name or labelSelector" });
  }
  if ((spec.data?.length ?? 0) === 0 && (spec.dataTo?.length ?? 0) === 0) {
    out.push({ path: "spec.data", message: "nothing to push: set data or dataTo" });
  }
  return out;
}
