/**
 * Generated regexp cases for the oracle test: seeded random patterns built from Go's syntax (valid and
 * invalid), applied to random keys, so the translation is compared with Go's regexp on far more
 * combinations than the hand-written table. Deterministic for a given seed.
 */
import { seededRandom } from "../seeded-random.ts";


const ATOMS = [
  "a", "b", "A", "é", "日", "😀", ".", "-", "_", "/", "\\.", "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\b", "\\B", "^", "$",
  "\\A", "\\z", "[a-c]", "[^a]", "[\\d_]", "[[:alpha:]]", "[[:^space:]]", "\\pL", "\\p{Greek}", "\\PL", "[é-ü]", "\\x41",
  "\\x{65e5}", "\\Q.+\\E", "[]a]", "[a-]", "\\p{Lu}", "(?i:a)", "(?i)", "(?s)", "(?m)", "(?U)", "(?-i)", "{", "}", "]",
  "[\\d\\W]", "[^\\d\\s]", "(?i)[\\W]", "[\\P{L}0]", "a|b", "[ab]+",
];
/** Syntax Go rejects, mixed in rarely so most generated patterns compile. */
const BAD_ATOMS = ["\\", "(", ")", "*", "?", "[", "\\1", "(?=a)", "\\e", "(?P<>a)", "[z-a]", "\\p{Nope}"];
const QUANTS = ["", "", "", "", "*", "+", "?", "*?", "+?", "??", "{2}", "{1,2}", "{0,}", "{0,1}"];
const BAD_QUANTS = ["{2,1}", "**", "{1001}", "+*"];
const INPUTS = ["", "a", "ab", "aab", "abc", "ABC", "b-a", "a/b/c", "é日😀", "a\nb", "x.y_z", "AbC dEf", "日本語", "1a2b", "γδ", "a  b"];
const TEMPLATES = ["", "-", "$0", "<$1>", "${1}x", "$1x", "$$", "[$name]", "${2}${1}", "$"];

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)] as T;
}

function pattern(rnd: () => number, depth: number): string {
  const n = 1 + Math.floor(rnd() * 4);
  let out = "";
  for (let i = 0; i < n; i++) {
    const r = rnd();
    let piece: string;
    if (depth < 2 && r < 0.15) piece = `(${pattern(rnd, depth + 1)})`;
    else if (depth < 2 && r < 0.22) piece = `(?:${pattern(rnd, depth + 1)}|${pattern(rnd, depth + 1)})`;
    else if (depth < 2 && r < 0.26) piece = `(?P<name>${pattern(rnd, depth + 1)})`;
    else piece = rnd() < 0.03 ? pick(rnd, BAD_ATOMS) : pick(rnd, ATOMS);
    out += piece + (rnd() < 0.02 ? pick(rnd, BAD_QUANTS) : pick(rnd, QUANTS));
  }
  return out;
}

export interface GeneratedRegexpCase {
  pattern: string;
  input: string;
  repl: string;
}

export function generatedRegexpCases(count: number, seed = 20240601): GeneratedRegexpCase[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: count }, () => ({
    pattern: pattern(rnd, 0),
    input: pick(rnd, INPUTS) + (rnd() < 0.3 ? pick(rnd, INPUTS) : ""),
    repl: pick(rnd, TEMPLATES),
  }));
}
