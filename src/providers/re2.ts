/**
 * ESO's `find.name.regexp` is Go RE2 syntax. JavaScript's RegExp is a superset in the features that
 * matter (classes, groups, repetition, alternation), so a pattern is translated rather than interpreted:
 * RE2-only spellings are rewritten (`(?P<name>`, `\A`, `\z`, `\Q…\E`, `[[:alpha:]]`, a leading `(?i)`), and
 * what RE2 rejects (lookarounds, backreferences) is rejected here too, with a message saying so, instead
 * of silently matching differently than ESO would. Matching is unanchored, as Go's MatchString.
 */
export class UnsupportedRegexpError extends Error {
  override readonly name = "UnsupportedRegexpError";
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\x09\\x20",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "\\x21-\\x7E",
  lower: "a-z",
  print: "\\x20-\\x7E",
  punct: "\\x21-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7E",
  space: "\\x09-\\x0D\\x20",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** Characters that keep their backslash in a JavaScript pattern (with or without the `u` flag). */
const JS_SYNTAX = new Set([..."^$\\.*+?()[]{}|/"]);
const ESCAPE_CLASSES = new Set([..."dDsSwWbBfnrtv"]);

export function compileRe2(pattern: string): RegExp {
  const unsupported = (what: string) =>
    new UnsupportedRegexpError(`regexp ${JSON.stringify(pattern)}: ${what} is not supported (Go RE2 syntax, as ESO)`);
  let flags = "";
  let unicode = false;
  let out = "";
  let i = 0;

  const leading = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (leading) {
    for (const f of leading[1]!) {
      if (f === "i" || f === "m" || f === "s") flags += flags.includes(f) ? "" : f;
      else throw unsupported(`flag "${f}"`);
    }
    i = leading[0].length;
  }

  let inClass = false;
  let classStart = false;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "\\") {
      const n = pattern[i + 1];
      if (n === undefined) throw unsupported("a trailing backslash");
      if (n === "Q") {
        const end = pattern.indexOf("\\E", i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? pattern.length : end);
        out += [...literal].map(escapeLiteral).join("");
        i = end < 0 ? pattern.length : end + 2;
        classStart = false;
        continue;
      }
      if (!inClass && n >= "1" && n <= "9") throw unsupported("a backreference");
      if (n === "k") throw unsupported("a backreference");
      if (n === "C") throw unsupported("\\C");
      if (n === "Z") throw unsupported("\\Z");
      if (!inClass && n === "A") {
        out += "(?<![\\s\\S])";
        i += 2;
        continue;
      }
      if (!inClass && n === "z") {
        out += "(?![\\s\\S])";
        i += 2;
        continue;
      }
      if (n === "p" || n === "P") {
        unicode = true;
        const braced = /^\{[^}]+\}/.exec(pattern.slice(i + 2));
        if (braced) {
          out += `\\${n}${braced[0]}`;
          i += 2 + braced[0].length;
        } else {
          const name = pattern[i + 2];
          if (name === undefined) throw unsupported("an incomplete \\p");
          out += `\\${n}{${name}}`;
          i += 3;
        }
        classStart = false;
        continue;
      }
      if (n === "x") {
        const braced = /^\{([0-9A-Fa-f]+)\}/.exec(pattern.slice(i + 2));
        if (braced) {
          const code = parseInt(braced[1]!, 16);
          if (code > 0xffff) unicode = true;
          out += code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
          i += 2 + braced[0].length;
        } else {
          out += pattern.slice(i, i + 4);
          i += 4;
        }
        classStart = false;
        continue;
      }
      if (ESCAPE_CLASSES.has(n) || JS_SYNTAX.has(n) || (n === "-" && inClass)) out += `\\${n}`;
      else if (/[0-7]/.test(n) && inClass) throw unsupported("an octal escape");
      else if (/[A-Za-z0-9]/.test(n)) throw unsupported(`the escape \\${n}`);
      else out += escapeLiteral(n);
      i += 2;
      classStart = false;
      continue;
    }

    if (inClass) {
      if (c === "]" && !classStart) {
        inClass = false;
        out += c;
        i++;
        continue;
      }
      if (c === "]" && classStart) {
        out += "\\]";
        i++;
        classStart = false;
        continue;
      }
      if (c === "[" && pattern[i + 1] === ":") {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i));
        if (posix) {
          const range = POSIX_CLASSES[posix[2]!];
          if (range === undefined) throw unsupported(`the class [:${posix[2]}:]`);
          if (posix[1]) throw unsupported(`the negated class [:^${posix[2]}:]`);
          out += range;
          i += posix[0].length;
          classStart = false;
          continue;
        }
      }
      if (c === "[") out += "\\[";
      else out += c;
      classStart = false;
      i++;
      continue;
    }

    if (c === "[") {
      inClass = true;
      classStart = true;
      out += "[";
      i++;
      if (pattern[i] === "^") {
        out += "^";
        i++;
      }
      continue;
    }
    if (c === "(" && pattern[i + 1] === "?") {
      const rest = pattern.slice(i + 2);
      if (rest.startsWith("P<")) {
        out += "(?<";
        i += 4;
        continue;
      }
      if (rest.startsWith("<") && /^<[A-Za-z_]/.test(rest)) {
        out += "(?<";
        i += 3;
        continue;
      }
      if (rest.startsWith("=") || rest.startsWith("!") || rest.startsWith("<=") || rest.startsWith("<!")) throw unsupported("a lookaround");
      if (rest.startsWith("P=")) throw unsupported("a backreference");
      const modifiers = /^([a-zA-Z-]*)([:)])/.exec(rest);
      if (modifiers && modifiers[1] !== "") {
        if (modifiers[2] === ")") throw unsupported("an inline flag group after the start of the pattern");
        if (/[^ims-]/.test(modifiers[1]!)) throw unsupported(`the flags "${modifiers[1]}"`);
      }
    }
    out += c;
    i++;
  }
  if (inClass) throw unsupported("an unterminated character class");
  try {
    return new RegExp(out, flags + (unicode ? "u" : ""));
  } catch (err) {
    throw new UnsupportedRegexpError(`regexp ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
}

function escapeLiteral(ch: string): string {
  if (JS_SYNTAX.has(ch) || ch === "-") {
    const code = ch.codePointAt(0)!;
    return `\\x${code.toString(16).padStart(2, "0")}`;
  }
  return ch;
}
