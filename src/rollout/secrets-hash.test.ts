import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rolloutDelayMs, secretsHash } from "./secrets-hash.ts";

const key = new Uint8Array(32).fill(7);

describe("secretsHash", () => {
  test("equal content, equal hash, in any order", () => {
    assert.equal(secretsHash(key, [{ name: "a", digest: "1" }, { name: "b", digest: "2" }]), secretsHash(key, [{ name: "b", digest: "2" }, { name: "a", digest: "1" }]));
  });
  const base = secretsHash(key, [{ name: "a", digest: "1" }]);
  const cases: Array<{ name: string; hash: string }> = [
    { name: "changed data", hash: secretsHash(key, [{ name: "a", digest: "2" }]) },
    { name: "another Secret", hash: secretsHash(key, [{ name: "b", digest: "1" }]) },
    { name: "one more Secret", hash: secretsHash(key, [{ name: "a", digest: "1" }, { name: "b", digest: "1" }]) },
    { name: "name and digest boundaries", hash: secretsHash(key, [{ name: "a1", digest: "" }]) },
    { name: "another key", hash: secretsHash(new Uint8Array(32).fill(8), [{ name: "a", digest: "1" }]) },
  ];
  for (const c of cases) test(`differs on ${c.name}`, () => assert.notEqual(c.hash, base));
  test("is 32 hex characters", () => assert.match(base, /^[0-9a-f]{32}$/));
});

describe("rolloutDelayMs", () => {
  const cases: Array<{ name: string; last: number | undefined; now: number; window: number; want: number }> = [
    { name: "never rolled: at once", last: undefined, now: 1000, window: 60_000, want: 0 },
    { name: "inside the window: the rest of it", last: 1000, now: 21_000, window: 60_000, want: 40_000 },
    { name: "window over: at once", last: 1000, now: 61_000, window: 60_000, want: 0 },
    { name: "long after: at once", last: 1000, now: 1_000_000, window: 60_000, want: 0 },
    { name: "no window", last: 1000, now: 1000, window: 0, want: 0 },
  ];
  for (const c of cases) test(c.name, () => assert.equal(rolloutDelayMs(c.last, c.now, c.window), c.want));
});
