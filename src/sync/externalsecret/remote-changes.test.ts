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
    assert.equal(changes.settle("ns/es", seen), 250);
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
    assert.equal(changes.settle("ns/es", again), 30);
  });

  test("forget drops the mark (ExternalSecret deleted)", () => {
    const changes = new RemoteChanges();
    changes.mark("ns/es");
    changes.forget("ns/es");
    assert.equal(changes.size, 0);
  });
});
