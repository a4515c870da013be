import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { PasswordSpecSchema, type PasswordSpec } from "../apis/generators.ts";
import {
  base32,
  DEFAULT_SYMBOL_CHARACTERS,
  ERR_DIGITS_EXCEED_AVAILABLE,
  ERR_EXCEEDS_TOTAL_LENGTH,
  ERR_LETTERS_EXCEED_AVAILABLE,
  ERR_SYMBOLS_EXCEED_AVAILABLE,
  encodePassword,
  generatePassword,
  MAX_PASSWORD_LENGTH,
  passwordPlan,
} from "./password.ts";

const spec = (s: Partial<PasswordSpec> = {}): PasswordSpec => PasswordSpecSchema.parse(s);
const draw = (s: Partial<PasswordSpec>) => Buffer.from(generatePassword(spec(s), (max) => randomInt(max))).toString("utf8");
const count = (text: string, chars: string) => [...text].filter((c) => chars.includes(c)).length;
const DIGITS = "0123456789";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = UPPER.toLowerCase();

describe("passwordPlan: ESO's defaults", () => {
  const cases: Array<[string, Partial<PasswordSpec>, { length: number; digits: number; symbols: number }]> = [
    ["CRD defaults", {}, { length: 24, digits: 6, symbols: 6 }],
    ["a quarter, rounded down", { length: 10 }, { length: 10, digits: 2, symbols: 2 }],
    ["length 0 is 24", { length: 0 }, { length: 24, digits: 6, symbols: 6 }],
    ["negative length is 24", { length: -3 }, { length: 24, digits: 6, symbols: 6 }],
    ["explicit counts win", { length: 8, digits: 0, symbols: 1 }, { length: 8, digits: 0, symbols: 1 }],
  ];
  for (const [name, input, want] of cases) {
    test(name, () => {
      const plan = passwordPlan(spec(input));
      assert.deepEqual({ length: plan.length, digits: plan.digits, symbols: plan.symbols }, want);
    });
  }
  test("empty symbolCharacters falls back to go-password's set", () => assert.equal(passwordPlan(spec({ symbolCharacters: "" })).symbolCharacters, DEFAULT_SYMBOL_CHARACTERS));
});

describe("character classes over many draws (crypto RNG)", () => {
  const DRAWS = 2_000;
  test("defaults: 24 characters, exactly 6 digits and 6 symbols, 12 letters, no repeats", () => {
    for (let i = 0; i < DRAWS; i++) {
      const p = draw({});
      assert.equal(p.length, 24);
      assert.equal(count(p, DIGITS), 6);
      assert.equal(count(p, DEFAULT_SYMBOL_CHARACTERS), 6);
      assert.equal(count(p, LOWER + UPPER), 12);
      assert.equal(new Set(p).size, 24, "allowRepeat false");
    }
  });
  test("noUpper never yields an upper-case letter", () => {
    for (let i = 0; i < DRAWS; i++) assert.equal(count(draw({ noUpper: true, length: 30 }), UPPER), 0);
  });
  test("symbolCharacters is the only symbol source", () => {
    for (let i = 0; i < DRAWS; i++) {
      const p = draw({ length: 16, digits: 2, symbols: 3, symbolCharacters: "#%" , allowRepeat: true });
      assert.equal(count(p, "#%"), 3);
      assert.equal(count(p, DEFAULT_SYMBOL_CHARACTERS.replace(/[#%]/g, "")), 0);
    }
  });
  test("allowRepeat lets a 200-character password repeat characters", () => {
    const p = draw({ length: 200, allowRepeat: true });
    assert.equal(p.length, 200);
    assert.ok(new Set(p).size < 200);
  });
  test("every position and every letter occurs (no fixed layout, no skipped characters)", () => {
    const digitAt = new Array<number>(24).fill(0);
    const seen = new Set<string>();
    for (let i = 0; i < DRAWS; i++) {
      const p = draw({});
      [...p].forEach((c, j) => {
        seen.add(c);
        if (DIGITS.includes(c)) digitAt[j]!++;
      });
    }
    // 6 of 24 positions are digits: each position ~500 of 2,000 draws; far from 0 and 2,000.
    for (const [j, n] of digitAt.entries()) assert.ok(n > 300 && n < 700, `position ${j}: ${n} digits`);
    for (const c of LOWER + UPPER + DIGITS + DEFAULT_SYMBOL_CHARACTERS) assert.ok(seen.has(c), `never drew ${JSON.stringify(c)}`);
  });
});

describe("errors, as go-password words them", () => {
  const cases: Array<[string, Partial<PasswordSpec>, string | RegExp]> = [
    ["digits and symbols beyond the length", { length: 10, digits: 8, symbols: 3 }, ERR_EXCEEDS_TOTAL_LENGTH],
    ["more letters than 52 without repeats", { length: 60, digits: 0, symbols: 0 }, ERR_LETTERS_EXCEED_AVAILABLE],
    ["more than 10 digits without repeats", { length: 20, digits: 11, symbols: 0 }, ERR_DIGITS_EXCEED_AVAILABLE],
    ["more symbols than symbolCharacters", { length: 10, digits: 0, symbols: 3, symbolCharacters: "#%" }, ERR_SYMBOLS_EXCEED_AVAILABLE],
    // go-password loops forever here; Ferry stops and says why.
    ["a symbol set with too few distinct characters", { length: 4, digits: 0, symbols: 2, symbolCharacters: "##" }, /^symbolCharacters: not enough distinct characters/],
    ["symbols that are letters already used", { length: 54, digits: 0, symbols: 2, symbolCharacters: "ab" }, /^symbolCharacters: not enough distinct characters/],
    ["a length beyond the bound", { length: MAX_PASSWORD_LENGTH + 1, allowRepeat: true }, /is larger than/],
  ];
  for (const [name, input, message] of cases) test(name, () => assert.throws(() => draw(input), { message }));
});

describe("encoding", () => {
  test("hex, base64, base64url and base32 encode the raw password", () => {
    const fixed = () => 0;
    const raw = Buffer.from(generatePassword(spec({ length: 5, digits: 0, symbols: 0, allowRepeat: true }), fixed));
    assert.equal(raw.toString(), "aaaaa");
    const enc = (encoding: PasswordSpec["encoding"]) => Buffer.from(generatePassword(spec({ length: 5, digits: 0, symbols: 0, allowRepeat: true, encoding }), fixed)).toString();
    assert.equal(enc("hex"), "6161616161");
    assert.equal(enc("base64"), "YWFhYWE=");
    assert.equal(enc("base32"), "MFQWCYLB");
  });
  test("base64url as Go's URLEncoding: URL alphabet, padded", () => {
    // Bytes whose standard base64 is "+/8=": the two characters base64url replaces, and the padding Go keeps.
    assert.equal(Buffer.from(encodePassword(Buffer.from([0xfb, 0xff]), "base64url")).toString(), "-_8=");
    assert.equal(Buffer.from(encodePassword(Buffer.from("aaaaa"), "base64url")).toString(), "YWFhYWE=");
  });
  test("base32 as Go's StdEncoding, padded", () => {
    for (const [input, want] of [["", ""], ["f", "MY======"], ["fo", "MZXQ===="], ["foo", "MZXW6==="], ["foob", "MZXW6YQ="], ["fooba", "MZXW6YTB"], ["foobar", "MZXW6YTBOI======"]] as const) {
      assert.equal(base32(Buffer.from(input)), want);
    }
  });
});
