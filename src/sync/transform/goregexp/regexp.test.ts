import assert from "node:assert/strict";
import { test } from "node:test";
import { regexpCases, UNSUPPORTED } from "../transform.cases.ts";
import { GoRegexpSyntaxError, GoRegexpUnsupportedError } from "./errors.ts";
import { compileGoRegexp } from "./regexp.ts";

for (const c of regexpCases) {
  test(`Go regexp ${JSON.stringify(c.pattern)} on ${JSON.stringify(c.input)}: ${c.name}`, () => {
    const run = () => compileGoRegexp(c.pattern).replaceAllString(c.input, c.repl);
    if (c.want === UNSUPPORTED) {
      assert.throws(run, GoRegexpUnsupportedError);
      return;
    }
    if (typeof c.want === "object") {
      const message = "error" in c.want ? c.want.error : "";
      assert.throws(run, (err: Error) => err instanceof GoRegexpSyntaxError && err.message === message);
      return;
    }
    assert.equal(run(), c.want);
  });
}

const matchCases = [
  { name: "unanchored", pattern: "b", input: "abc", want: true },
  { name: "anchored miss", pattern: "^b", input: "abc", want: false },
  { name: "no match inside a surrogate pair", pattern: "\\B", input: "😀", want: true },
];

for (const c of matchCases) {
  test(`Go regexp matchString: ${c.name}`, () => {
    assert.equal(compileGoRegexp(c.pattern).matchString(c.input), c.want);
  });
}
