// Checks the gjson evaluator and ESO's property rule against the real Go code (tools/oracle): every case
// of the unit tables goes through both, and both the implementation and the table's expectation must
// equal Go's answer.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { b64, goAvailable, oracleBinary, runOracle, unb64, type OracleResponse } from "../../../tools/oracle/index.ts";
import { gjsonCases } from "./gjson.cases.ts";
import { generatedGjsonCases } from "./gjson.fuzz-cases.ts";
import { propertyCases } from "./select-property.cases.ts";
import { gjsonGet } from "./get.ts";
import { GjsonUnsupportedError } from "./errors.ts";
import { selectProperty } from "./select-property.ts";

const skip = (await goAvailable()) ? false : "no Go toolchain on PATH";
const bytesOf = (v: string | Uint8Array): Uint8Array => (typeof v === "string" ? new Uint8Array(Buffer.from(v, "utf8")) : v);

const GENERATED = 3000;
const generated = generatedGjsonCases(GENERATED);

let gjsonAnswers: OracleResponse[] = [];
let propertyAnswers: OracleResponse[] = [];
let generatedAnswers: OracleResponse[] = [];

// A cold oracle build compiles ESO's dependencies: minutes, far past the per-test default.
before(
  async () => {
    if (skip) return;
    await oracleBinary();
    gjsonAnswers = await runOracle(gjsonCases.map((c) => ({ op: "gjson", json: b64(c.json), path: c.path })));
    generatedAnswers = await runOracle(generated.map((c) => ({ op: "gjson", json: b64(c.json), path: c.path })));
    propertyAnswers = await runOracle(
      propertyCases.map((c) => ({ op: "getSecret", payload: b64(c.payload), binary: typeof c.payload !== "string", property: c.property })),
    );
  },
  { timeout: 30 * 60_000 },
);

for (const [i, c] of gjsonCases.entries()) {
  test(`gjson vs Go: ${c.name} (${JSON.stringify(c.path)})`, { skip }, () => {
    const go = gjsonAnswers[i];
    assert.ok(go);
    if (c.want === "unsupported") {
      // Ferry refuses these; Go answers. Recorded so a change in either is noticed.
      assert.throws(() => gjsonGet(c.json, c.path), GjsonUnsupportedError);
      return;
    }
    const r = gjsonGet(c.json, c.path);
    assert.equal(r.exists, go.exists, "exists");
    assert.equal(r.type, go.type, "type");
    assert.deepEqual(r.rawBytes, unb64(go.raw), "raw");
    assert.deepEqual(r.valueBytes, unb64(go.str), "String()");
    // The table's expectation is Go's answer too.
    if (c.want === "not found") assert.equal(go.exists, false);
    else {
      assert.equal(go.type, c.want.type);
      assert.deepEqual(unb64(go.str), bytesOf(c.want.value));
    }
  });
}

test(`gjson vs Go: ${GENERATED} generated documents and paths`, { skip }, () => {
  let unsupported = 0;
  for (const [i, c] of generated.entries()) {
    const go = generatedAnswers[i];
    assert.ok(go);
    let r;
    try {
      r = gjsonGet(c.json, c.path);
    } catch (err) {
      if (!(err instanceof GjsonUnsupportedError)) throw err;
      unsupported++;
      continue;
    }
    const same =
      r.exists === go.exists &&
      r.type === go.type &&
      Buffer.from(r.rawBytes).equals(Buffer.from(unb64(go.raw))) &&
      Buffer.from(r.valueBytes).equals(Buffer.from(unb64(go.str)));
    assert.ok(same, `case ${i} ${JSON.stringify(c)}: Ferry ${JSON.stringify([r.exists, r.type, r.raw])} Go ${JSON.stringify(go)}`);
  }
  assert.ok(unsupported < GENERATED / 100, `${unsupported} generated paths refused`);
});

for (const [i, c] of propertyCases.entries()) {
  test(`ESO property vs Go: ${c.name} (${JSON.stringify(c.property)})`, { skip }, () => {
    const go = propertyAnswers[i];
    assert.ok(go);
    const r = selectProperty(c.payload, c.property);
    if (go.error !== undefined) {
      assert.match(go.error, /does not exist in secret/);
      assert.equal(r.found, false);
      assert.equal(c.want, null);
      return;
    }
    assert.ok(r.found, "found");
    assert.deepEqual(r.bytes, unb64(go.value));
    assert.notEqual(c.want, null);
    assert.deepEqual(unb64(go.value), bytesOf(c.want ?? ""));
  });
}
