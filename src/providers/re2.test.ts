import { test } from "node:test";
import assert from "node:assert/strict";
import { compileRe2, UnsupportedRegexpError } from "./re2.ts";

test("RE2 patterns match as Go's MatchString would", () => {
  const cases: Array<{ pattern: string; matches: string[]; rejects: string[] }> = [
    { pattern: "^app/.*", matches: ["app/db", "app/"], rejects: ["xapp/db"] },
    { pattern: "db", matches: ["app/db-password"], rejects: ["app/api"] },
    { pattern: "(?i)^APP/", matches: ["app/x"], rejects: ["ap/x"] },
    { pattern: "^(?P<team>[a-z]+)/key$", matches: ["ops/key"], rejects: ["ops/key2"] },
    { pattern: "\\Aprod\\z", matches: ["prod"], rejects: ["prod\n", "xprod"] },
    { pattern: "\\Qa.b*c\\E$", matches: ["xa.b*c"], rejects: ["aXbbc"] },
    { pattern: "^[[:alpha:]]+[[:digit:]]$", matches: ["abc1"], rejects: ["ab_1"] },
    { pattern: "^[]a]+$", matches: ["]a]"], rejects: ["b"] },
    { pattern: "^\\pL+$", matches: ["été"], rejects: ["a1"] },
    { pattern: "^a\\-b\\_c$", matches: ["a-b_c"], rejects: ["ab_c"] },
    { pattern: "^x\\x{41}$", matches: ["xA"], rejects: ["xB"] },
  ];
  for (const { pattern, matches, rejects } of cases) {
    const re = compileRe2(pattern);
    for (const s of matches) assert.ok(re.test(s), `${pattern} should match ${JSON.stringify(s)}`);
    for (const s of rejects) assert.ok(!re.test(s), `${pattern} should not match ${JSON.stringify(s)}`);
  }
});

test("what RE2 rejects is rejected with a message naming it", () => {
  const cases: Array<[string, RegExp]> = [
    ["foo(?=bar)", /lookaround/],
    ["(?<!x)y", /lookaround/],
    ["(a)\\1", /backreference/],
    ["(?P<n>a)(?P=n)", /backreference/],
    ["a(?i)b", /inline flag/],
    ["(?U)a+", /flag "U"/],
    ["[abc", /unterminated/],
    ["a\\", /trailing backslash/],
  ];
  for (const [pattern, message] of cases) {
    assert.throws(() => compileRe2(pattern), (err: Error) => err instanceof UnsupportedRegexpError && message.test(err.message), pattern);
  }
});
