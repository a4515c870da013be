import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { esoConcurrency, parseBenchOptions } from "./bench-options.ts";

describe("parseBenchOptions", () => {
  test("defaults: the in-process check on 1,000; the real-ESO defaults are issue #16's", () => {
    assert.deepEqual(parseBenchOptions([]), {
      mode: "in-process", count: 1000, controllers: ["eso-1", "eso-8", "ferry"], steadySeconds: 180, probes: 20, probeIntervalSeconds: 3, unmanagedSecrets: 0, timeoutSeconds: 1800, keepLogs: false,
    });
  });
  test("--against-eso with a quick run's flags", () => {
    const o = parseBenchOptions(["--against-eso", "--count", "100", "--controllers", "eso-8,ferry", "--steady", "60", "--probes=5"]);
    assert.equal(o.mode, "against-eso");
    assert.equal(o.count, 100);
    assert.deepEqual(o.controllers, ["eso-8", "ferry"]);
    assert.equal(o.steadySeconds, 60);
    assert.equal(o.probes, 5);
    assert.equal(esoConcurrency("eso-8"), 8);
    assert.equal(o.ferryConcurrency, undefined, "the chart's");
    assert.equal(parseBenchOptions(["--against-eso", "--ferry-concurrency", "128"]).ferryConcurrency, 128);
  });
  test("BENCH_COUNT still sets the count; --count wins", () => {
    assert.equal(parseBenchOptions([], { BENCH_COUNT: "200" }).count, 200);
    assert.equal(parseBenchOptions(["--count", "300"], { BENCH_COUNT: "200" }).count, 300);
  });
  const bad: Array<[string[], RegExp]> = [
    [["--controllers", "eso"], /"eso" is neither ferry nor eso-<concurrent>/],
    [["--controllers", "eso-0"], /"eso-0" is neither/],
    [["--count", "many"], /--count must be a number ≥ 1, got "many"/],
    [["--steady", "0"], /--steady must be a number ≥ 1/],
    [["--ferry-concurrency", "0"], /--ferry-concurrency must be a number ≥ 1/],
    [["--against-esoo"], /Unknown option '--against-esoo'/],
  ];
  for (const [args, message] of bad) test(`bad input: ${args.join(" ")}`, () => assert.throws(() => parseBenchOptions(args), message));
});
