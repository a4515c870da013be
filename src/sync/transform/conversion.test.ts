import assert from "node:assert/strict";
import { test } from "node:test";
import { convertKey, convertKeys, KeyCollisionError } from "./conversion.ts";
import { convertCases } from "./transform.cases.ts";

for (const c of convertCases) {
  test(`convertKeys ${c.strategy}: ${c.name}`, () => {
    const values = new Map(c.keys.map((k) => [k, new Uint8Array(Buffer.from(k))]));
    if (!Array.isArray(c.want)) {
      const message = c.want.error;
      assert.throws(() => convertKeys(values, c.strategy), (err: Error) => err instanceof KeyCollisionError && err.message === message);
      return;
    }
    const out = convertKeys(values, c.strategy);
    assert.deepEqual([...out.keys()], c.want);
    assert.deepEqual(c.keys.map((k) => convertKey(k, c.strategy)), c.want);
  });
}

const strategyCases = [
  { name: "omitted strategy is Default", strategy: "", key: "a/b", want: "a_b" },
  { name: "unknown strategy keeps the key", strategy: "Bogus", key: "a/b", want: "a/b" },
];

for (const c of strategyCases) {
  test(`convertKey: ${c.name}`, () => {
    assert.equal(convertKey(c.key, c.strategy), c.want);
  });
}
