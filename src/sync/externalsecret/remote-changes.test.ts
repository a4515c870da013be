import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { RemoteChanges } from "./remote-changes.ts";

describe("RemoteChanges", () => {
  test("a mark is pending until a reconcile that saw it settles it, with the latency from the first report", () => {
    let now = 1_000;
    const changes = new RemoteChanges({ monotonic: () => now });
    changes.mark("ns/es");
    const seen = changes.pending("ns/es")!;
    now = 1_250;
    assert.equal(changes.settle("ns/es", seen)?.totalMs, 250);
    assert.equal(changes.pending("ns/es"), undefined);
  });

  test("a change reported during the read stays pending (read again), keeping the first arrival", () => {
    let now = 0;
    const changes = new RemoteChanges({ monotonic: () => now });
    changes.mark("ns/es");
    const seen = changes.pending("ns/es")!;
    now = 10;
    changes.mark("ns/es");
    assert.equal(changes.settle("ns/es", seen), undefined);
    const again = changes.pending("ns/es")!;
    assert.equal(again.at, 0);
    now = 30;
    assert.equal(changes.settle("ns/es", again)?.totalMs, 30);
  });

  test("settle says where the time went: stages since the first report, and since the event reached its queue", () => {
    let now = 100;
    const changes = new RemoteChanges({ monotonic: () => now, now: () => 1_700_000_010_000 });
    changes.mark("ns/es", 1_700_000_009_000);
    changes.mark("ns/es", 1_700_000_008_500); // the same change delivered twice: the earliest queue time counts
    const seen = changes.pending("ns/es")!;
    const timing = changes.settle("ns/es", seen, { started: 140, read: 160, written: 175 });
    assert.deepEqual(timing, { startedMs: 40, readMs: 60, writtenMs: 75, totalMs: 0, fromQueueMs: 1_500 });
    now = 200;
    changes.mark("ns/other");
    assert.equal(changes.settle("ns/other", changes.pending("ns/other")!)?.fromQueueMs, undefined, "no queue time without SentTimestamp");
  });

  test("forget drops the mark (ExternalSecret deleted)", () => {
    const changes = new RemoteChanges();
    changes.mark("ns/es");
    changes.forget("ns/es");
    assert.equal(changes.size, 0);
  });
});
