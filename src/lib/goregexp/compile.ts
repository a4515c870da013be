/**
 * Go's regexp package, as ESO runs it, for every pattern a user writes into a spec
 * (`dataFrom[].find.name.regexp`, `dataFrom[].rewrite[].regexp.source`, a ClusterSecretStore's
 * `conditions[].namespaceRegexes`).
 *
 * The engine is re2js, a JavaScript port of RE2/J, itself a port of Go's regexp: the same parser (so the
 * same accepted syntax, limits and error messages: repeat counts ≤ 1000, nesting depth, `(?i)`, `\pL`,
 * `(?P<name>…)`) and the same automata-based matching, which runs in time linear in the input. A
 * backtracking engine (JavaScript's RegExp) takes exponential time on patterns such as `^([a-z/-]+)*X$`,
 * and a tenant who writes one would block the event loop and lose the leader lease for everyone.
 *
 * Matching runs on the UTF-8 bytes of the input, as Go does, so match positions, empty matches and the
 * ReplaceAllString loop (replace-all.ts) step exactly as Go's do.
 */
import { RE2JS, RE2JSSyntaxException } from "re2js";
import { adaptPattern, type AdaptedPattern } from "./adapt-pattern.ts";
import { expandTemplate } from "./expand.ts";
import { replaceAllBytes, type ByteInput } from "./replace-all.ts";

export interface GoRegexp {
  /** The pattern as written. */
  readonly source: string;
  /** Capture names by group index (0 and unnamed groups are ""). */
  readonly names: readonly string[];
  /** Go's Regexp.MatchString: an unanchored search. */
  matchString(src: string): boolean;
  /** Go's Regexp.ReplaceAllString, with Go's `$1` / `${name}` template rules (expand.ts). */
  replaceAllString(src: string, repl: string): string;
  /** matchString on UTF-8 bytes; exported so tests can count how much of the input the engine reads. */
  matchBytes(src: ByteInput): boolean;
  /** replaceAllString on UTF-8 bytes, returning UTF-8 bytes. */
  replaceAllBytes(src: ByteInput, repl: string): Uint8Array;
}

/** Go's *syntax.Error, with Go's message: "error parsing regexp: <code>: `<expr>`". */
export class GoRegexpSyntaxError extends Error {
  override readonly name = "GoRegexpSyntaxError";
  readonly code: string;
  readonly expr: string;

  constructor(code: string, expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
    this.code = code;
    this.expr = expr;
  }
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * Compiled patterns by source, most recently used last. A spec's patterns are compiled on every parse and
 * every sync; compiling a large one costs far more than matching names with it. Bounded in entries, and
 * long patterns are not kept, so the cache's memory stays small whatever tenants write.
 */
const cache = new Map<string, GoRegexp>();
const CACHE_ENTRIES = 256;
const CACHE_MAX_PATTERN = 1024;

/** Compiles like Go's regexp.Compile; throws GoRegexpSyntaxError with Go's message. */
export function compileGoRegexp(pattern: string): GoRegexp {
  const cached = cache.get(pattern);
  if (cached) {
    cache.delete(pattern);
    cache.set(pattern, cached);
    return cached;
  }
  const re = compileUncached(pattern);
  if (pattern.length <= CACHE_MAX_PATTERN) {
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(pattern, re);
  }
  return re;
}

function compileUncached(pattern: string): GoRegexp {
  const adapted = adaptPattern(pattern);
  const re = compileEngine(pattern, adapted);
  const names = groupNames(re, adapted.movedNames);
  const matchBytes = (src: ByteInput): boolean => re.matcher(src).find();
  const replaceBytes = (src: ByteInput, repl: string): Uint8Array =>
    replaceAllBytes(re, src, (groups) => utf8.encode(expandTemplate(repl, { groups: groups.map(decodeGroup), names })));
  return {
    source: pattern,
    names,
    matchBytes,
    replaceAllBytes: replaceBytes,
    matchString: (src) => matchBytes(utf8.encode(src)),
    replaceAllString: (src, repl) => fromUtf8.decode(replaceBytes(utf8.encode(src), repl)),
  };
}

function decodeGroup(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : fromUtf8.decode(bytes);
}

function compileEngine(pattern: string, adapted: AdaptedPattern): RE2JS {
  try {
    // Flags 0: Go's syntax.Perl defaults. LOOKBEHINDS stays off, as Go has none.
    return RE2JS.compile(adapted.source, 0);
  } catch (err) {
    if (err instanceof RE2JSSyntaxException) throw new GoRegexpSyntaxError(err.getDescription(), goErrorExpr(err, pattern, adapted));
    throw err;
  }
}

/**
 * The expression Go puts in the message, in the user's spelling. re2js leaves it out where Go reports an
 * empty one (a trailing backslash) or the whole pattern (nesting too deep, a program too large).
 */
function goErrorExpr(err: RE2JSSyntaxException, pattern: string, adapted: AdaptedPattern): string {
  const expr = err.getPattern();
  if (expr === null || expr === undefined) return err.getDescription().startsWith("trailing backslash") ? "" : pattern;
  if (expr === adapted.source) return pattern;
  return adapted.replacements.reduce((text, r) => text.replaceAll(r.written, r.original), expr);
}

function groupNames(re: RE2JS, movedNames: ReadonlyMap<number, string>): string[] {
  const names = Array.from({ length: re.groupCount() + 1 }, () => "");
  for (const [name, index] of Object.entries(re.namedGroups())) names[index] = name;
  for (const [index, name] of movedNames) names[index] = name;
  return names;
}
