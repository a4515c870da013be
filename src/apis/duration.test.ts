import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  canonicalDuration,
  formatDuration,
  formatDurationNanos,
  GO_DURATION_PATTERN,
  isGoDuration,
  parseDuration,
  parseDurationNanos,
} from "./duration.ts";

// Expected values are what Go's time.ParseDuration returns for the same input.
const valid: [input: string, nanos: bigint][] = [
  ["0", 0n],
  ["-0", 0n],
  ["+0", 0n],
  ["0s", 0n],
  ["1h0m0s", 3_600_000_000_000n],
  ["1h", 3_600_000_000_000n],
  ["10m", 600_000_000_000n],
  ["90s", 90_000_000_000n],
  ["1m", 60_000_000_000n],
  ["1h30m", 5_400_000_000_000n],
  ["1.5h", 5_400_000_000_000n],
  [".5s", 500_000_000n],
  ["5.s", 5_000_000_000n],
  ["300ms", 300_000_000n],
  ["-1.5h", -5_400_000_000_000n],
  ["+10s", 10_000_000_000n],
  ["2us", 2_000n],
  ["2µs", 2_000n],
  ["2μs", 2_000n],
  ["100ns", 100n],
  ["1h2m3s4ms5us6ns", 3_723_004_005_006n],
  ["1.0000000001s", 1_000_000_000n], // truncated at nanoseconds, as Go
  ["2562047h47m16.854775807s", (1n << 63n) - 1n],
];

const invalid = ["", "1", "1d", "h", ".", ".s", "-", "1.5", "s", "1hh", "1 h", " 1h", "1h ", "9223372036854775808ns", "2562048h"];

describe("parseDurationNanos", () => {
  for (const [input, nanos] of valid) {
    test(`accepts ${JSON.stringify(input)}`, () => {
      assert.equal(parseDurationNanos(input), nanos);
      assert.ok(isGoDuration(input));
    });
  }
  for (const input of invalid) {
    test(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseDurationNanos(input), { name: "DurationError" });
      assert.equal(isGoDuration(input), false);
    });
  }
});

describe("GO_DURATION_PATTERN (the CRD pattern)", () => {
  const pattern = new RegExp(GO_DURATION_PATTERN);
  for (const [input] of valid) {
    test(`matches ${JSON.stringify(input)}`, () => assert.match(input, pattern));
  }
  // Overflow is beyond a regular expression; everything else Go rejects, the pattern rejects too.
  for (const input of invalid.filter((i) => !["9223372036854775808ns", "2562048h"].includes(i))) {
    test(`does not match ${JSON.stringify(input)}`, () => assert.doesNotMatch(input, pattern));
  }
});

describe("parseDuration (milliseconds)", () => {
  const cases: [string, number][] = [
    ["1h0m0s", 3_600_000],
    ["10m", 600_000],
    ["0", 0],
    ["90s", 90_000],
    ["1.5ms", 1.5],
  ];
  for (const [input, ms] of cases) test(`${input} → ${ms} ms`, () => assert.equal(parseDuration(input), ms));
});

describe("formatDurationNanos (Go Duration.String)", () => {
  const cases: [bigint, string][] = [
    [0n, "0s"],
    [3_600_000_000_000n, "1h0m0s"],
    [600_000_000_000n, "10m0s"],
    [90_000_000_000n, "1m30s"],
    [1_500_000_000n, "1.5s"],
    [300_000_000n, "300ms"],
    [1_500_000n, "1.5ms"],
    [2_000n, "2µs"],
    [100n, "100ns"],
    [-5_400_000_000_000n, "-1h30m0s"],
    [3_723_004_005_006n, "1h2m3.004005006s"],
  ];
  for (const [nanos, text] of cases) test(`${nanos} → ${text}`, () => assert.equal(formatDurationNanos(nanos), text));

  test("formatDuration takes milliseconds", () => assert.equal(formatDuration(3_600_000), "1h0m0s"));
  test("canonicalDuration round-trips through Go's format", () => {
    assert.equal(canonicalDuration("60m"), "1h0m0s");
    assert.equal(canonicalDuration("1h"), "1h0m0s");
    assert.equal(canonicalDuration("0"), "0s");
  });
});
