/**
 * The wildcard matcher gjson uses for `*` and `?` in keys and for the `%` query operator
 * (github.com/tidwall/match, MatchLimit): `*` matches any run of characters, `?` exactly one character
 * (a UTF-8 rune, or one byte of invalid UTF-8), and `\` makes the next pattern character literal.
 * gjson caps the work at 10000 steps per input byte to defuse pathological patterns; past the cap the
 * result is "no match", and that is reproduced too.
 */
import type { ByteString } from "./bytes.ts";
import { decodeLastRune, decodeRune } from "./utf8.ts";

const NO_MATCH = 0;
const MATCH = 1;
const STOPPED = 2;
type Outcome = typeof NO_MATCH | typeof MATCH | typeof STOPPED;

const STAR = 0x2a;
const QUESTION = 0x3f;
const BACKSLASH = 0x5c;

function runeAt(s: ByteString): { rune: number; size: number } {
  if (s.length === 0) return { rune: 0, size: 0 };
  const b = s.charCodeAt(0);
  return b < 0x80 ? { rune: b, size: 1 } : decodeRune(s, 0);
}

/** Trims the literal suffix after the last star from both sides, comparing backwards. */
function trimSuffix(str: ByteString, pat: ByteString): { str: ByteString; pat: ByteString; ok: boolean } {
  while (str.length > 0 && pat.length > 1) {
    const p = decodeLastRune(pat);
    let psize = p.size;
    let escaped = false;
    for (let i = 0; ; i++) {
      if (pat.charCodeAt(pat.length - p.size - i - 1) !== BACKSLASH) {
        if ((i & 1) === 1) {
          escaped = true;
          psize++;
        }
        break;
      }
    }
    if (p.rune === STAR && !escaped) return { str, pat, ok: true };
    const s = decodeLastRune(str);
    if (!((p.rune === QUESTION && !escaped) || p.rune === s.rune)) return { str, pat, ok: false };
    str = str.slice(0, str.length - s.size);
    pat = pat.slice(0, pat.length - psize);
  }
  return { str, pat, ok: true };
}

function matchFrom(str: ByteString, pat: ByteString, slen: number, counter: { n: number }, maxcomp: number): Outcome {
  if (counter.n > slen * maxcomp) return STOPPED;
  counter.n++;
  while (pat.length > 0) {
    let wild = false;
    let p = runeAt(pat);
    const s = runeAt(str);
    if (p.rune === QUESTION) {
      if (s.size === 0) return NO_MATCH;
    } else if (p.rune === STAR) {
      while (pat.length > 1 && pat.charCodeAt(1) === STAR) pat = pat.slice(1);
      if (pat.length === 1) return MATCH;
      const trimmed = trimSuffix(str, pat);
      if (!trimmed.ok) return NO_MATCH;
      str = trimmed.str;
      pat = trimmed.pat;
      if (pat.length === 1) return MATCH;
      const r = matchFrom(str, pat.slice(1), slen, counter, maxcomp);
      if (r !== NO_MATCH) return r;
      if (str.length === 0) return NO_MATCH;
      wild = true;
    } else {
      if (s.size === 0) return NO_MATCH;
      if (p.rune === BACKSLASH) {
        pat = pat.slice(p.size);
        p = decodeRune(pat, 0);
        if (p.size === 0) return NO_MATCH;
      }
      if (s.rune !== p.rune) return NO_MATCH;
    }
    // After a star the pattern stays put and the star swallows one more rune (the one first seen: the
    // suffix trim only shortens str from the end).
    str = str.slice(s.size);
    if (!wild) pat = pat.slice(p.size);
  }
  return str.length === 0 ? MATCH : NO_MATCH;
}

/** tidwall/match.MatchLimit(str, pattern, 10000), as gjson calls it; a stopped match is no match. */
export function wildcardMatch(str: ByteString, pattern: ByteString): boolean {
  if (pattern === "*") return true;
  return matchFrom(str, pattern, str.length, { n: 0 }, 10000) === MATCH;
}
