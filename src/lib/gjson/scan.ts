/**
 * The JSON scanning primitives of gjson. gjson does not validate: it walks the text and skips what it
 * does not need, so on malformed input it still answers, and these functions reproduce where each value
 * ends exactly as gjson decides it (strings end at the first quote preceded by an even number of
 * backslashes, numbers at whitespace or `,]}`, literals at the first byte outside a-z, and containers at
 * the matching bracket, counting `()` as brackets too).
 */
import type { ByteString } from "./bytes.ts";
import { encodeRune } from "./utf8.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** True when the quote at `q` is escaped: an odd run of backslashes precedes it, within `from`. */
function quoteEscaped(json: ByteString, q: number, from: number): boolean {
  let n = 0;
  for (let j = q - 1; j >= from && json.charCodeAt(j) === BACKSLASH; j--) n++;
  return n % 2 === 1;
}

export interface ScannedString {
  /** Index just past the closing quote (or the end of input). */
  end: number;
  /** The string with its quotes, as in the source. */
  raw: ByteString;
  /** Whether a backslash occurs, so the value needs unescaping. */
  escaped: boolean;
  /** False when the closing quote is missing. */
  ok: boolean;
}

/** Scans a string whose opening quote is at `start - 1`. */
export function scanString(json: ByteString, start: number): ScannedString {
  let escaped = false;
  for (let i = start; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === BACKSLASH) escaped = true;
    else if (c === QUOTE && !quoteEscaped(json, i, start)) {
      return { end: i + 1, raw: json.slice(start - 1, i + 1), escaped, ok: true };
    }
  }
  return { end: json.length, raw: json.slice(start - 1), escaped: false, ok: false };
}

/** Scans a number (or what gjson takes for one) starting at `start`. */
export function scanNumber(json: ByteString, start: number): { end: number; raw: ByteString } {
  let i = start + 1;
  for (; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c <= 0x20 || c === 0x2c || c === 0x5d || c === 0x7d) break;
  }
  return { end: i, raw: json.slice(start, i) };
}

/** Scans true/false/null (or any run of lowercase letters) starting at `start`. */
export function scanLiteral(json: ByteString, start: number): { end: number; raw: ByteString } {
  let i = start + 1;
  for (; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c < 0x61 || c > 0x7a) break;
  }
  return { end: i, raw: json.slice(start, i) };
}

/** Skips the container opening at `start` ('{', '[' or '('), returning its raw text. */
export function scanContainer(json: ByteString, start: number): { end: number; raw: ByteString } {
  let depth = 1;
  let i = start + 1;
  while (i < json.length) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      const s = scanString(json, i + 1);
      // gjson steps one past the end when a string inside a container is unterminated; callers
      // then stop instead of treating the end of input as a closing bracket.
      if (!s.ok) return { end: json.length + 1, raw: json.slice(start) };
      i = s.end;
      continue;
    }
    if (c === 0x7b || c === 0x5b || c === 0x28) depth++;
    else if (c === 0x7d || c === 0x5d || c === 0x29) {
      depth--;
      if (depth === 0) return { end: i + 1, raw: json.slice(start, i + 1) };
    }
    i++;
  }
  return { end: i, raw: json.slice(start) };
}

function hex4(s: ByteString, i: number): number {
  // Go's strconv.ParseUint(s, 16, 64) with its error ignored: anything but four hex digits is 0.
  const t = s.slice(i, i + 4);
  return /^[0-9a-fA-F]{4}$/.test(t) ? parseInt(t, 16) : 0;
}

/**
 * gjson's unescape of a string body (without quotes). It is lenient where encoding/json is strict: it
 * stops at a control character or an unknown escape and returns what it has so far, and a lone
 * surrogate becomes U+FFFD.
 */
export function unescape(s: ByteString): ByteString {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) return out;
    if (c !== BACKSLASH) {
      out += s[i];
      continue;
    }
    i++;
    if (i >= s.length) return out;
    switch (s[i]) {
      case "\\":
        out += "\\";
        break;
      case "/":
        out += "/";
        break;
      case "b":
        out += "\b";
        break;
      case "f":
        out += "\f";
        break;
      case "n":
        out += "\n";
        break;
      case "r":
        out += "\r";
        break;
      case "t":
        out += "\t";
        break;
      case '"':
        out += '"';
        break;
      case "u": {
        if (i + 5 > s.length) return out;
        let r = hex4(s, i + 1);
        i += 5;
        if (r >= 0xd800 && r <= 0xdfff) {
          // A surrogate consumes the following \uXXXX whatever it is; an invalid pair is U+FFFD.
          if (s.length - i >= 6 && s[i] === "\\" && s[i + 1] === "u") {
            const r2 = hex4(s, i + 2);
            r = r < 0xdc00 && r2 >= 0xdc00 && r2 <= 0xdfff ? ((r - 0xd800) << 10) + (r2 - 0xdc00) + 0x10000 : 0xfffd;
            i += 6;
          }
        }
        out += encodeRune(r);
        i--;
        break;
      }
      default:
        return out;
    }
  }
  return out;
}
