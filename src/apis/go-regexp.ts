/**
 * A field holding a Go regular expression (ESO compiles these with Go's regexp): parse* compiles it with
 * the same engine the controller runs (src/lib/goregexp), so `ferry validate`, the store and ExternalSecret
 * conditions name the field and quote Go's own message, e.g.
 * `spec.dataFrom[0].find.name.regexp: error parsing regexp: invalid repeat count: `{1001}``.
 */
import { z } from "zod";
import { compileGoRegexp, GoRegexpSyntaxError } from "../lib/goregexp/index.ts";

export function goRegexpString(description: string) {
  return z
    .string()
    .superRefine((pattern, ctx) => {
      try {
        compileGoRegexp(pattern);
      } catch (err) {
        if (!(err instanceof GoRegexpSyntaxError)) throw err;
        ctx.addIssue({ code: "custom", message: err.message });
      }
    })
    .describe(description);
}
