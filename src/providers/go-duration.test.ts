import { test } from "node:test";
import assert from "node:assert/strict";
import { parseGoDuration } from "./go-duration.ts";

test("parseGoDuration accepts Go's syntax", () => {
  const cases: Array<[string, number]> = [
    ["0", 0],
    ["10s", 10_000],
    ["1m30s", 90_000],
    ["1.5h", 5_400_000],
    ["300ms", 300],
    ["2us", 0.002],
    ["1h2m3s4ms", 3_723_004],
    ["-5s", -5000],
    [".5s", 500],
  ];
  for (const [text, ms] of cases) assert.equal(parseGoDuration(text), ms, text);
});

test("parseGoDuration rejects what Go rejects", () => {
  for (const text of ["", "10", "s", "1d", "1 s", "1s ", "abc", "-"]) {
    assert.throws(() => parseGoDuration(text), /invalid duration/, JSON.stringify(text));
  }
});
