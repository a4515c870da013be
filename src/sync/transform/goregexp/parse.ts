/**
 * A parser for Go's regexp syntax (RE2, as regexp.Compile accepts it: Perl flags, Unicode classes),
 * following regexp/syntax's rules for what is accepted and what error is reported: the same pattern
 * that ESO rejects is rejected here with the same message, and what ESO accepts gets Go's meaning.
 */
import type { ClassItem, Node, ParsedRegexp } from "./ast.ts";
import { ErrorCode, GoRegexpSyntaxError, type ErrorCodeText } from "./errors.ts";
import { unicodeClass } from "./unicode-classes.ts";

interface Flags {
  /** i: case-insensitive */
  fold: boolean;
  /** m: ^ and $ match at line boundaries */
  multiLine: boolean;
  /** s: . matches \n */
  dotNL: boolean;
  /** U: quantifiers are lazy unless followed by ? */
  ungreedy: boolean;
}

const MAX_RUNE = 0x10ffff;
const MAX_DEPTH = 1000;

const range = (lo: number, hi: number): ClassItem => ({ kind: "range", lo, hi });

const PERL_GROUPS: Record<string, ClassItem[]> = {
  d: [range(0x30, 0x39)],
  s: [range(0x09, 0x0a), range(0x0c, 0x0d), range(0x20, 0x20)],
  w: [range(0x30, 0x39), range(0x41, 0x5a), range(0x5f, 0x5f), range(0x61, 0x7a)],
};

const POSIX_GROUPS = new Map<string, ClassItem[]>(Object.entries({
  alnum: [range(0x30, 0x39), range(0x41, 0x5a), range(0x61, 0x7a)],
  alpha: [range(0x41, 0x5a), range(0x61, 0x7a)],
  ascii: [range(0x00, 0x7f)],
  blank: [range(0x09, 0x09), range(0x20, 0x20)],
  cntrl: [range(0x00, 0x1f), range(0x7f, 0x7f)],
  digit: [range(0x30, 0x39)],
  graph: [range(0x21, 0x7e)],
  lower: [range(0x61, 0x7a)],
  print: [range(0x20, 0x7e)],
  punct: [range(0x21, 0x2f), range(0x3a, 0x40), range(0x5b, 0x60), range(0x7b, 0x7e)],
  space: [range(0x09, 0x0d), range(0x20, 0x20)],
  upper: [range(0x41, 0x5a)],
  word: [range(0x30, 0x39), range(0x41, 0x5a), range(0x5f, 0x5f), range(0x61, 0x7a)],
  xdigit: [range(0x30, 0x39), range(0x41, 0x46), range(0x61, 0x66)],
}));

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Za-z]$/.test(c);
}

function unhex(c: string | undefined): number {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c) ? parseInt(c, 16) : -1;
}

/** Go's repeatIsValid: nested {n,m} counts may not multiply past n copies of the innermost thing. */
function repeatIsValid(re: Node, n: number): boolean {
  if (re.op === "repeat" && re.counted) {
    let m = re.max;
    if (m === 0) return true;
    if (m < 0) m = re.min;
    if (m > n) return false;
    if (m > 0) n = Math.trunc(n / m);
  }
  const subs = re.op === "concat" || re.op === "alternate" ? re.subs : re.op === "capture" || re.op === "repeat" ? [re.sub] : [];
  return subs.every((sub) => repeatIsValid(sub, n));
}

class Parser {
  readonly s: string;
  pos = 0;
  flags: Flags = { fold: false, multiLine: false, dotNL: false, ungreedy: false };
  readonly names: string[] = [""];
  depth = 0;

  constructor(s: string) {
    this.s = s;
  }

  error(code: ErrorCodeText, expr: string): never {
    throw new GoRegexpSyntaxError(code, expr);
  }

  /** The code point at i and its length in UTF-16 units (0 at the end, as Go's empty-string decode). */
  rune(i: number): { r: number; len: number } {
    const r = this.s.codePointAt(i);
    if (r === undefined) return { r: 0xfffd, len: 0 };
    return { r, len: r > 0xffff ? 2 : 1 };
  }

  parse(): ParsedRegexp {
    const root = this.alternation();
    // alternation() stops only at the end or at a ')' with no group open.
    if (this.pos < this.s.length) this.error(ErrorCode.unexpectedParen, this.s);
    return { root, names: this.names };
  }

  alternation(): Node {
    const alts = [this.concat()];
    while (this.s[this.pos] === "|") {
      this.pos++;
      alts.push(this.concat());
    }
    return alts.length === 1 ? (alts[0] as Node) : { op: "alternate", subs: alts };
  }

  /** The body of a group up to its ')'; flags set inside end with the group. */
  groupBody(restore: Flags): Node {
    if (++this.depth > MAX_DEPTH) this.error(ErrorCode.nestingDepth, this.s);
    const sub = this.alternation();
    if (this.s[this.pos] !== ")") this.error(ErrorCode.missingParen, this.s);
    this.pos++;
    this.depth--;
    this.flags = restore;
    return sub;
  }

  concat(): Node {
    const items: Node[] = [];
    // Start of the previous token when it was a repetition operator (Go's lastRepeat).
    let lastRepeat = -1;
    while (this.pos < this.s.length) {
      const c = this.s[this.pos];
      if (c === "|" || c === ")") break;
      const start = this.pos;
      let repeated = false;
      switch (c) {
        case "(": {
          if (this.s[this.pos + 1] === "?") {
            const node = this.perlGroup();
            if (node) items.push(node);
          } else {
            this.pos++;
            const index = this.names.length;
            this.names.push("");
            items.push({ op: "capture", index, sub: this.groupBody({ ...this.flags }) });
          }
          break;
        }
        case "^":
          this.pos++;
          items.push({ op: this.flags.multiLine ? "beginLine" : "beginText" });
          break;
        case "$":
          this.pos++;
          items.push({ op: this.flags.multiLine ? "endLine" : "endText" });
          break;
        case ".":
          this.pos++;
          items.push({ op: this.flags.dotNL ? "anyChar" : "anyCharNotNL" });
          break;
        case "[":
          items.push(this.bracketClass());
          break;
        case "*":
        case "+":
        case "?":
          this.pos++;
          this.repeat(items, c === "+" ? 1 : 0, c === "?" ? 1 : -1, false, start, lastRepeat);
          repeated = true;
          break;
        case "{": {
          const r = this.parseRepeat();
          if (!r) {
            this.pos++;
            items.push(this.literal(0x7b));
            break;
          }
          if (r.min < 0 || r.min > 1000 || r.max > 1000 || (r.max >= 0 && r.min > r.max)) {
            this.error(ErrorCode.invalidRepeatSize, this.s.slice(start, this.pos));
          }
          this.repeat(items, r.min, r.max, true, start, lastRepeat);
          repeated = true;
          break;
        }
        case "\\":
          this.escape(items);
          break;
        default: {
          const { r, len } = this.rune(this.pos);
          this.pos += len;
          items.push(this.literal(r));
        }
      }
      lastRepeat = repeated ? start : -1;
    }
    if (items.length === 0) return { op: "empty" };
    return items.length === 1 ? (items[0] as Node) : { op: "concat", subs: items };
  }

  literal(rune: number): Node {
    return { op: "literal", rune, fold: this.flags.fold };
  }

  repeat(items: Node[], min: number, max: number, counted: boolean, start: number, lastRepeat: number): void {
    let lazy = false;
    if (this.s[this.pos] === "?") {
      this.pos++;
      lazy = true;
    }
    // Perl forbids stacking: a** is an error, not a doubled star.
    if (lastRepeat >= 0) this.error(ErrorCode.invalidRepeatOp, this.s.slice(lastRepeat, this.pos));
    const sub = items.pop();
    if (!sub) this.error(ErrorCode.missingRepeatArgument, this.s.slice(start, this.pos));
    const node: Node = { op: "repeat", min, max, greedy: this.flags.ungreedy === lazy, counted, sub };
    if (counted && (min >= 2 || max >= 2) && !repeatIsValid(node, 1000)) {
      this.error(ErrorCode.invalidRepeatSize, this.s.slice(start, this.pos));
    }
    items.push(node);
  }

  /** Go's parseInt for counts: digits without a leading zero; -1 when absurdly large. */
  parseInt(i: number): { n: number; end: number } | undefined {
    const m = /^[0-9]+/.exec(this.s.slice(i));
    if (!m) return undefined;
    const digits = m[0];
    if (digits.length >= 2 && digits[0] === "0") return undefined;
    let n = 0;
    for (const d of digits) {
      if (n >= 1e8) {
        n = -1;
        break;
      }
      n = n * 10 + Number(d);
    }
    return { n, end: i + digits.length };
  }

  /** {n}, {n,} or {n,m} at pos; undefined when '{' is not a repetition (then it is a literal). */
  parseRepeat(): { min: number; max: number } | undefined {
    const a = this.parseInt(this.pos + 1);
    if (!a) return undefined;
    let min = a.n;
    let max: number;
    let i = a.end;
    if (i >= this.s.length) return undefined;
    if (this.s[i] !== ",") {
      max = min;
    } else {
      i++;
      if (i >= this.s.length) return undefined;
      if (this.s[i] === "}") {
        max = -1;
      } else {
        const b = this.parseInt(i);
        if (!b) return undefined;
        max = b.n;
        i = b.end;
        if (max < 0) min = -1;
      }
    }
    if (this.s[i] !== "}") return undefined;
    this.pos = i + 1;
    return { min, max };
  }

  /** (?flags), (?flags:...), (?P<name>...), (?<name>...). Returns the group node, if any. */
  perlGroup(): Node | undefined {
    const start = this.pos;
    const t = this.s.slice(start);
    const named = t.length > 4 && t[2] === "P" && t[3] === "<" ? 4 : t.length > 3 && t[2] === "<" ? 3 : 0;
    if (named) {
      const end = t.indexOf(">");
      if (end < 0) this.error(ErrorCode.invalidNamedCapture, t);
      const name = t.slice(named, end);
      if (!/^[A-Za-z0-9_]+$/.test(name)) this.error(ErrorCode.invalidNamedCapture, t.slice(0, end + 1));
      this.pos = start + end + 1;
      const index = this.names.length;
      this.names.push(name);
      return { op: "capture", index, sub: this.groupBody({ ...this.flags }) };
    }
    const flags = { ...this.flags };
    let negate = false;
    let sawFlag = false;
    let i = start + 2;
    while (i < this.s.length) {
      const { r, len } = this.rune(i);
      i += len;
      const c = String.fromCodePoint(r);
      const set = !negate;
      if (c === "i") flags.fold = set;
      else if (c === "m") flags.multiLine = set;
      else if (c === "s") flags.dotNL = set;
      else if (c === "U") flags.ungreedy = set;
      else if (c === "-") {
        if (negate) break;
        negate = true;
        sawFlag = false;
        continue;
      } else if (c === ":" || c === ")") {
        if (negate && !sawFlag) break;
        this.pos = i;
        if (c === ")") {
          // Flags only: they hold until the end of the enclosing group.
          this.flags = flags;
          return undefined;
        }
        const restore = this.flags;
        this.flags = flags;
        return this.groupBody(restore);
      } else {
        break;
      }
      sawFlag = true;
    }
    return this.error(ErrorCode.invalidPerlOp, this.s.slice(start, i));
  }

  escape(items: Node[]): void {
    const next = this.s[this.pos + 1];
    switch (next) {
      case "A":
        this.pos += 2;
        items.push({ op: "beginText" });
        return;
      case "z":
        this.pos += 2;
        items.push({ op: "endText" });
        return;
      case "b":
        this.pos += 2;
        items.push({ op: "wordBoundary" });
        return;
      case "B":
        this.pos += 2;
        items.push({ op: "noWordBoundary" });
        return;
      case "C":
        this.error(ErrorCode.invalidEscape, "\\C");
        break;
      case "Q": {
        // \Q...\E: everything up to \E (or the end) is literal.
        const end = this.s.indexOf("\\E", this.pos + 2);
        const lit = this.s.slice(this.pos + 2, end < 0 ? undefined : end);
        this.pos = end < 0 ? this.s.length : end + 2;
        for (const ch of lit) items.push(this.literal(ch.codePointAt(0) ?? 0));
        return;
      }
    }
    const cls = this.classEscape(this.pos);
    if (cls) {
      this.pos = cls.end;
      items.push({ op: "class", items: cls.items, negated: cls.negated, fold: this.flags.fold });
      return;
    }
    const { r, end } = this.parseEscape(this.pos);
    this.pos = end;
    items.push(this.literal(r));
  }

  /** \pX, \p{Name}, \P..., \d \s \w and negations at i; undefined when i holds another escape. */
  classEscape(i: number): { items: ClassItem[]; negated: boolean; end: number } | undefined {
    if (this.s[i] !== "\\" || i + 1 >= this.s.length) return undefined;
    const c = this.s[i + 1] ?? "";
    if (c === "p" || c === "P") return this.unicodeClassEscape(i);
    const group = PERL_GROUPS[c.toLowerCase()];
    if (group && "dDsSwW".includes(c)) return { items: group, negated: c !== c.toLowerCase(), end: i + 2 };
    return undefined;
  }

  unicodeClassEscape(i: number): { items: ClassItem[]; negated: boolean; end: number } {
    let negated = this.s[i + 1] === "P";
    const { r, len } = this.rune(i + 2);
    let name: string;
    let seq: string;
    let end: number;
    if (len === 0 || r !== 0x7b) {
      end = i + 2 + len;
      seq = this.s.slice(i, end);
      name = seq.slice(2);
    } else {
      const close = this.s.indexOf("}", i);
      if (close < 0) this.error(ErrorCode.invalidCharRange, this.s.slice(i));
      end = close + 1;
      seq = this.s.slice(i, end);
      name = this.s.slice(i + 3, close);
    }
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    const table = unicodeClass(name);
    if (!table) this.error(ErrorCode.invalidCharRange, seq);
    if (table.invert) negated = !negated;
    return { items: table.items, negated, end };
  }

  /** A single-character escape at i (the backslash): Go's parseEscape. */
  parseEscape(i: number): { r: number; end: number } {
    let t = i + 1;
    if (t >= this.s.length) this.error(ErrorCode.trailingBackslash, "");
    const first = this.rune(t);
    t += first.len;
    const c = String.fromCodePoint(first.r);
    const fail = (): never => this.error(ErrorCode.invalidEscape, this.s.slice(i, t));
    // Escaped punctuation (and '_') is always itself.
    if (first.r < 0x80 && !isAlnum(c)) return { r: first.r, end: t };
    if (c >= "1" && c <= "7") {
      // A single non-zero digit would be a backreference, which Go does not support.
      const d = this.s[t];
      if (d === undefined || d < "0" || d > "7") fail();
    }
    if (c >= "0" && c <= "7") {
      let r = Number(c);
      for (let k = 1; k < 3; k++) {
        const d = this.s[t];
        if (d === undefined || d < "0" || d > "7") break;
        r = r * 8 + Number(d);
        t++;
      }
      return { r, end: t };
    }
    switch (c) {
      case "x": {
        if (t >= this.s.length) fail();
        const x = this.rune(t);
        t += x.len;
        if (x.r === 0x7b) {
          let r = 0;
          let nhex = 0;
          for (;;) {
            if (t >= this.s.length) fail();
            const h = this.rune(t);
            t += h.len;
            if (h.r === 0x7d) break;
            const v = unhex(String.fromCodePoint(h.r));
            if (v < 0) fail();
            r = r * 16 + v;
            if (r > MAX_RUNE) fail();
            nhex++;
          }
          if (nhex === 0) fail();
          return { r, end: t };
        }
        const hi = unhex(String.fromCodePoint(x.r));
        const y = this.rune(t);
        t += y.len;
        const lo = y.len === 0 ? -1 : unhex(String.fromCodePoint(y.r));
        if (hi < 0 || lo < 0) fail();
        return { r: hi * 16 + lo, end: t };
      }
      case "a":
        return { r: 0x07, end: t };
      case "f":
        return { r: 0x0c, end: t };
      case "n":
        return { r: 0x0a, end: t };
      case "r":
        return { r: 0x0d, end: t };
      case "t":
        return { r: 0x09, end: t };
      case "v":
        return { r: 0x0b, end: t };
    }
    return fail();
  }

  bracketClass(): Node {
    const classStart = this.pos;
    let t = this.pos + 1;
    let negated = false;
    if (this.s[t] === "^") {
      negated = true;
      t++;
    }
    const items: ClassItem[] = [];
    let first = true;
    // ']' right after '[' (or '[^') is a literal.
    while (t >= this.s.length || this.s[t] !== "]" || first) {
      first = false;
      if (this.s.length - t > 2 && this.s[t] === "[" && this.s[t + 1] === ":") {
        const close = this.s.indexOf(":]", t + 2);
        if (close >= 0) {
          const name = this.s.slice(t, close + 2);
          const inner = name.slice(2, -2);
          const neg = inner.startsWith("^");
          const group = POSIX_GROUPS.get(neg ? inner.slice(1) : inner);
          if (!group) this.error(ErrorCode.invalidCharRange, name);
          if (neg) items.push({ kind: "negated", items: group });
          else items.push(...group);
          t = close + 2;
          continue;
        }
      }
      const cls = this.classEscape(t);
      if (cls) {
        if (cls.negated) items.push({ kind: "negated", items: cls.items });
        else items.push(...cls.items);
        t = cls.end;
        continue;
      }
      const rangeStart = t;
      const lo = this.classChar(t, classStart);
      t = lo.end;
      let hi = lo;
      if (this.s.length - t >= 2 && this.s[t] === "-" && this.s[t + 1] !== "]") {
        hi = this.classChar(t + 1, classStart);
        t = hi.end;
        if (hi.r < lo.r) this.error(ErrorCode.invalidCharRange, this.s.slice(rangeStart, t));
      }
      items.push(range(lo.r, hi.r));
    }
    this.pos = t + 1;
    return { op: "class", items, negated, fold: this.flags.fold };
  }

  classChar(t: number, classStart: number): { r: number; end: number } {
    if (t >= this.s.length) this.error(ErrorCode.missingBracket, this.s.slice(classStart));
    if (this.s[t] === "\\") return this.parseEscape(t);
    const { r, len } = this.rune(t);
    return { r, end: t + len };
  }
}

/** Parses a Go regular expression; throws GoRegexpSyntaxError with Go's message. */
export function parseGoRegexp(pattern: string): ParsedRegexp {
  return new Parser(pattern).parse();
}
