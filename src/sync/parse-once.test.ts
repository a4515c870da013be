import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseOnce } from "./parse-once.ts";

describe("parseOnce", () => {
  test("parses each object once, a replaced object again, and remembers failures too", () => {
    let calls = 0;
    const parse = parseOnce((raw: { n: number }) => {
      calls++;
      return raw.n > 0 ? { ok: true as const, value: raw.n * 2 } : { ok: false as const };
    });
    const a = { n: 1 };
    assert.equal(parse(a), parse(a));
    assert.equal(calls, 1);
    const replaced = { n: 2 };
    assert.deepEqual(parse(replaced), { ok: true, value: 4 });
    assert.equal(calls, 2);
    const invalid = { n: 0 };
    parse(invalid);
    parse(invalid);
    assert.equal(calls, 3);
  });
});
