/**
 * A Go regular expression running on JavaScript's engine: parsed and checked with Go's rules, then
 * translated (to-js.ts). ReplaceAllString follows Go's loop exactly, which differs from
 * String.prototype.replace for empty matches: Go skips an empty match right after a previous match
 * ("a*" on "baaac" gives "-b-c-", where JavaScript gives "-b--c-").
 */
import { GoRegexpUnsupportedError } from "./errors.ts";
import { expandTemplate, templateReferences } from "./expand.ts";
import { parseGoRegexp } from "./parse.ts";
import { toJsSource } from "./to-js.ts";
import { nullableLoop, unstableCaptures } from "./engine-differences.ts";

export interface GoRegexp {
  /** The Go pattern as written. */
  readonly source: string;
  /** The JavaScript translation (u flag). */
  readonly jsSource: string;
  /** Capture names by group index (0 and unnamed groups are ""). */
  readonly names: readonly string[];
  /**
   * Go's Regexp.ReplaceAllString(src, repl). Throws GoRegexpUnsupportedError when repl refers to a
   * group whose value Go and JavaScript would report differently (see unstable-captures.ts).
   */
  replaceAllString(src: string, repl: string): string;
  /** Go's Regexp.MatchString(src). */
  matchString(src: string): boolean;
}

/** Compiles like Go's regexp.Compile; throws GoRegexpSyntaxError with Go's message. */
export function compileGoRegexp(pattern: string): GoRegexp {
  const parsed = parseGoRegexp(pattern);
  if (nullableLoop(parsed.root)) {
    throw new GoRegexpUnsupportedError(
      `${JSON.stringify(pattern)} repeats a part that prefers an empty match to a non-empty one; Go and ` +
        "JavaScript pick different matches there, so Ferry does not support it",
    );
  }
  const jsSource = toJsSource(parsed.root);
  // u, not v: V8 (Node 24) wrongly extends a (?i:...) group's flag to a class that follows it in v mode.
  const re = new RegExp(jsSource, "gu");
  const names = parsed.names;
  const unstable = unstableCaptures(parsed.root);

  const checkTemplate = (repl: string): void => {
    if (unstable.value.size === 0 && unstable.participation.size === 0) return;
    for (const ref of templateReferences(repl)) {
      const indexes = typeof ref === "number" ? [ref] : names.flatMap((n, i) => (n === ref ? [i] : []));
      // With one group the value is what counts; with several sharing a name, also which takes part.
      const bad = indexes.find((i) => unstable.value.has(i) || (indexes.length > 1 && unstable.participation.has(i)));
      if (bad !== undefined) {
        throw new GoRegexpUnsupportedError(
          `replacement ${JSON.stringify(repl)} refers to group ${bad} of ${JSON.stringify(pattern)}, whose value Go and ` +
            "JavaScript report differently (a group inside a repetition that can finish an iteration without setting " +
            "it, or that repeats an optional part a bounded number of times); Ferry does not support that",
        );
      }
    }
  };

  // V8 can report an empty match between the two halves of a surrogate pair (where a lookaround
  // sees half a character); Go only matches at character boundaries, so such matches are skipped.
  let text = "";
  const execAt = (from: number): RegExpExecArray | null => {
    re.lastIndex = from;
    for (;;) {
      const m = re.exec(text);
      if (!m) return null;
      const i = m.index;
      const midPair = i > 0 && i < text.length && /[\uD800-\uDBFF]/.test(text[i - 1] ?? "") && /[\uDC00-\uDFFF]/.test(text[i] ?? "");
      if (!midPair) return m;
      re.lastIndex = i + 1;
    }
  };

  const replaceAllString = (src: string, repl: string): string => {
    text = src;
    checkTemplate(repl);
    let out = "";
    let lastMatchEnd = 0;
    let searchPos = 0;
    while (searchPos <= src.length) {
      const m = execAt(searchPos);
      if (!m) break;
      const start = m.index;
      const end = start + m[0].length;
      out += src.slice(lastMatchEnd, start);
      // No replacement for an empty match that abuts the previous match.
      if (end > lastMatchEnd || start === 0) out += expandTemplate(repl, { groups: [...m], names });
      lastMatchEnd = end;
      // Advance past the match, and always by at least one character.
      const width = searchPos < src.length ? ((src.codePointAt(searchPos) ?? 0) > 0xffff ? 2 : 1) : 0;
      if (searchPos + width > end) searchPos += width;
      else if (searchPos + 1 > end) searchPos++;
      else searchPos = end;
    }
    return out + src.slice(lastMatchEnd);
  };

  return {
    source: pattern,
    jsSource,
    names,
    replaceAllString,
    matchString: (src) => {
      text = src;
      return execAt(0) !== null;
    },
  };
}
