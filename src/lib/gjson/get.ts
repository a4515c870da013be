/**
 * The gjson path evaluator (github.com/tidwall/gjson v1.18, the version ESO pins). Like gjson it scans
 * the JSON text rather than parsing it, returns the first match, and answers something on malformed
 * input instead of failing; the structure follows gjson's so those answers agree with ESO too.
 */
import { toByteString, type ByteString } from "./bytes.ts";
import { GjsonUnsupportedError } from "./errors.ts";
import { goParseFloat } from "./go-float.ts";
import {
  MODIFIER_NAMES,
  modifierName,
  parseArrayPath,
  parseObjectPath,
  splitPossiblePipe,
  type ArrayPath,
} from "./path.ts";
import { queryMatches } from "./query.ts";
import { NOT_FOUND, resultExists, resultString, toGjsonResult, type GjsonResult, type RawResult } from "./result.ts";
import { scanContainer, scanLiteral, scanNumber, scanString, unescape, type ScannedString } from "./scan.ts";
import { wildcardMatch } from "./wildcard.ts";

interface Context {
  json: ByteString;
  value: RawResult;
  /** A path remainder to evaluate on the value found (after `|`, or a piped `.@mod` / `.[..]`). */
  pipe: ByteString;
  piped: boolean;
}

/** Evaluates a gjson path over JSON text (or UTF-8 bytes); see docs/gjson-paths.md. */
export function gjsonGet(json: Uint8Array | string, path: string): GjsonResult {
  return toGjsonResult(getRaw(toByteString(json), toByteString(path)));
}

function stringResult(s: ScannedString): RawResult {
  const body = s.raw.slice(1, -1);
  return { type: "String", raw: s.raw, str: s.escaped ? unescape(body) : body, num: 0 };
}

function literalResult(raw: ByteString): RawResult {
  const type = raw[0] === "t" ? "True" : raw[0] === "f" ? "False" : "Null";
  return { type, raw, str: "", num: 0 };
}

function numberResult(raw: ByteString): RawResult {
  return { type: "Number", raw, str: "", num: goParseFloat(raw) };
}

function isNumberStart(c: string): boolean {
  return (c >= "0" && c <= "9") || c === "-" || c === "+" || c === "i" || c === "I" || c === "N";
}

/** `!true`, `!"text"`, `!{...}` at the start of a path: a literal value rather than a lookup. */
function isStaticValue(path: ByteString): boolean {
  const first = path[1] ?? "";
  if ('{["+-0123456789'.includes(first)) return true;
  let end = path.length;
  for (let i = 1; i < path.length; i++) {
    if (path[i] === "|" || path[i] === ".") {
      end = i;
      break;
    }
  }
  return ["true", "false", "null", "nan", "inf"].includes(path.slice(1, end).toLowerCase());
}

/**
 * gjson's reading of a path that starts with '[' or '{': the text after a balanced selector, or
 * undefined when the brackets do not balance.
 */
function afterSelector(path: ByteString): ByteString | undefined {
  let depth = 1;
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (c === "\\") i++;
    else if (c === '"') {
      for (i++; i < path.length; i++) {
        if (path[i] === "\\") i++;
        else if (path[i] === '"') break;
      }
    } else if (c === "[" || c === "(" || c === "{") depth++;
    else if (c === "]" || c === ")" || c === "}") {
      depth--;
      if (depth === 0) return path.slice(i + 1);
    }
  }
  return undefined;
}

export function getRaw(json: ByteString, path: ByteString): RawResult {
  if (path.length > 1) {
    const c0 = path[0];
    if (c0 === "@" && MODIFIER_NAMES.has(modifierName(path))) {
      throw new GjsonUnsupportedError(path, `the modifier @${modifierName(path)}`);
    }
    if (c0 === "!" && isStaticValue(path)) throw new GjsonUnsupportedError(path, "a literal value (!...)");
    if (c0 === "[" || c0 === "{") {
      const rest = afterSelector(path);
      if (rest === undefined || (rest !== "" && rest[0] !== "." && rest[0] !== "|")) {
        // gjson quirk: a selector that is not a multipath replaces the path with what follows it, and
        // with "" when it does not even balance. Reproduced, since ESO inherits it.
        path = rest ?? "";
      } else {
        throw new GjsonUnsupportedError(path, "a multipath");
      }
    }
  }
  if (path.length > 1 && path[0] === "." && path[1] === ".") throw new GjsonUnsupportedError(path, "JSON Lines (..)");
  const c: Context = { json, value: NOT_FOUND, pipe: "", piped: false };
  // Like gjson, the document starts at the first '{' or '[' wherever it is.
  for (let i = 0; i < json.length; i++) {
    if (json[i] === "{") {
      parseObject(c, i + 1, path);
      break;
    }
    if (json[i] === "[") {
      parseArray(c, i + 1, path);
      break;
    }
  }
  if (c.piped) return getRaw(c.value.raw, c.pipe);
  return c.value;
}

/** Searches the object whose '{' is at i-1. Returns where scanning stopped and whether it hit. */
function parseObject(c: Context, i: number, path: ByteString): [number, boolean] {
  const json = c.json;
  const rp = parseObjectPath(path);
  if (!rp.more && rp.piped) {
    c.pipe = rp.pipe;
    c.piped = true;
  }
  while (i < json.length) {
    let key: ScannedString | undefined;
    for (; i < json.length; i++) {
      if (json[i] === '"') {
        key = scanString(json, i + 1);
        i = key.end;
        break;
      }
      if (json[i] === "}") return [i + 1, false];
    }
    if (!key?.ok) return [i, false];
    const body = key.raw.slice(1, -1);
    const name = key.escaped ? unescape(body) : body;
    const pmatch = rp.wild ? wildcardMatch(name, rp.part) : rp.part === name;
    const hit = pmatch && !rp.more;
    // The value: skip ':' and whitespace (and, like gjson, any other stray byte) to its first byte.
    for (; i < json.length; i++) {
      const ch = json[i] ?? "";
      if (ch === '"') {
        const s = scanString(json, i + 1);
        i = s.end;
        if (!s.ok) return [i, false];
        if (hit) {
          c.value = stringResult(s);
          return [i, true];
        }
      } else if (ch === "{" || ch === "[") {
        if (pmatch && !hit) {
          const [next, found] = ch === "{" ? parseObject(c, i + 1, rp.path) : parseArray(c, i + 1, rp.path);
          i = next;
          // A miss continues with the next key: a later duplicate (or wildcard match) may still hit.
          if (found) return [i, true];
        } else {
          const s = scanContainer(json, i);
          i = s.end;
          if (hit) {
            c.value = { type: "JSON", raw: s.raw, str: "", num: 0 };
            return [i, true];
          }
        }
      } else if ((ch === "n" && i + 1 < json.length && json[i + 1] !== "u") || isNumberStart(ch)) {
        const s = scanNumber(json, i);
        i = s.end;
        if (hit) {
          c.value = numberResult(s.raw);
          return [i, true];
        }
      } else if (ch === "t" || ch === "f" || ch === "n") {
        const s = scanLiteral(json, i);
        i = s.end;
        if (hit) {
          c.value = literalResult(s.raw);
          return [i, true];
        }
      } else {
        continue;
      }
      break;
    }
  }
  return [i, false];
}

/** gjson's parseUint into an int: digits only, wrapping at 2^64 as Go's arithmetic does. */
function parseIndex(part: ByteString): number {
  if (!/^[0-9]+$/.test(part)) return -1;
  const n = BigInt.asUintN(64, BigInt(part));
  // Past 2^63 the int is negative, and no element has a negative index.
  return n >= 2n ** 63n ? -1 : Number(n);
}

/** gjson's value scanner used by `#.`: skips anything up to the next value and returns it. */
function parseAny(json: ByteString, i: number): RawResult | undefined {
  for (; i < json.length; i++) {
    const ch = json[i] ?? "";
    if (ch === "{" || ch === "[") return { type: "JSON", raw: scanContainer(json, i).raw, str: "", num: 0 };
    if (json.charCodeAt(i) <= 0x20) continue;
    if (ch === '"') {
      const s = scanString(json, i + 1);
      return s.ok ? stringResult(s) : undefined;
    }
    if ((ch === "n" && i + 1 < json.length && json[i + 1] !== "u") || isNumberStart(ch)) {
      return numberResult(scanNumber(json, i).raw);
    }
    if (ch === "t" || ch === "f" || ch === "n") return literalResult(scanLiteral(json, i).raw);
  }
  return undefined;
}

/** Searches the array whose '[' is at i-1. Returns where scanning stopped and whether it hit. */
function parseArray(c: Context, i: number, path: ByteString): [number, boolean] {
  const json = c.json;
  const rp = parseArrayPath(path);
  const partidx = rp.arrch ? -1 : parseIndex(rp.part);
  if (!rp.more && rp.piped) {
    c.pipe = rp.pipe;
    c.piped = true;
  }
  let multires: ByteString[] | undefined;
  const alog: number[] = [];
  let h = 0;
  let pmatch = false;
  let hit = false;

  // Tests one element against #(...); returns true when the search is over (first match found).
  const procQuery = (qval: RawResult): boolean => {
    if (rp.query.all) multires ??= [];
    let res: RawResult;
    if (qval.type === "JSON") {
      res = getRaw(qval.raw, rp.query.path);
    } else {
      if (rp.query.path !== "") return false;
      res = qval;
    }
    if (!queryMatches(rp, res)) return false;
    if (rp.more) {
      const split = splitPossiblePipe(rp.path);
      if (split) {
        rp.path = split.left;
        c.pipe = split.right;
        c.piped = true;
      }
      res = getRaw(qval.raw, rp.path);
    } else {
      res = qval;
    }
    if (!rp.query.all) {
      c.value = res;
      return true;
    }
    const raw = res.raw.length > 0 ? res.raw : resultString(res);
    if (raw !== "") multires?.push(raw);
    return false;
  };

  while (i < json.length + 1) {
    if (!rp.arrch) {
      pmatch = partidx === h;
      hit = pmatch && !rp.more;
    }
    h++;
    if (rp.alogok) alog.push(i);
    for (; ; i++) {
      if (i > json.length) break;
      // The end of input closes the array, so `#` still counts a truncated one.
      const ch = i === json.length ? "]" : (json[i] ?? "");
      if (ch === '"') {
        const s = scanString(json, i + 1);
        i = s.end;
        if (!s.ok) return [i, false];
        if (rp.query.on) {
          if (procQuery(stringResult(s))) return [i, true];
        } else if (hit && !rp.alogok) {
          c.value = stringResult(s);
          return [i, true];
        }
      } else if (ch === "{" || ch === "[") {
        if (pmatch && !hit) {
          const [next, found] = ch === "{" ? parseObject(c, i + 1, rp.path) : parseArray(c, i + 1, rp.path);
          i = next;
          hit = found;
          if (found && !rp.alogok) return [i, true];
        } else {
          const s = scanContainer(json, i);
          i = s.end;
          const v: RawResult = { type: "JSON", raw: s.raw, str: "", num: 0 };
          if (rp.query.on) {
            if (procQuery(v)) return [i, true];
          } else if (hit && !rp.alogok) {
            c.value = v;
            return [i, true];
          }
        }
      } else if ((ch === "n" && i + 1 < json.length && json[i + 1] !== "u") || isNumberStart(ch)) {
        const s = scanNumber(json, i);
        i = s.end;
        const v = numberResult(s.raw);
        if (rp.query.on) {
          if (procQuery(v)) return [i, true];
        } else if (hit && !rp.alogok) {
          c.value = v;
          return [i, true];
        }
      } else if (ch === "t" || ch === "f" || ch === "n") {
        const s = scanLiteral(json, i);
        i = s.end;
        const v = literalResult(s.raw);
        if (rp.query.on) {
          if (procQuery(v)) return [i, true];
        } else if (hit && !rp.alogok) {
          c.value = v;
          return [i, true];
        }
      } else if (ch === "]") {
        if (rp.arrch && rp.part === "#") {
          if (rp.alogok) {
            c.value = collect(c, rp, alog);
            return [i + 1, true];
          }
          c.value = { type: "Number", raw: String(h - 1), str: "", num: h - 1 };
          return [i + 1, true];
        }
        if (!resultExists(c.value)) {
          if (multires) c.value = { type: "JSON", raw: `[${multires.join(",")}]`, str: "", num: 0 };
          else if (rp.query.all) c.value = { type: "JSON", raw: "[]", str: "", num: 0 };
        }
        return [i + 1, false];
      } else {
        continue;
      }
      break;
    }
  }
  return [i, false];
}

/** `#.rest`: evaluates `rest` on every element and gathers the results that exist into an array. */
function collect(c: Context, rp: ArrayPath, alog: readonly number[]): RawResult {
  const json = c.json;
  const split = splitPossiblePipe(rp.alogkey);
  if (split) {
    rp.alogkey = split.left;
    c.pipe = split.right;
    c.piped = true;
  }
  const parts: ByteString[] = [];
  for (const start of alog) {
    let idx = start;
    while (idx < json.length && " \t\r\n".includes(json[idx] ?? "")) idx++;
    if (idx >= json.length || json[idx] === "]") continue;
    const element = parseAny(json, idx);
    if (!element) continue;
    const res = getRaw(element.raw, rp.alogkey);
    if (resultExists(res)) parts.push(res.raw.length > 0 ? res.raw : resultString(res));
  }
  return { type: "JSON", raw: `[${parts.join(",")}]`, str: "", num: 0 };
}
