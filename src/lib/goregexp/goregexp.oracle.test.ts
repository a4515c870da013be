// Checks Ferry's Go regexp against Go's own (tools/oracle): every case of the tables and seeded
// generated patterns go through both; the outcome (output, match, or error message) must be Go's, and
// the table's expectation too. Also checks that the `\p{…}` names Ferry resolves are this Go's.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { goAvailable, oracleBinary, runOracle, type OracleResponse } from "../../../tools/oracle/index.ts";
import { compileGoRegexp } from "./compile.ts";
import { generatedRegexpCases } from "./fuzz-cases.ts";
import { GO_CATEGORIES, GO_CATEGORY_ALIASES, GO_SCRIPTS } from "./go-unicode-names.ts";
import { matchCases, replaceAllCases } from "./goregexp.cases.ts";

const skip = (await goAvailable()) ? false : "no Go toolchain on PATH";
const GENERATED = 3000;
const generated = generatedRegexpCases(GENERATED);

/** Every name Go knows, in the spellings users write, plus names only re2js knows. */
const classNames = [
  ...[...GO_CATEGORIES, ...GO_SCRIPTS, ...Object.keys(GO_CATEGORY_ALIASES)].flatMap((n) => [n, n.toLowerCase(), n.toUpperCase(), n.replaceAll("_", " ")]),
  ...["Any", "any", "Assigned", "ASCII", "ascii", "LC", "lc", "White_Space", "Alphabetic", "Emoji", "Hex_Digit", "", "^L", "^greek", "Klingon"],
];
const classPatterns = classNames.flatMap((n) => [`\\p{${n}}`, `(?i)[\\P{${n}}]`]);
const classInputs = ["a", "Z", "7", " ", "γ", "ж", "日", "😀", "\u0378", "ſ", "\u212a", "_", "\u00a0"];

const go: Record<string, OracleResponse[]> = {};

// A cold oracle build compiles ESO's dependencies: minutes, far past the per-test default.
before(
  async () => {
    if (skip) return;
    await oracleBinary();
    [go.replaceAll, go.match, go.generated, go.generatedMatch, go.names, go.classes] = await Promise.all([
      runOracle(replaceAllCases.map((c) => ({ op: "replaceAll", pattern: c.pattern, input: c.input, repl: c.repl }))),
      runOracle(matchCases.map((c) => ({ op: "match", pattern: c.pattern, input: c.input }))),
      runOracle(generated.map((c) => ({ op: "replaceAll", ...c }))),
      runOracle(generated.map((c) => ({ op: "match", pattern: c.pattern, input: c.input }))),
      runOracle([{ op: "unicodeClassNames" }]),
      runOracle(classPatterns.flatMap((pattern) => classInputs.map((input) => ({ op: "match" as const, pattern, input })))),
    ]);
  },
  { timeout: 30 * 60_000 },
);

const answer = (table: string, i: number): OracleResponse => {
  const a = go[table]?.[i];
  assert.ok(a, `no oracle answer for ${table}[${i}]`);
  return a;
};

/** Ferry's outcome in the oracle's shape. */
function ours(run: () => string | boolean): { out?: string; matched?: boolean; error?: string } {
  try {
    const r = run();
    return typeof r === "string" ? { out: r } : { matched: r };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const goOutcome = (a: OracleResponse) => (a.error !== undefined ? { error: a.error } : a.out !== undefined ? { out: a.out } : { matched: a.matched });

for (const [i, c] of replaceAllCases.entries()) {
  test(`ReplaceAllString vs Go: ${c.name} (${JSON.stringify(c.pattern.slice(0, 40))})`, { skip }, () => {
    const a = answer("replaceAll", i);
    assert.deepEqual(ours(() => compileGoRegexp(c.pattern).replaceAllString(c.input, c.repl)), goOutcome(a));
    assert.deepEqual(typeof c.want === "string" ? { out: c.want } : c.want, goOutcome(a), "the table says what Go says");
  });
}

for (const [i, c] of matchCases.entries()) {
  test(`MatchString vs Go: ${c.name} (${JSON.stringify(c.pattern)})`, { skip }, () => {
    const a = answer("match", i);
    assert.deepEqual(ours(() => compileGoRegexp(c.pattern).matchString(c.input)), goOutcome(a));
    assert.deepEqual(typeof c.want === "boolean" ? { matched: c.want } : c.want, goOutcome(a), "the table says what Go says");
  });
}

test(`ReplaceAllString and MatchString vs Go: ${GENERATED} generated patterns`, { skip }, () => {
  for (const [i, c] of generated.entries()) {
    const context = `generated case ${i} ${JSON.stringify(c)}`;
    assert.deepEqual(ours(() => compileGoRegexp(c.pattern).replaceAllString(c.input, c.repl)), goOutcome(answer("generated", i)), context);
    assert.deepEqual(ours(() => compileGoRegexp(c.pattern).matchString(c.input)), goOutcome(answer("generatedMatch", i)), context);
  }
});

test("the \\p{…} names Ferry resolves are this Go's", { skip }, () => {
  const names = answer("names", 0).map ?? {};
  const keys = (prefix: string) => Object.keys(names).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).sort();
  assert.deepEqual(keys("category:"), [...GO_CATEGORIES].sort());
  assert.deepEqual(keys("script:"), [...GO_SCRIPTS].sort());
  assert.deepEqual(Object.fromEntries(keys("alias:").map((k) => [k, names[`alias:${k}`]])), GO_CATEGORY_ALIASES);
});

test(`\\p{…} classes vs Go: ${classPatterns.length} spellings, accepted or not, matching ${classInputs.length} characters`, { skip }, () => {
  let k = 0;
  for (const pattern of classPatterns) {
    for (const input of classInputs) {
      assert.deepEqual(ours(() => compileGoRegexp(pattern).matchString(input)), goOutcome(answer("classes", k++)), `${pattern} on ${JSON.stringify(input)}`);
    }
  }
});
