import assert from "node:assert/strict";
import { test } from "node:test";
import { RewriteError, RewriteNotSupportedError, rewriteKeys } from "./rewrite.ts";
import { rewriteCases } from "./transform.cases.ts";

for (const c of rewriteCases) {
  test(`rewriteKeys: ${c.name}`, () => {
    const values = new Map(c.keys.map((k) => [k, new Uint8Array(Buffer.from(k))]));
    const run = () => rewriteKeys(values, c.rewrites);
    if (c.want === "unsupported") {
      assert.throws(run, RewriteNotSupportedError);
      return;
    }
    if (c.want === "error") {
      assert.throws(run, RewriteError);
      return;
    }
    const out = Object.fromEntries([...run()].map(([k, v]) => [k, Buffer.from(v).toString()]));
    assert.deepEqual(out, c.want);
  });
}

const shapeCases = [
  { name: "not an object", rewrites: ["x"], want: /rewrite\[0\] must be an object/ },
  { name: "regexp without target", rewrites: [{ regexp: { source: "a" } }], want: /rewrite\[0\]\.regexp needs string fields/ },
  { name: "second entry named", rewrites: [{}, { transform: {} }], want: /rewrite\[1\]\.transform needs a string template/ },
];

for (const c of shapeCases) {
  test(`rewriteKeys shape: ${c.name}`, () => {
    assert.throws(() => rewriteKeys(new Map([["k", new Uint8Array()]]), c.rewrites), c.want);
  });
}

test("rewriteKeys: a colliding rename keeps the later key", () => {
  const values = new Map([
    ["a-1", new Uint8Array([1])],
    ["b-1", new Uint8Array([2])],
  ]);
  const out = rewriteKeys(values, [{ regexp: { source: "^.-", target: "" } }]);
  assert.deepEqual([...out], [["1", new Uint8Array([2])]]);
});
