/**
 * UTF-8 decoding and encoding with Go's exact rules (unicode/utf8): an invalid or truncated sequence
 * decodes as U+FFFD of width 1, and surrogates or values past U+10FFFF encode as U+FFFD. gjson's
 * wildcard matcher and string unescaping depend on these widths, so JavaScript's decoders (which
 * replace maximal subparts) cannot be used.
 */
import type { ByteString } from "./bytes.ts";

export const RUNE_ERROR = 0xfffd;

export interface DecodedRune {
  rune: number;
  /** Bytes consumed; 0 only at the end of input. */
  size: number;
}

function cont(s: ByteString, i: number, lo = 0x80, hi = 0xbf): boolean {
  if (i >= s.length) return false;
  const b = s.charCodeAt(i);
  return b >= lo && b <= hi;
}

/** Go's utf8.DecodeRuneInString(s[i:]). */
export function decodeRune(s: ByteString, i: number): DecodedRune {
  if (i >= s.length) return { rune: RUNE_ERROR, size: 0 };
  const b0 = s.charCodeAt(i);
  if (b0 < 0x80) return { rune: b0, size: 1 };
  const bad = { rune: RUNE_ERROR, size: 1 };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    if (!cont(s, i + 1)) return bad;
    return { rune: ((b0 & 0x1f) << 6) | (s.charCodeAt(i + 1) & 0x3f), size: 2 };
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    if (!cont(s, i + 1, lo, hi) || !cont(s, i + 2)) return bad;
    return {
      rune: ((b0 & 0x0f) << 12) | ((s.charCodeAt(i + 1) & 0x3f) << 6) | (s.charCodeAt(i + 2) & 0x3f),
      size: 3,
    };
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    if (!cont(s, i + 1, lo, hi) || !cont(s, i + 2) || !cont(s, i + 3)) return bad;
    return {
      rune:
        ((b0 & 0x07) << 18) |
        ((s.charCodeAt(i + 1) & 0x3f) << 12) |
        ((s.charCodeAt(i + 2) & 0x3f) << 6) |
        (s.charCodeAt(i + 3) & 0x3f),
      size: 4,
    };
  }
  return bad;
}

/** Go's utf8.DecodeLastRuneInString(s[:end]). */
export function decodeLastRune(s: ByteString, end: number = s.length): DecodedRune {
  if (end <= 0) return { rune: RUNE_ERROR, size: 0 };
  const last = s.charCodeAt(end - 1);
  if (last < 0x80) return { rune: last, size: 1 };
  // Walk back to the nearest start byte, at most 4 bytes, as Go does.
  const lim = Math.max(0, end - 4);
  let start = end - 1;
  for (start--; start >= lim; start--) {
    if ((s.charCodeAt(start) & 0xc0) !== 0x80) break;
  }
  if (start < 0) start = 0;
  const r = decodeRune(s.slice(0, end), start);
  if (start + r.size !== end) return { rune: RUNE_ERROR, size: 1 };
  return r;
}

/** Go's utf8.EncodeRune as a byte string. */
export function encodeRune(r: number): ByteString {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = RUNE_ERROR;
  if (r < 0x80) return String.fromCharCode(r);
  if (r < 0x800) return String.fromCharCode(0xc0 | (r >> 6), 0x80 | (r & 0x3f));
  if (r < 0x10000) return String.fromCharCode(0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
  return String.fromCharCode(0xf0 | (r >> 18), 0x80 | ((r >> 12) & 0x3f), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
}
