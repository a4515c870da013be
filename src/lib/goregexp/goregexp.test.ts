import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compileGoRegexp, GoRegexpSyntaxError, ReplaceAllWorkError } from "./index.ts";
import { matchCases, replaceAllCases } from "./goregexp.cases.ts";

describe("Go regexp: the case tables (Go's answers, checked against Go in goregexp.oracle.test.ts)", () => {
  for (const c of replaceAllCases) {
    test(`ReplaceAllString: ${c.name}`, () => {
      if (typeof c.want === "string") assert.equal(compileGoRegexp(c.pattern).replaceAllString(c.input, c.repl), c.want);
      else assert.throws(() => compileGoRegexp(c.pattern), (err) => err instanceof GoRegexpSyntaxError && err.message === (c.want as { error: string }).error);
    });
  }
  for (const c of matchCases) {
    test(`MatchString: ${c.name}`, () => {
      if (typeof c.want === "boolean") assert.equal(compileGoRegexp(c.pattern).matchString(c.input), c.want);
      else assert.throws(() => compileGoRegexp(c.pattern), (err) => err instanceof GoRegexpSyntaxError && err.message === (c.want as { error: string }).error);
    });
  }
});

/** UTF-8 bytes of `text` as an array that counts how often the engine reads one of them. */
function countingInput(text: string): { input: number[]; reads: () => number } {
  let reads = 0;
  const input = new Proxy(Array.from(new TextEncoder().encode(text)), {
    get(target, key, receiver) {
      if (typeof key === "string" && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { input, reads: () => reads };
}

// Patterns on which a backtracking engine (JavaScript's RegExp, which Ferry used before) takes time
// exponential in the input: `^([a-z/-]+)*X$` on 26 letters took 2.4 s there and doubled per letter. An
// automaton reads each input byte a bounded number of times, so the reads counted here grow linearly:
// at 10,000 bytes a backtracker would read 2^10000 times.
const CATASTROPHIC: Array<{ name: string; pattern: string; input: (n: number) => string }> = [
  { name: "nested plus with a failing suffix", pattern: "^([a-z/-]+)*X$", input: (n) => "a/b-".repeat(n / 4) },
  { name: "overlapping alternation", pattern: "^(a|aa)+$", input: (n) => "a".repeat(n - 1) + "b" },
  { name: "adjacent overlapping repeats", pattern: "(x+x+)+y", input: (n) => "x".repeat(n) },
  { name: "case-insensitive nested groups", pattern: "(?i)^(([a-z])+.)+[A-Z]([a-z])+$", input: (n) => "ab".repeat(n / 2 - 1) + "a!" },
];

describe("Go regexp: linear time on patterns that are catastrophic for backtracking", () => {
  for (const c of CATASTROPHIC) {
    test(`MatchString (find.name.regexp, namespaceRegexes): ${c.name}`, () => {
      const re = compileGoRegexp(c.pattern);
      const small = countingInput(c.input(1000));
      const large = countingInput(c.input(10_000));
      assert.equal(re.matchBytes(small.input), false);
      assert.equal(re.matchBytes(large.input), false);
      // A bounded number of reads per byte (set by the pattern, not the input), and ten times the input reads about ten times as much.
      assert.ok(large.reads() <= 10 * 10_000, `${large.reads()} reads of 10,000 bytes`);
      assert.ok(large.reads() <= 10.1 * small.reads(), `${small.reads()} reads of 1,000 bytes, ${large.reads()} of 10,000`);
    });

    test(`ReplaceAllString (rewrite.regexp): ${c.name}`, () => {
      const re = compileGoRegexp(c.pattern);
      const small = countingInput(c.input(1000));
      const large = countingInput(c.input(10_000));
      re.replaceAllBytes(small.input, "$1");
      re.replaceAllBytes(large.input, "$1");
      assert.ok(large.reads() <= 10 * 10_000, `${large.reads()} reads of 10,000 bytes`);
      assert.ok(large.reads() <= 10.1 * small.reads(), `${small.reads()} reads of 1,000 bytes, ${large.reads()} of 10,000`);
    });
  }

  test("ReplaceAll, quadratic in Go on `a.*b|a`, stops at its work budget instead of blocking", () => {
    const re = compileGoRegexp("a.*b|a");
    assert.equal(re.replaceAllString("a".repeat(1000), "x"), "x".repeat(1000), "ordinary lengths are untouched");
    assert.throws(() => re.replaceAllString("a".repeat(16_000), "x"), ReplaceAllWorkError);
  });
});

describe("Go regexp: limits and messages", () => {
  const rejected: Array<[string, string]> = [
    ["x{99999}", "error parsing regexp: invalid repeat count: `{99999}`"],
    ["a{1001}", "error parsing regexp: invalid repeat count: `{1001}`"],
    ["(?:(?:a{10}){10}){11}", "error parsing regexp: invalid repeat count: `{11}`"],
    ["(?:" + "(?:a|b)".repeat(3000) + "){1000}", "error parsing regexp: expression too large: `(?:" + "(?:a|b)".repeat(3000) + "){1000}`"],
    ["(?=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"],
    ["\\p{White_Space}", "error parsing regexp: invalid character class range: `\\p{White_Space}`"],
    ["[\\p{Klingon}]", "error parsing regexp: invalid character class range: `\\p{Klingon}`"],
    ["a\\", "error parsing regexp: trailing backslash at end of expression: ``"],
  ];
  for (const [pattern, message] of rejected) {
    test(`rejects ${JSON.stringify(pattern.slice(0, 30))} with Go's message`, () => {
      assert.throws(() => compileGoRegexp(pattern), (err) => err instanceof GoRegexpSyntaxError && err.message === message);
    });
  }

  test("accepts what Go accepts: (?i), \\pL, named groups, 1000 repeats", () => {
    assert.equal(compileGoRegexp("(?i)team-a").matchString("TEAM-A"), true);
    assert.equal(compileGoRegexp("^\\pL+$").matchString("ключ"), true);
    assert.deepEqual(compileGoRegexp("(?P<a>x)(?<b>y)(z)").names, ["", "a", "b", ""]);
    assert.equal(compileGoRegexp("^a{1000}$").matchString("a".repeat(1000)), true);
  });

  test("a repeated group name expands to the first group of that name that took part", () => {
    const re = compileGoRegexp("(?P<x>a)|(?P<x>b)");
    assert.deepEqual(re.names, ["", "x", "x"]);
    assert.equal(re.replaceAllString("ab", "<${x}>"), "<a><b>");
  });

  test("compiles a pattern once while it is in use", () => {
    assert.equal(compileGoRegexp("^cached-[a-z]+$"), compileGoRegexp("^cached-[a-z]+$"));
  });
});
