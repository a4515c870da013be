import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FINALIZER, LAST_APPLIED_ANNOTATION, RECORDED } from "./names.ts";
import { scrubLastApplied, strippedSecretPatch } from "./strip.ts";
import { applyPatch, secret } from "./testing/fixtures.ts";

describe("strippedSecretPatch", () => {
  test("empties values, drops stringData, records the reference, adds the finalizer once", () => {
    const cases = [
      { name: "bare", input: secret({ data: { a: "1" } }), finalizers: [FINALIZER] },
      { name: "stringData and other finalizer", input: secret({ stringData: { s: "2" }, finalizers: ["other"] }), finalizers: ["other", FINALIZER] },
      { name: "already finalized", input: secret({ data: { a: "1" }, finalizers: [FINALIZER] }), finalizers: [FINALIZER] },
      { name: "being deleted", input: secret({ data: { a: "" }, deletionTimestamp: "2026-01-01T00:00:00Z" }), finalizers: undefined },
    ];
    for (const c of cases) {
      const out = applyPatch(c.input, strippedSecretPatch(c.input, ["b", "a"], { [RECORDED.version]: "v1" }));
      assert.deepEqual(out.data, { a: "", b: "" }, c.name);
      assert.equal(out.stringData, undefined, c.name);
      assert.equal(out.metadata?.annotations?.[RECORDED.version], "v1", c.name);
      assert.deepEqual(out.metadata?.finalizers, c.finalizers, c.name);
    }
  });

  test("client-sent recorded annotations are replaced, others kept", () => {
    const input = secret({ data: { a: "1" }, annotations: { [RECORDED.arn]: "forged", [RECORDED.version]: "forged", mine: "kept" } });
    const out = applyPatch(input, strippedSecretPatch(input, ["a"], { [RECORDED.version]: "real" }));
    assert.deepEqual(out.metadata?.annotations, { mine: "kept", [RECORDED.version]: "real" });
  });
});

describe("scrubLastApplied", () => {
  test("keeps keys (so apply still deletes removed ones) and drops values", () => {
    const cases: Array<[string, unknown]> = [
      [JSON.stringify({ kind: "Secret", data: { a: "c2VjcmV0" }, stringData: { b: "secret" } }), { kind: "Secret", data: { a: "" }, stringData: { b: "" } }],
      [JSON.stringify({ kind: "Secret", metadata: { name: "x" } }), { kind: "Secret", metadata: { name: "x" } }],
      [JSON.stringify({ kind: "Secret", data: "weird" }), { kind: "Secret" }],
    ];
    for (const [input, expected] of cases) assert.deepEqual(JSON.parse(scrubLastApplied(input)!), expected);
    assert.equal(scrubLastApplied("{not json secret"), undefined, "unparseable records are dropped");
    const input = secret({ data: { a: "1" }, annotations: { [LAST_APPLIED_ANNOTATION]: "{broken" } });
    const out = applyPatch(input, strippedSecretPatch(input, ["a"], {}));
    assert.equal(out.metadata?.annotations?.[LAST_APPLIED_ANNOTATION], undefined);
  });
});
