import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ReadOutcome } from "../../providers/provider.ts";
import { SiblingReads, siblingGroupOf, siblingShareMs } from "./sibling-reads.ts";

const sibling = (namespace: string, spec: object, annotations: Record<string, string> = {}) => ({
  metadata: { namespace, name: "shared", annotations, ownerReferences: [{ apiVersion: "external-secrets.io/v1", kind: "ClusterExternalSecret", name: "shared", uid: "ces-1", controller: true }] },
  spec,
});

describe("siblingGroupOf", () => {
  test("same ClusterExternalSecret and content: one group, whatever the namespace or key order", () => {
    assert.equal(siblingGroupOf(sibling("a", { x: 1, y: [1, 2] })), siblingGroupOf(sibling("b", { y: [1, 2], x: 1 })));
  });
  test("different content (a force-sync passed on) or no ClusterExternalSecret owner: another group or none", () => {
    assert.notEqual(siblingGroupOf(sibling("a", { x: 1 })), siblingGroupOf(sibling("a", { x: 1 }, { "external-secrets.io/force-sync": "1" })));
    assert.equal(siblingGroupOf({ metadata: { namespace: "a", name: "es" } }), undefined);
  });
});

describe("SiblingReads", () => {
  test("a read is shared for its TTL, then forgotten; a failed call is never shared", async () => {
    let now = 0;
    const reads = new SiblingReads({ now: () => now });
    const outcomes = new Map<string, ReadOutcome>();
    reads.put("g", Promise.resolve(outcomes), 1_000);
    assert.equal(await reads.get("g"), outcomes);
    now = 1_000;
    assert.equal(reads.get("g"), undefined);
    const failing = Promise.reject(new Error("throttled"));
    reads.put("h", failing, 1_000);
    await failing.catch(() => undefined);
    await Promise.resolve();
    assert.equal(reads.get("h"), undefined);
  });

  const cases: Array<[string, number, number]> = [
    ["1h: a minute at most (the read time a reconcile plans from)", 3_600_000, 60_000],
    ["1m: three quarters of it", 60_000, 45_000],
    ["20s: 15 s, longer than a fan-out created slowly on a busy machine (issue #12: 12–16 s)", 20_000, 15_000],
    ["4s: 3 s", 4_000, 3_000],
    ["0 (read once): a minute", 0, 60_000],
  ];
  for (const [name, interval, want] of cases) test(`siblingShareMs ${name}`, () => assert.equal(siblingShareMs(interval), want));
});
