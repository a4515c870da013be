import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { inParallel } from "./bench-fixtures.ts";

/** fn for inParallel that fails each item's first `failures[item]` calls (with `code`), counting calls and peak concurrency. */
function flaky(failures: Record<string, number>, code?: number) {
  const calls: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const fn = async (item: string) => {
    calls.push(item);
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
    if ((failures[item] ?? 0) > 0) {
      failures[item]!--;
      throw Object.assign(new Error(`${item} failed`), code === undefined ? {} : { code });
    }
  };
  return { fn, calls, peak: () => peak };
}

describe("inParallel", () => {
  const noWait = { retryDelayMs: () => 0 };
  // `tries`: how often fn was called for item "b", the one that fails.
  const cases: Array<{ name: string; failures: number; code?: number; attempts?: number; tries: number; error?: boolean }> = [
    { name: "no retry by default: the first failure is thrown", failures: 1, tries: 1, error: true },
    { name: "a failure is retried up to `attempts`", failures: 2, attempts: 3, tries: 3 },
    { name: "the last attempt's failure is thrown", failures: 3, attempts: 3, tries: 3, error: true },
    { name: "a 409 on a retry is done (the create went through before)", failures: 5, code: 409, attempts: 3, tries: 2 },
    { name: "a 409 on the first try is retried like any failure", failures: 1, code: 409, attempts: 3, tries: 2 },
    { name: "a 409 on the only try is thrown", failures: 1, code: 409, tries: 1, error: true },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const f = flaky({ b: c.failures }, c.code);
      const run = inParallel(["a", "b", "c", "d", "e"], 2, f.fn, { ...noWait, ...(c.attempts ? { attempts: c.attempts } : {}) });
      if (c.error) await assert.rejects(run, /b failed/);
      else await run;
      assert.equal(f.calls.filter((i) => i === "b").length, c.tries);
      if (!c.error) assert.deepEqual([...new Set(f.calls)].sort(), ["a", "b", "c", "d", "e"], "every item done");
    });
  }

  test("never more than `limit` calls in flight", async () => {
    const f = flaky({});
    await inParallel(Array.from({ length: 20 }, (_, i) => String(i)), 3, f.fn);
    assert.equal(f.calls.length, 20);
    assert.equal(f.peak(), 3);
  });
});
