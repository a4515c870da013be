import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createdByLabelValue, fieldManagerFor } from "./constants.ts";

describe("fieldManagerFor (ESO's fqdnFor)", () => {
  const cases: [name: string, expected: string][] = [
    ["app", "externalsecrets.external-secrets.io/app"],
    // 36-character prefix + 27 = 63: still the readable form.
    ["a".repeat(27), `externalsecrets.external-secrets.io/${"a".repeat(27)}`],
    // 64 characters: ESO switches to the SHA3-224 of the name (expected value from python3 hashlib.sha3_224).
    ["a".repeat(28), "externalsecrets.external-secrets.io/sha3/" + "52a6f48b37cd3535ef771a530c08d9cc4b78350ccdd33f2405e22ebb"],
  ];
  for (const [name, expected] of cases) {
    test(`${name.length} characters`, () => assert.equal(fieldManagerFor(name), expected));
  }
});

describe("createdByLabelValue", () => {
  test("is a 56-character hex digest of namespace/name, valid as a label value", () => {
    const value = createdByLabelValue("default", "example");
    assert.equal(value, "5b1224068cc3cca5aa3071e518838346f821fe1761229559d4959980"); // python3 hashlib.sha3_224(b"default/example")
    assert.notEqual(value, createdByLabelValue("default", "other"));
  });
});
