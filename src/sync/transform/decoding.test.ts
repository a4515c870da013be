import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeValue, decodeValues, DecodingError } from "./decoding.ts";
import { decodeCases } from "./transform.cases.ts";

const bytes = (v: string | Uint8Array): Uint8Array => (typeof v === "string" ? new Uint8Array(Buffer.from(v, "utf8")) : v);

for (const c of decodeCases) {
  test(`decodeValue ${c.strategy || '""'}: ${c.name}`, () => {
    const run = () => decodeValue(bytes(c.input), c.strategy);
    if (typeof c.want === "object" && !(c.want instanceof Uint8Array)) {
      assert.throws(run, (err: Error) => err instanceof DecodingError && err.message === (c.want as { error: string }).error);
      return;
    }
    assert.deepEqual(run(), bytes(c.want));
  });
}

test("decodeValues names the key that fails", () => {
  const values = new Map([
    ["ok", bytes("YQ==")],
    ["bad", bytes("!!")],
  ]);
  assert.throws(() => decodeValues(values, "Base64"), /^DecodingError: failure decoding key bad: illegal base64 data at input byte 0$/);
});
