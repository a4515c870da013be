/**
 * Go's base64.StdEncoding / base64.URLEncoding DecodeString, which ESO's decodingStrategy uses. Go is
 * stricter than Node's decoder in some ways (padding is required, whitespace other than CR/LF is an
 * error, nothing may follow the padding) and looser in one (the unused bits of the last character need
 * not be zero), and "Auto" depends on exactly which inputs fail, so the rules are reproduced here.
 */

const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function decodeMap(alphabet: string): Uint8Array {
  const m = new Uint8Array(256).fill(0xff);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}

const STD_MAP = decodeMap(STD);
const URL_MAP = decodeMap(URL);

const PAD = 0x3d;
const CR = 0x0d;
const LF = 0x0a;

/** Go's CorruptInputError: the message names the offending input byte offset as Go does. */
export class Base64DecodeError extends Error {
  readonly offset: number;

  constructor(offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
    this.name = "Base64DecodeError";
    this.offset = offset;
  }
}

/** Decodes padded base64 (standard or URL alphabet) with Go's rules; throws Base64DecodeError. */
export function decodeBase64Go(src: Uint8Array, alphabet: "std" | "url"): Uint8Array {
  const map = alphabet === "std" ? STD_MAP : URL_MAP;
  const out: number[] = [];
  let si = 0;
  const skipNewlines = () => {
    while (si < src.length && (src[si] === CR || src[si] === LF)) si++;
  };
  for (;;) {
    // One quantum: four alphabet characters, CR/LF ignored anywhere, '=' padding only at the end.
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailing = -1;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return new Uint8Array(out);
        // Both encodings are padded, so input may not end inside a quantum.
        throw new Base64DecodeError(si - j);
      }
      const ch = src[si] ?? 0;
      si++;
      const v = map[ch] ?? 0xff;
      if (v !== 0xff) {
        dbuf[j] = v;
        continue;
      }
      if (ch === LF || ch === CR) {
        j--;
        continue;
      }
      if (ch !== PAD) throw new Base64DecodeError(si - 1);
      if (j < 2) throw new Base64DecodeError(si - 1);
      if (j === 2) {
        // "==" is expected: the first '=' is consumed, the second may follow newlines.
        skipNewlines();
        if (si === src.length) throw new Base64DecodeError(src.length);
        if (src[si] !== PAD) throw new Base64DecodeError(si - 1);
        si++;
      }
      skipNewlines();
      if (si < src.length) trailing = si;
      dlen = j;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (trailing >= 0) throw new Base64DecodeError(trailing);
    if (dlen < 4) return new Uint8Array(out);
  }
}
