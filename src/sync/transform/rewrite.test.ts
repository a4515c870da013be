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

test("rewriteKeys: a pattern catastrophic for backtracking renames a 10,000-byte key (Go regexp, linear)", () => {
  // `^([a-z/-]+)*X$` took 2.4 s on 26 characters with JavaScript's RegExp, doubling per character.
  const key = "a/b-".repeat(2500);
  const out = rewriteKeys(new Map([[key, new Uint8Array([1])]]), [{ regexp: { source: "^([a-z/-]+)*X$", target: "never" } }]);
  assert.deepEqual([...out.keys()], [key]);
});

test("rewriteKeys: a replacement quadratic in Go stops with an error naming the operation", () => {
  assert.throws(
    () => rewriteKeys(new Map([["a".repeat(16_000), new Uint8Array()]]), [{ regexp: { source: "a.*b|a", target: "x" } }]),
    (err) => err instanceof RewriteError && /^failed rewrite operation\[0\]: regexp replacement stopped on a 16000-byte input/.test(err.message),
  );
});
