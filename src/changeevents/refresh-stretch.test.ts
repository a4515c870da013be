import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { stretchedRefreshIntervalMs } from "./refresh-stretch.ts";

const HOUR = 3_600_000;

describe("stretchedRefreshIntervalMs", () => {
  const cases: Array<{ name: string; specMs: number; factor: number; queuesUp: boolean; covered: boolean; want: number }> = [
    { name: "stretched while the queues are up", specMs: HOUR, factor: 6, queuesUp: true, covered: true, want: 6 * HOUR },
    { name: "off (factor 1)", specMs: HOUR, factor: 1, queuesUp: true, covered: true, want: HOUR },
    { name: "a queue is down: the spec's interval at once", specMs: HOUR, factor: 6, queuesUp: false, covered: true, want: HOUR },
    { name: "not covered by change events", specMs: HOUR, factor: 6, queuesUp: true, covered: false, want: HOUR },
    { name: "refreshInterval 0 stays sync-once", specMs: 0, factor: 6, queuesUp: true, covered: true, want: 0 },
  ];
  for (const c of cases) test(c.name, () => assert.equal(stretchedRefreshIntervalMs(c.specMs, c), c.want));
});
