/**
 * ESO's GetSecretMap for dataFrom.extract (providers/v1/aws/secretsmanager): the payload must be a JSON
 * object (Go's encoding/json, so strictly valid JSON); each top-level key becomes a Secret key. String
 * values are unquoted; every other value keeps its raw JSON bytes exactly as written (numbers as
 * written, so 1e3 stays "1e3", unlike a gjson property); null becomes an empty value; a repeated key
 * keeps its last value; a top-level null is an empty map.
 */
import { encodeRune, RUNE_ERROR, decodeRune } from "../../lib/gjson/utf8.ts";
import { bytesToByteString, byteStringToBytes, type ByteString } from "../../lib/gjson/bytes.ts";

/** Go's json.Unmarshal error for the payload; the message follows Go's wording. */
export class ExtractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExtractError";
  }
}

const MAX_DEPTH = 10000;

function quoteChar(c: string): string {
  if (c === "'") return String.raw`'\''`;
  if (c === '"') return `'"'`;
  const code = c.charCodeAt(0);
  if (code >= 0x20 && code < 0x7f) return `'${c}'`;
  return `'\\x${code.toString(16).padStart(2, "0")}'`;
}

/** A strict JSON reader over a byte string, with Go's error wording. */
class Reader {
  readonly s: ByteString;
  i = 0;
  depth = 0;

  constructor(s: ByteString) {
    this.s = s;
  }

  fail(context: string): never {
    if (this.i >= this.s.length) throw new ExtractError("unexpected end of JSON input");
    throw new ExtractError(`invalid character ${quoteChar(this.s[this.i] ?? "")} ${context}`);
  }

  ws(): void {
    while (this.i < this.s.length && " \t\r\n".includes(this.s[this.i] ?? "x")) this.i++;
  }

  /** Returns [start, end) of the value. */
  value(): [number, number] {
    this.ws();
    const start = this.i;
    const c = this.s[this.i];
    if (c === "{") this.object();
    else if (c === "[") this.array();
    else if (c === '"') this.string();
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) this.number();
    else if (c === "t") this.literal("true");
    else if (c === "f") this.literal("false");
    else if (c === "n") this.literal("null");
    else this.fail("looking for beginning of value");
    return [start, this.i];
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) throw new ExtractError(`exceeded max depth`);
  }

  object(visit?: (keyStart: number, keyEnd: number, valStart: number, valEnd: number) => void): void {
    this.enter();
    this.i++;
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      this.depth--;
      return;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail("looking for beginning of object key string");
      const ks = this.i;
      this.string();
      const ke = this.i;
      this.ws();
      if (this.s[this.i] !== ":") this.fail("after object key");
      this.i++;
      const [vs, ve] = this.value();
      visit?.(ks, ke, vs, ve);
      this.ws();
      if (this.s[this.i] === ",") {
        this.i++;
        continue;
      }
      if (this.s[this.i] === "}") {
        this.i++;
        this.depth--;
        return;
      }
      this.fail("after object key:value pair");
    }
  }

  array(): void {
    this.enter();
    this.i++;
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      this.depth--;
      return;
    }
    for (;;) {
      this.value();
      this.ws();
      if (this.s[this.i] === ",") {
        this.i++;
        continue;
      }
      if (this.s[this.i] === "]") {
        this.i++;
        this.depth--;
        return;
      }
      this.fail("after array element");
    }
  }

  string(): void {
    this.i++;
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.fail("");
      if (c === '"') {
        this.i++;
        return;
      }
      if (c.charCodeAt(0) < 0x20) this.fail("in string literal");
      if (c === "\\") {
        this.i++;
        const e = this.s[this.i];
        if (e === "u") {
          for (let k = 0; k < 4; k++) {
            this.i++;
            if (!/^[0-9a-fA-F]$/.test(this.s[this.i] ?? "")) this.fail("in \\u hexadecimal character escape");
          }
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          this.fail("in string escape code");
        }
      }
      this.i++;
    }
  }

  digits(context: string): void {
    if (!/[0-9]/.test(this.s[this.i] ?? "")) this.fail(context);
    while (/[0-9]/.test(this.s[this.i] ?? "")) this.i++;
  }

  number(): void {
    if (this.s[this.i] === "-") {
      this.i++;
      if (!/[0-9]/.test(this.s[this.i] ?? "")) this.fail("in numeric literal");
    }
    if (this.s[this.i] === "0") this.i++;
    else this.digits("in numeric literal");
    if (this.s[this.i] === ".") {
      this.i++;
      this.digits("after decimal point in numeric literal");
    }
    if (this.s[this.i] === "e" || this.s[this.i] === "E") {
      this.i++;
      if (this.s[this.i] === "+" || this.s[this.i] === "-") this.i++;
      this.digits("in exponent of numeric literal");
    }
  }

  literal(word: string): void {
    for (let k = 0; k < word.length; k++, this.i++) {
      if (this.s[this.i] !== word[k]) this.fail(`in literal ${word} (expecting '${word[k]}')`);
    }
  }
}

function hex4(s: ByteString, i: number): number {
  const t = s.slice(i, i + 4);
  return s[i - 2] === "\\" && s[i - 1] === "u" && /^[0-9a-fA-F]{4}$/.test(t) ? parseInt(t, 16) : -1;
}

/** encoding/json's unquote of a valid string token: invalid UTF-8 and lone surrogates become U+FFFD. */
export function unquoteJsonString(token: ByteString): ByteString {
  const s = token.slice(1, -1);
  let out = "";
  let r = 0;
  while (r < s.length) {
    const c = s[r] ?? "";
    if (c === "\\") {
      const e = s[r + 1] ?? "";
      if (e !== "u") {
        out += { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" }[e] ?? e;
        r += 2;
        continue;
      }
      let rr = hex4(s, r + 2);
      r += 6;
      if (rr >= 0xd800 && rr <= 0xdfff) {
        const rr1 = hex4(s, r + 2);
        if (rr < 0xdc00 && rr1 >= 0xdc00 && rr1 <= 0xdfff) {
          out += encodeRune(((rr - 0xd800) << 10) + (rr1 - 0xdc00) + 0x10000);
          r += 6;
          continue;
        }
        rr = RUNE_ERROR;
      }
      out += encodeRune(rr);
      continue;
    }
    if (c.charCodeAt(0) < 0x80) {
      out += c;
      r++;
      continue;
    }
    const d = decodeRune(s, r);
    out += encodeRune(d.rune);
    r += d.size;
  }
  return out;
}

const KIND: Record<string, string> = { "[": "array", '"': "string", t: "bool", f: "bool" };

/** Extracts the top-level keys of a JSON object payload as ESO does. Throws ExtractError. */
export function extractJsonObject(payload: Uint8Array): Map<string, Uint8Array> {
  const s = bytesToByteString(payload);
  const reader = new Reader(s);
  // Go validates the whole input before looking at types, so syntax errors come first.
  reader.value();
  reader.ws();
  if (reader.i < s.length) reader.fail("after top-level value");

  const out = new Map<string, Uint8Array>();
  const top = new Reader(s);
  top.ws();
  const first = s[top.i] ?? "";
  if (first === "n") return out;
  if (first !== "{") {
    const kind = KIND[first] ?? "number";
    throw new ExtractError(`json: cannot unmarshal ${kind} into Go value of type map[string]json.RawMessage`);
  }
  top.object((ks, ke, vs, ve) => {
    const key = Buffer.from(unquoteJsonString(s.slice(ks, ke)), "latin1").toString("utf8");
    const raw = s.slice(vs, ve);
    let value: ByteString;
    if (raw[0] === '"') value = unquoteJsonString(raw);
    else if (raw === "null") value = "";
    else value = raw;
    // A later duplicate replaces the earlier value, as assigning into a Go map does.
    out.delete(key);
    out.set(key, byteStringToBytes(value));
  });
  return out;
}
