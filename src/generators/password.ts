/**
 * The Password generator, with ESO's rules (pkg/generator/password on sethvargo/go-password): `length`
 * (0 or less: 24), `digits` and `symbols` (omitted: a quarter of the length, rounded down), the rest lower-
 * and (unless `noUpper`) upper-case letters; without `allowRepeat` no character appears twice; the characters
 * are placed in a uniformly random order; then `encoding`. Key: `password`.
 *
 * Two deliberate differences, both where ESO would misbehave rather than produce a password:
 * - go-password draws again until it finds an unused character, so a character pool with too few distinct
 *   characters (symbolCharacters "aa" with 2 symbols, or symbols that are letters already used) never
 *   finishes and holds a controller worker forever. Here each class draws from its unused characters, which
 *   is the same distribution, and an exhausted pool is an error naming the field.
 * - length is bounded (MAX_PASSWORD_LENGTH): tenant input must not size an allocation without limit.
 */
import type { PasswordSpec } from "../apis/generators.ts";
import { GeneratorError } from "./errors.ts";

export const DEFAULT_PASSWORD_LENGTH = 24;
export const DEFAULT_SYMBOL_CHARACTERS = "~!@#$%^&*()_+`-={}|[]\\:\"<>?,./";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
/** A Secret holds at most 1 MiB; a password of 64 KiB is far beyond any use and cheap to make. */
export const MAX_PASSWORD_LENGTH = 65_536;

/** go-password's errors, word for word (ESO returns them as is). */
export const ERR_EXCEEDS_TOTAL_LENGTH = "number of digits and symbols must be less than total length";
export const ERR_LETTERS_EXCEED_AVAILABLE = "number of letters exceeds available letters and repeats are not allowed";
export const ERR_DIGITS_EXCEED_AVAILABLE = "number of digits exceeds available digits and repeats are not allowed";
export const ERR_SYMBOLS_EXCEED_AVAILABLE = "number of symbols exceeds available symbols and repeats are not allowed";

/** A uniform integer in [0, max): node:crypto's randomInt in production. */
export type RandomInt = (max: number) => number;

/** The numbers ESO derives from a spec before generating. */
export interface PasswordPlan {
  length: number;
  digits: number;
  symbols: number;
  symbolCharacters: string;
  noUpper: boolean;
  allowRepeat: boolean;
  encoding: PasswordSpec["encoding"];
}

/** ESO's defaults (password.go generate): float32 arithmetic truncated, so 24 → 6 digits and 6 symbols. */
export function passwordPlan(spec: PasswordSpec): PasswordPlan {
  const length = spec.length > 0 ? spec.length : DEFAULT_PASSWORD_LENGTH;
  const quarter = Math.trunc(Math.fround(Math.fround(length) * 0.25));
  return {
    length,
    digits: spec.digits ?? quarter,
    symbols: spec.symbols ?? quarter,
    // go-password's NewGenerator treats an empty symbol set as its default set.
    symbolCharacters: spec.symbolCharacters === undefined || spec.symbolCharacters === "" ? DEFAULT_SYMBOL_CHARACTERS : spec.symbolCharacters,
    noUpper: spec.noUpper,
    allowRepeat: spec.allowRepeat,
    encoding: spec.encoding,
  };
}

/** The generated password as its bytes, encoded as the spec says. */
export function generatePassword(spec: PasswordSpec, randomInt: RandomInt): Uint8Array {
  const plan = passwordPlan(spec);
  return encodePassword(Buffer.from(drawPassword(plan, randomInt), "utf8"), plan.encoding);
}

/** go-password's Generate: checks in its order, then letters, digits, symbols, in random positions. */
export function drawPassword(plan: PasswordPlan, randomInt: RandomInt): string {
  if (plan.length > MAX_PASSWORD_LENGTH) throw new GeneratorError(`length ${plan.length} is larger than ${MAX_PASSWORD_LENGTH}`);
  const letters = plan.noUpper ? LOWER : LOWER + UPPER;
  const symbols = goBytesAsCharacters(plan.symbolCharacters);
  const chars = plan.length - plan.digits - plan.symbols;
  if (chars < 0) throw new GeneratorError(ERR_EXCEEDS_TOTAL_LENGTH);
  if (!plan.allowRepeat && chars > letters.length) throw new GeneratorError(ERR_LETTERS_EXCEED_AVAILABLE);
  if (!plan.allowRepeat && plan.digits > DIGITS.length) throw new GeneratorError(ERR_DIGITS_EXCEED_AVAILABLE);
  if (!plan.allowRepeat && plan.symbols > symbols.length) throw new GeneratorError(ERR_SYMBOLS_EXCEED_AVAILABLE);

  const picked: string[] = [];
  const used = new Set<string>();
  const draw = (pool: readonly string[], count: number, field: string) => {
    let available = plan.allowRepeat ? [...pool] : pool.filter((c) => !used.has(c));
    for (let i = 0; i < count; i++) {
      if (available.length === 0) {
        throw new GeneratorError(`${field}: not enough distinct characters for ${count} without repeats (allowRepeat is false)`);
      }
      const index = randomInt(available.length);
      const c = available[index]!;
      picked.push(c);
      if (!plan.allowRepeat) {
        used.add(c);
        // Every copy of a character goes: a pool with duplicates ("aab") offers "a" once it is used.
        available = available.filter((x) => x !== c);
      }
    }
  };
  draw([...letters], chars, "letters");
  draw([...DIGITS], plan.digits, "digits");
  draw(symbols, plan.symbols, "symbolCharacters");
  // Inserting each character at a uniform position, as go-password does, yields a uniformly random order of
  // the drawn sequence: a Fisher–Yates shuffle gives the same distribution in linear time.
  for (let i = picked.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [picked[i], picked[j]] = [picked[j]!, picked[i]!];
  }
  return picked.join("");
}

/**
 * go-password indexes the symbol string by byte and turns each byte into a character (`string(s[i])`), so a
 * multi-byte symbol such as "é" contributes two characters U+00C3 and U+00A9. Reproduced for byte-equal
 * behaviour on such input.
 */
function goBytesAsCharacters(text: string): string[] {
  return [...Buffer.from(text, "utf8")].map((b) => String.fromCodePoint(b));
}

/** ESO's encodePassword: raw, base64, base64url (padded, Go's URLEncoding), base32 (padded), hex. */
export function encodePassword(raw: Buffer, encoding: PasswordSpec["encoding"]): Uint8Array {
  switch (encoding) {
    case "base64":
      return Buffer.from(raw.toString("base64"));
    case "base64url":
      return Buffer.from(raw.toString("base64").replaceAll("+", "-").replaceAll("/", "_"));
    case "base32":
      return Buffer.from(base32(raw));
    case "hex":
      return Buffer.from(raw.toString("hex"));
    default:
      return raw;
  }
}

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 with padding (Go's base32.StdEncoding). */
export function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}
