/**
 * Bridges the two places where re2js's parser (a port of an older Go regexp/syntax) and Go 1.26's differ,
 * by rewriting the pattern before re2js parses it; goregexp.oracle.test.ts checks every other construct:
 *
 * - `\p{name}`: Go matches names loosely ("greek", "Uppercase_Letter", "ascii") and rejects binary
 *   properties; re2js is case-sensitive and accepts White_Space. Each name is resolved as Go does
 *   (unicode-class-names.ts); one Go rejects becomes a name re2js rejects too, at the same place, so the
 *   first error reported is the one Go reports.
 * - Duplicate group names: Go accepts `(?P<x>a)|(?P<x>b)` (`${x}` expands the first group named x that
 *   took part in the match); re2js refuses it. A repeated name is replaced by a unique one for re2js,
 *   and the group gets its real name back here.
 *
 * The scan follows Go's tokenisation only as far as needed: escapes, `\Q…\E`, bracket classes (where `(`
 * and `\p` mean other things) and group openers. Anything malformed is copied as is, for re2js to reject.
 */

import { resolveUnicodeClassName } from "./unicode-class-names.ts";

export interface AdaptedPattern {
  /** What re2js compiles. */
  source: string;
  /** Real names of the groups renamed in `source` (repeated names), by group index. */
  movedNames: ReadonlyMap<number, string>;
  /** Rewritten pieces, to put the user's spelling back into an error message. */
  replacements: ReadonlyArray<{ written: string; original: string }>;
}

/** A `\p{…}` name no Go or re2js table holds: re2js rejects it where Go rejects the original. */
const REJECTED_NAME = "ferry:not-a-Go-class";

const CAPTURE_NAME = /^[A-Za-z0-9_]+$/;

/** `(?P<name>` or `(?<name>` at `at` with a name Go accepts (parsePerlFlags), else undefined. */
function namedCapture(pattern: string, at: number): { text: string; name: string } | undefined {
  const nameStart = pattern.startsWith("(?P<", at) ? at + 4 : pattern.startsWith("(?<", at) ? at + 3 : -1;
  if (nameStart < 0) return undefined;
  const end = pattern.indexOf(">", nameStart);
  if (end < 0) return undefined;
  const name = pattern.slice(nameStart, end);
  return CAPTURE_NAME.test(name) ? { text: pattern.slice(at, end + 1), name } : undefined;
}

export function adaptPattern(pattern: string): AdaptedPattern {
  const movedNames = new Map<number, string>();
  const replacements: Array<{ written: string; original: string }> = [];
  const seenNames = new Set<string>();
  let groups = 0;
  let out = "";
  let i = 0;

  /** Copies a `\p` / `\P` escape at i, resolving its name; returns the index after it. */
  const unicodeClass = (): number => {
    const parsed = parseUnicodeClass(pattern, i);
    if (!parsed) {
      out += pattern.slice(i, i + 2);
      return i + 2;
    }
    const { seq, name, end } = parsed;
    const negated = name.startsWith("^");
    const resolved = resolveUnicodeClassName(negated ? name.slice(1) : name);
    const written = `\\${pattern[i + 1]}{${negated ? "^" : ""}${resolved ?? REJECTED_NAME}}`;
    if (written !== seq) replacements.push({ written, original: seq });
    out += written;
    return end;
  };

  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "\\") {
      const next = pattern[i + 1];
      if (next === "Q") {
        const close = pattern.indexOf("\\E", i + 2);
        const end = close < 0 ? pattern.length : close + 2;
        out += pattern.slice(i, end);
        i = end;
      } else if (next === "p" || next === "P") i = unicodeClass();
      else {
        out += pattern.slice(i, i + 2);
        i += 2;
      }
      continue;
    }
    if (c === "[") {
      // Bracket class: `(` is literal here; `\p{…}` still names a class. Go: a leading `^`, then a `]`
      // in first position is literal; `[:name:]` is a POSIX class; escapes take the next character.
      out += c;
      i++;
      if (pattern[i] === "^") out += pattern[i++];
      let first = true;
      while (i < pattern.length && (pattern[i] !== "]" || first)) {
        first = false;
        if (pattern.startsWith("[:", i)) {
          const close = pattern.indexOf(":]", i + 2);
          if (close >= 0) {
            out += pattern.slice(i, close + 2);
            i = close + 2;
            continue;
          }
        }
        if (pattern[i] === "\\" && (pattern[i + 1] === "p" || pattern[i + 1] === "P")) i = unicodeClass();
        else if (pattern[i] === "\\") {
          out += pattern.slice(i, i + 2);
          i += 2;
        } else out += pattern[i++];
      }
      continue;
    }
    if (c === "(" && pattern[i + 1] !== "?") groups++;
    else if (c === "(") {
      const opener = namedCapture(pattern, i);
      if (opener) {
        groups++;
        if (seenNames.has(opener.name)) {
          // A name of its own, found nowhere in the pattern, so an error quoting it maps back exactly.
          let stand = `ferry_repeated_${groups}`;
          while (pattern.includes(stand)) stand += "_";
          const written = opener.text.replace(`<${opener.name}>`, `<${stand}>`);
          movedNames.set(groups, opener.name);
          replacements.push({ written, original: opener.text });
          out += written;
          i += opener.text.length;
          continue;
        }
        seenNames.add(opener.name);
      }
    }
    out += c;
    i++;
  }
  return { source: out, movedNames, replacements };
}

/**
 * The `\p` escape at `at` as Go's parseUnicodeClass reads it: `\pX` (one character) or `\p{…}` up to the
 * first `}`. Undefined where Go reports an error without looking at a name (nothing after `\p`, no `}`).
 */
function parseUnicodeClass(pattern: string, at: number): { seq: string; name: string; end: number } | undefined {
  const start = at + 2;
  if (start >= pattern.length) return undefined;
  if (pattern[start] !== "{") {
    const width = (pattern.codePointAt(start) ?? 0) > 0xffff ? 2 : 1;
    return { seq: pattern.slice(at, start + width), name: pattern.slice(start, start + width), end: start + width };
  }
  const close = pattern.indexOf("}", at);
  if (close < 0) return undefined;
  return { seq: pattern.slice(at, close + 1), name: pattern.slice(start + 1, close), end: close + 1 };
}
