// Checks the value transforms against ESO's own Go code (tools/oracle): every case of the unit tables
// goes through both, and both the implementation and the table's expectation must equal Go's answer.
// Go's regexp itself is checked in src/lib/goregexp/goregexp.oracle.test.ts.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { b64, goAvailable, oracleBinary, runOracle, unb64, type OracleResponse } from "../../../tools/oracle/index.ts";
import { convertKeys } from "./conversion.ts";
import { decodeValue } from "./decoding.ts";
import { extractJsonObject } from "./extract.ts";
import { RewriteNotSupportedError, rewriteKeys } from "./rewrite.ts";
import { convertCases, decodeCases, extractCases, rewriteCases } from "./transform.cases.ts";

const skip = (await goAvailable()) ? false : "no Go toolchain on PATH";
const bytes = (v: string | Uint8Array): Uint8Array => (typeof v === "string" ? new Uint8Array(Buffer.from(v, "utf8")) : v);
const keyed = (keys: string[]) => new Map(keys.map((k) => [k, bytes(k)]));

const go: Record<string, OracleResponse[]> = {};

// A cold oracle build compiles ESO's dependencies: minutes, far past the per-test default.
before(
  async () => {
    if (skip) return;
    await oracleBinary();
    [go.decode, go.convert, go.extract, go.rewrite] = await Promise.all([
      runOracle(decodeCases.map((c) => ({ op: "decode", strategy: c.strategy, value: b64(c.input) }))),
      runOracle(convertCases.map((c) => ({ op: "convertKeys", strategy: c.strategy, keys: c.keys }))),
      runOracle(extractCases.map((c) => ({ op: "getSecretMap", payload: b64(c.payload), binary: true, property: "" }))),
      runOracle(rewriteCases.map((c) => ({ op: "rewrite", keys: c.keys, rewrites: c.rewrites }))),
    ]);
  },
  { timeout: 30 * 60_000 },
);

const answer = (table: string, i: number): OracleResponse => {
  const a = go[table]?.[i];
  assert.ok(a, `no oracle answer for ${table}[${i}]`);
  return a;
};

for (const [i, c] of decodeCases.entries()) {
  test(`decode vs ESO: ${c.name}`, { skip }, () => {
    const a = answer("decode", i);
    let ours: Uint8Array | Error;
    try {
      ours = decodeValue(bytes(c.input), c.strategy);
    } catch (err) {
      ours = err as Error;
    }
    if (a.error !== undefined) {
      assert.ok(ours instanceof Error, "Ferry decoded what ESO rejects");
      assert.equal(ours.message, a.error);
      assert.deepEqual(c.want, { error: a.error });
      return;
    }
    assert.deepEqual(ours, unb64(a.value));
    assert.deepEqual(unb64(a.value), bytes(c.want as string | Uint8Array));
  });
}

for (const [i, c] of convertCases.entries()) {
  test(`conversion vs ESO: ${c.name}`, { skip }, () => {
    const a = answer("convert", i);
    if (a.error !== undefined) {
      assert.throws(() => convertKeys(keyed(c.keys), c.strategy), { message: a.error });
      assert.deepEqual(c.want, { error: a.error });
      return;
    }
    // The oracle maps converted -> original (base64); compare as original -> converted.
    const esoByOriginal = Object.fromEntries(Object.entries(a.map ?? {}).map(([k, v]) => [Buffer.from(v, "base64").toString(), k]));
    const ours = Object.fromEntries([...convertKeys(keyed(c.keys), c.strategy)].map(([k, v]) => [Buffer.from(v).toString(), k]));
    assert.deepEqual(ours, esoByOriginal);
    assert.ok(Array.isArray(c.want));
    assert.deepEqual(c.keys.map((k) => esoByOriginal[k]), c.want);
  });
}

for (const [i, c] of extractCases.entries()) {
  test(`extract vs ESO GetSecretMap: ${c.name}`, { skip }, () => {
    const a = answer("extract", i);
    if (a.error !== undefined) {
      assert.throws(() => extractJsonObject(bytes(c.payload)), `ESO fails: ${a.error}`);
      assert.equal(c.want, "error");
      return;
    }
    const eso = Object.fromEntries(Object.entries(a.map ?? {}).map(([k, v]) => [k, unb64(v)]));
    assert.deepEqual(Object.fromEntries(extractJsonObject(bytes(c.payload))), eso);
    assert.notEqual(c.want, "error");
    if (c.want !== "error") assert.deepEqual(Object.fromEntries(Object.entries(c.want).map(([k, v]) => [k, bytes(v)])), eso);
  });
}

for (const [i, c] of rewriteCases.entries()) {
  test(`rewrite vs ESO: ${c.name}`, { skip }, () => {
    const a = answer("rewrite", i);
    const run = () => rewriteKeys(keyed(c.keys), c.rewrites);
    if (c.want === "unsupported") {
      assert.throws(run, RewriteNotSupportedError);
      return;
    }
    if (a.error !== undefined) {
      assert.throws(run, { message: a.error });
      assert.equal(c.want, "error");
      return;
    }
    const eso = Object.fromEntries(Object.entries(a.map ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
    assert.deepEqual(Object.fromEntries([...run()].map(([k, v]) => [k, Buffer.from(v).toString()])), eso);
    assert.deepEqual(c.want, eso);
  });
}
