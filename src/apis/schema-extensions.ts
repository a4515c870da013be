/**
 * Helpers that attach Kubernetes OpenAPI extensions to zod schemas, so that one zod schema is both the
 * runtime validator (parse*) and the source of the CRD (crds.ts). Extensions travel as zod metadata,
 * which z.toJSONSchema copies verbatim into the generated schema.
 */
import { z } from "zod";

/** A cross-field rule, expressed once for both places it is enforced. */
export interface Rule<T> {
  /**
   * The rule as a CEL expression over `self` (this node, after defaulting), for the CRD's
   * x-kubernetes-validations. Omitted when CEL cannot afford it (e.g. O(n²) over an unbounded list): such
   * rules are enforced by the controller and `ferry validate` only.
   */
  cel?: string;
  /** The same rule in TypeScript: true when the value is valid. */
  check: (value: T) => boolean;
  message: string;
  /** Specifics appended to the message in parse* errors (CEL messages are static), e.g. the duplicate keys. */
  detail?: (value: T) => string;
  /** Where the error points, relative to this node, e.g. ["deletionPolicy"]. */
  path?: readonly string[];
}

/** The x-kubernetes-validations entry the apiserver evaluates for a rule. */
interface CelValidation {
  rule: string;
  message: string;
  fieldPath?: string;
}

/**
 * Enforces rules on a schema: as zod refinements (with the rule's path) and, where a CEL form exists, as
 * x-kubernetes-validations on the generated CRD node. Keeping both forms side by side is what lets the
 * integration test prove the apiserver and parse* agree.
 */
export function withRules<S extends z.ZodType>(schema: S, rules: readonly Rule<z.output<S>>[]): S {
  const refined = schema.superRefine((value, ctx) => {
    for (const rule of rules) {
      if (rule.check(value)) continue;
      const message = rule.detail ? `${rule.message}: ${rule.detail(value)}` : rule.message;
      ctx.addIssue({ code: "custom", message, path: [...(rule.path ?? [])] });
    }
  });
  const validations: CelValidation[] = rules
    .filter((r): r is Rule<z.output<S>> & { cel: string } => r.cel !== undefined)
    .map((r) => ({
      rule: r.cel,
      message: r.message,
      ...(r.path && r.path.length > 0 ? { fieldPath: r.path.map((p) => `.${p}`).join("") } : {}),
    }));
  const inherited = (z.globalRegistry.get(schema)?.["x-kubernetes-validations"] ?? []) as CelValidation[];
  return (validations.length > 0 ? refined.meta({ "x-kubernetes-validations": [...inherited, ...validations] }) : refined);
}

/**
 * An object of which exactly one of `keys` must be set (ESO's MinProperties=1/MaxProperties=1 unions such
 * as sourceRef and rewrite[]). The CRD gets min/maxProperties, parse* gets a refinement with a clear message.
 */
export function exactlyOneOf<S extends z.ZodObject>(schema: S, keys: readonly string[], what: string): S {
  const ruled = withRules(schema, [
    {
      check: (v) => keys.filter((k) => (v as Record<string, unknown>)[k] !== undefined).length === 1,
      message: `exactly one of ${keys.join(", ")} must be set in ${what}`,
    },
  ]);
  return ruled.meta({ minProperties: 1, maxProperties: 1 });
}

/** Keeps fields the schema does not declare, in the CRD (no pruning) and in parse* output (passthrough). */
export function preserveUnknownFields<S extends z.ZodType>(schema: S): S {
  return schema.meta({ "x-kubernetes-preserve-unknown-fields": true });
}

/**
 * An integer or a string, as Kubernetes' IntOrString; a string must match `pattern` when given. The CRD
 * post-processor turns this into the structural int-or-string form.
 */
export function intOrString(pattern?: RegExp) {
  const str = pattern ? z.string().regex(pattern) : z.string();
  return z.union([z.number().int(), str]).meta({
    "x-kubernetes-int-or-string": true,
    ...(pattern ? { pattern: pattern.source } : {}),
  });
}

/** A date-time string as the apiserver writes it (RFC 3339). Not checked at runtime: the apiserver does. */
export function dateTime() {
  return z.string().meta({ format: "date-time" });
}

/** Marks a map or struct as replaced as a whole by server-side apply (x-kubernetes-map-type: atomic). */
export function atomic<S extends z.ZodType>(schema: S): S {
  return schema.meta({ "x-kubernetes-map-type": "atomic" });
}
