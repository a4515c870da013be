/**
 * Translates a parsed Go regexp into a JavaScript RegExp (u flag) with the same meaning. JavaScript's
 * own shorthands differ from Go's where it matters, so nothing is left to them: \d \s \w \b are
 * ASCII-only in Go and spelled out as ASCII classes, '.' excludes only \n, ^ and $ are JavaScript's
 * (without its m flag that is \A and \z) or, under (?m), lookarounds on \n alone (JavaScript's m
 * flag would also break lines at \r and U+2028), (?i) is applied per atom with (?i:...), (?U) flips each
 * quantifier, and every literal is written as \u{...} so no JavaScript syntax can leak in. Capture
 * groups keep Go's numbering; names are kept aside for $name expansion.
 */
import type { ClassItem, Node } from "./ast.ts";

const WORD = String.raw`[0-9A-Za-z_]`;

function escapeRune(r: number): string {
  const c = String.fromCodePoint(r);
  return /^[0-9A-Za-z]$/.test(c) ? c : `\\u{${r.toString(16)}}`;
}

function plainItem(item: Exclude<ClassItem, { kind: "negated" }>): string {
  if (item.kind === "property") return item.escape;
  return item.lo === item.hi ? escapeRune(item.lo) : `${escapeRune(item.lo)}-${escapeRune(item.hi)}`;
}

/** A negated group inside a class: \P{X} when it is one property, else a negated class of its own. */
function negatedItem(items: ClassItem[]): string {
  const only = items[0];
  if (items.length === 1 && only?.kind === "property") return `[${only.escape.replace("\\p{", "\\P{")}]`;
  return classSource(items, true);
}

/**
 * A character class. u-mode classes cannot nest, so a class holding negated groups (like [\d\W]) is
 * written as an alternation of classes, and its negation as "none of them, then any character": both
 * match exactly one character, as the class does. Complements are never spelled out as ranges, so
 * (?i) keeps Go's meaning (a negated class excludes the case variants of its members).
 */
function classSource(items: ClassItem[], negated: boolean): string {
  const plain = items.filter((i): i is Exclude<ClassItem, { kind: "negated" }> => i.kind !== "negated");
  const nested = items.filter((i): i is Extract<ClassItem, { kind: "negated" }> => i.kind === "negated");
  if (nested.length === 0) return `[${negated ? "^" : ""}${plain.map(plainItem).join("")}]`;
  const union = [...(plain.length > 0 ? [`[${plain.map(plainItem).join("")}]`] : []), ...nested.map((n) => negatedItem(n.items))].join("|");
  return negated ? String.raw`(?:(?!${union})[\s\S])` : `(?:${union})`;
}

function fold(source: string, on: boolean): string {
  return on ? `(?i:${source})` : source;
}

/** Whether JavaScript can put a quantifier right after this source without a group. */
function isAtom(node: Node): boolean {
  return (
    (node.op === "literal" && !node.fold) ||
    node.op === "capture" ||
    (node.op === "class" && !node.fold && node.items.every((i) => i.kind !== "negated"))
  );
}

function quantifier(min: number, max: number): string {
  if (min === 0 && max === -1) return "*";
  if (min === 1 && max === -1) return "+";
  if (min === 0 && max === 1) return "?";
  if (max === -1) return `{${min},}`;
  if (min === max) return `{${min}}`;
  return `{${min},${max}}`;
}

export function toJsSource(node: Node): string {
  switch (node.op) {
    case "empty":
      return "(?:)";
    case "literal":
      return fold(escapeRune(node.rune), node.fold);
    case "class":
      return fold(classSource(node.items, node.negated), node.fold);
    case "anyChar":
      return String.raw`[\s\S]`;
    case "anyCharNotNL":
      return String.raw`[^\n]`;
    // Without the m flag JavaScript's ^ and $ are exactly \A and \z.
    case "beginText":
      return "^";
    case "endText":
      return "$";
    case "beginLine":
      return String.raw`(?<![^\n])`;
    case "endLine":
      return String.raw`(?![^\n])`;
    case "wordBoundary":
      return `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
    case "noWordBoundary":
      return `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`;
    case "capture":
      return `(${toJsSource(node.sub)})`;
    case "concat":
      return node.subs.map((s) => (s.op === "alternate" ? `(?:${toJsSource(s)})` : toJsSource(s))).join("");
    case "alternate":
      return node.subs.map(toJsSource).join("|");
    case "repeat": {
      const sub = toJsSource(node.sub);
      const atom = isAtom(node.sub) ? sub : `(?:${sub})`;
      return `${atom}${quantifier(node.min, node.max)}${node.greedy ? "" : "?"}`;
    }
  }
}
