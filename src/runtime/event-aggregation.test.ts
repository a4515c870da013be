import assert from "node:assert/strict";
import { test } from "node:test";
import { EventAggregation, type AggregatedEvent } from "./event-aggregation.ts";

/** A Map that counts the entries any iteration visits: the work the aggregation does per event. */
class CountingMap extends Map<string, AggregatedEvent> {
  visited = 0;

  override *[Symbol.iterator](): MapIterator<[string, AggregatedEvent]> {
    for (const entry of super.entries()) {
      this.visited++;
      yield entry;
    }
  }
}

const entry = (at: number): AggregatedEvent => ({ name: `e${at}`, namespace: "ns", count: 1, firstSeen: at, lastWrite: at });

test("looking up an event visits O(1) entries amortised, however many distinct events are aggregated", () => {
  const entries = new CountingMap();
  const aggregation = new EventAggregation({ windowMs: 10 * 60_000, maxEntries: 100_000, entries });
  const N = 20_000;
  for (let i = 0; i < N; i++) {
    const key = `object-${i}`;
    if (!aggregation.get(key, i)) aggregation.add(key, entry(i));
  }
  assert.equal(aggregation.size, N);
  // Scanning the whole cache on every event visited N²/2 = 200,000,000 entries here.
  assert.ok(entries.visited <= 2 * N, `${entries.visited} entries visited for ${N} events`);
});

test("expiry removes exactly the entries first seen before the window, oldest first", () => {
  const aggregation = new EventAggregation({ windowMs: 100, maxEntries: 1000 });
  for (let t = 0; t < 10; t++) aggregation.add(`k${t}`, entry(t * 20));
  assert.equal(aggregation.get("k9", 250)?.name, "e180", "inside the window");
  assert.equal(aggregation.get("k4", 250), undefined, "first seen at 80 < 150: expired");
  assert.equal(aggregation.size, 2, "k8 (160) and k9 (180) remain");
});

test("the cache is bounded: the oldest aggregation is forgotten beyond maxEntries", () => {
  const aggregation = new EventAggregation({ windowMs: 60_000, maxEntries: 3 });
  for (let i = 0; i < 5; i++) aggregation.add(`k${i}`, entry(i));
  assert.equal(aggregation.size, 3);
  assert.equal(aggregation.get("k0", 5), undefined);
  assert.equal(aggregation.get("k4", 5)?.name, "e4");
});
