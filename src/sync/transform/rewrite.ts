/**
 * ESO's dataFrom[].rewrite (runtime/esutils RewriteMap): operations applied in order to the keys of
 * the map a dataFrom entry produced. `regexp` replaces every match of a Go regexp in each key
 * (Regexp.ReplaceAllString, Go's `$1` / `${name}` template rules). `transform` renames each key through a
 * Go template (ESO's own engine, injected: rewriteKeysWith); without an engine (rewriteKeys) it and `merge`
 * fail with RewriteNotSupportedError rather than being skipped.
 *
 * Two keys rewritten to the same name: ESO keeps whichever its (randomly ordered) map iteration
 * writes last; Ferry keeps the value of the key that came last in the input, which is one of ESO's
 * possible outcomes but stable.
 */
import { compileGoRegexp, GoRegexpSyntaxError, ReplaceAllWorkError, type GoRegexp } from "../../lib/goregexp/index.ts";

export interface RewriteRegexp {
  source: string;
  target: string;
}

/** One rewrite entry as written in the spec; ESO looks at merge, then regexp, then transform. */
export interface Rewrite {
  merge?: unknown;
  regexp?: RewriteRegexp | undefined;
  transform?: { template: string } | undefined;
}

export class RewriteNotSupportedError extends Error {
  readonly operation: "merge" | "transform";

  constructor(operation: "merge" | "transform", index: number) {
    super(`failed rewrite operation[${index}]: rewrite.${operation} is not supported by Ferry yet`);
    this.name = "RewriteNotSupportedError";
    this.operation = operation;
  }
}

export class RewriteError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RewriteError";
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Validates one spec entry into a Rewrite; the spec arrives as unknown JSON. */
export function parseRewrite(value: unknown, index: number): Rewrite {
  if (!isRecord(value)) throw new RewriteError(`rewrite[${index}] must be an object`);
  const out: Rewrite = {};
  if (value.merge !== undefined && value.merge !== null) out.merge = value.merge;
  const re = value.regexp;
  if (re !== undefined && re !== null) {
    if (!isRecord(re) || typeof re.source !== "string" || typeof re.target !== "string") {
      throw new RewriteError(`rewrite[${index}].regexp needs string fields source and target`);
    }
    out.regexp = { source: re.source, target: re.target };
  }
  const tr = value.transform;
  if (tr !== undefined && tr !== null) {
    if (!isRecord(tr) || typeof tr.template !== "string") throw new RewriteError(`rewrite[${index}].transform needs a string template`);
    out.transform = { template: tr.template };
  }
  return out;
}

/** Renames keys through a Go template: old key -> new key; throws with ESO's message for the operation. */
export type KeyTransformer = (template: string, keys: readonly string[]) => Promise<Map<string, string>>;

/** Applies rewrite operations in order, transform excluded; throws RewriteError or RewriteNotSupportedError. */
export function rewriteKeys(values: ReadonlyMap<string, Uint8Array>, rewrites: readonly unknown[]): Map<string, Uint8Array> {
  let current = new Map(values);
  for (const [index, raw] of rewrites.entries()) {
    const op = parseRewrite(raw, index);
    if (op.merge !== undefined) throw new RewriteNotSupportedError("merge", index);
    if (op.regexp) {
      current = rewriteRegexp(current, op.regexp, index);
      continue;
    }
    if (op.transform) throw new RewriteNotSupportedError("transform", index);
  }
  return current;
}

/** Applies rewrite operations in order, `transform` through `transform`; throws RewriteError or RewriteNotSupportedError. */
export async function rewriteKeysWith(values: ReadonlyMap<string, Uint8Array>, rewrites: readonly unknown[], transform: KeyTransformer): Promise<Map<string, Uint8Array>> {
  let current = new Map(values);
  for (const [index, raw] of rewrites.entries()) {
    const op = parseRewrite(raw, index);
    if (op.merge !== undefined) throw new RewriteNotSupportedError("merge", index);
    if (op.regexp) current = rewriteRegexp(current, op.regexp, index);
    else if (op.transform) current = await rewriteTransform(current, op.transform.template, index, transform);
  }
  return current;
}

async function rewriteTransform(values: ReadonlyMap<string, Uint8Array>, template: string, index: number, transform: KeyTransformer): Promise<Map<string, Uint8Array>> {
  let renamed: Map<string, string>;
  try {
    renamed = await transform(template, [...values.keys()]);
  } catch (err) {
    throw new RewriteError(`failed rewrite operation[${index}]: ${(err as Error).message}`, { cause: err });
  }
  const out = new Map<string, Uint8Array>();
  for (const [key, value] of values) {
    const to = renamed.get(key) ?? key;
    out.delete(to);
    out.set(to, value);
  }
  return out;
}

function rewriteRegexp(values: ReadonlyMap<string, Uint8Array>, op: RewriteRegexp, index: number): Map<string, Uint8Array> {
  let re;
  try {
    re = compileGoRegexp(op.source);
  } catch (err) {
    if (err instanceof GoRegexpSyntaxError) {
      throw new RewriteError(`failed rewrite operation[${index}]: regexp failed with failed to compile: ${err.message}`, { cause: err });
    }
    throw err;
  }
  const out = new Map<string, Uint8Array>();
  for (const [key, value] of values) {
    const renamed = replaceAll(re, key, op.target, index);
    out.delete(renamed);
    out.set(renamed, value);
  }
  return out;
}

function replaceAll(re: GoRegexp, key: string, target: string, index: number): string {
  try {
    return re.replaceAllString(key, target);
  } catch (err) {
    if (err instanceof ReplaceAllWorkError) throw new RewriteError(`failed rewrite operation[${index}]: ${err.message}`, { cause: err });
    throw err;
  }
}
