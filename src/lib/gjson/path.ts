/**
 * Splitting a gjson path into its first component and the rest, as gjson does while it walks the JSON:
 * the same path text means different things inside an object (keys, wildcards, escapes) and inside an
 * array (indexes, `#`, queries), so each container parses its own component.
 */
import type { ByteString } from "./bytes.ts";
import { unescape } from "./scan.ts";

/** gjson v1.18's built-in modifiers; `@name` means a modifier only when the name is one of these. */
export const MODIFIER_NAMES: ReadonlySet<string> = new Set([
  "pretty",
  "ugly",
  "reverse",
  "this",
  "flatten",
  "join",
  "valid",
  "keys",
  "values",
  "tostr",
  "fromstr",
  "group",
  "dig",
]);

/** The modifier name of `@name...`: up to the first '.', '|' or ':'. */
export function modifierName(s: ByteString): string {
  let i = 1;
  while (i < s.length && s[i] !== "." && s[i] !== "|" && s[i] !== ":") i++;
  return s.slice(1, i);
}

/** After a dot, whether the rest is piped rather than a child key: a modifier, `[...]` or `{...}`. */
export function isDotPiperChar(s: ByteString): boolean {
  const c = s[0];
  if (c === "@") return MODIFIER_NAMES.has(modifierName(s));
  return c === "[" || c === "{";
}

export interface ObjectPath {
  /** The key to match, with escapes removed. */
  part: ByteString;
  /** The rest after a dot. */
  path: ByteString;
  /** The rest after a pipe. */
  pipe: ByteString;
  piped: boolean;
  /** The key has an unescaped `*` or `?`. */
  wild: boolean;
  /** There is a rest after a dot. */
  more: boolean;
}

export function parseObjectPath(path: ByteString): ObjectPath {
  const r: ObjectPath = { part: "", path: "", pipe: "", piped: false, wild: false, more: false };
  let part = "";
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === "|") {
      r.part = part;
      r.pipe = path.slice(i + 1);
      r.piped = true;
      return r;
    }
    if (c === ".") {
      r.part = part;
      if (i < path.length - 1 && isDotPiperChar(path.slice(i + 1))) {
        r.pipe = path.slice(i + 1);
        r.piped = true;
      } else {
        r.path = path.slice(i + 1);
        r.more = true;
      }
      return r;
    }
    if (c === "*" || c === "?") r.wild = true;
    if (c === "\\") {
      // The escaped character is taken literally: it neither ends the key nor counts as a wildcard.
      i++;
      if (i < path.length) part += path[i];
      continue;
    }
    part += c;
  }
  r.part = part;
  return r;
}

export interface Query {
  on: boolean;
  /** `#(...)#`: every match, not only the first. */
  all: boolean;
  path: ByteString;
  op: string;
  value: ByteString;
}

export interface ArrayPath {
  part: ByteString;
  path: ByteString;
  pipe: ByteString;
  piped: boolean;
  more: boolean;
  /** `#.rest`: collect `rest` from every element. */
  alogok: boolean;
  /** The component contains `#`, so it is no index. */
  arrch: boolean;
  alogkey: ByteString;
  query: Query;
}

function trim(s: ByteString): ByteString {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}

interface ParsedQuery {
  path: ByteString;
  op: string;
  value: ByteString;
  /** Index just past the closing bracket. */
  end: number;
  /** A backslash occurs inside a quoted part. */
  vesc: boolean;
}

/** Parses `#(path op value)` (or `#[...]`) at the start of `query`. */
export function parseQuery(query: ByteString): ParsedQuery | undefined {
  if (query.length < 2 || query[0] !== "#" || (query[1] !== "(" && query[1] !== "[")) return undefined;
  let i = 2;
  let j = 0;
  let depth = 1;
  let vesc = false;
  for (; i < query.length; i++) {
    const c = query[i];
    if (depth === 1 && j === 0 && (c === "!" || c === "=" || c === "<" || c === ">" || c === "%")) {
      j = i;
      continue;
    }
    if (c === "\\") i++;
    else if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") {
      depth--;
      if (depth === 0) break;
    } else if (c === '"') {
      for (i++; i < query.length; i++) {
        if (query[i] === "\\") {
          vesc = true;
          i++;
        } else if (query[i] === '"') break;
      }
    }
  }
  if (depth > 0) return undefined;
  if (j === 0) return { path: trim(query.slice(2, i)), op: "", value: "", end: i + 1, vesc };
  const path = trim(query.slice(2, j));
  let value = trim(query.slice(j, i));
  // An operator gjson does not know (say `!x`) leaves opsz at 0: the query then only tests existence.
  let opsz = 0;
  const two = value.slice(0, 2);
  if (value.length === 1) opsz = 1;
  else if (two === "!=" || two === "!%" || two === "<=" || two === ">=") opsz = 2;
  else if (two === "==") {
    value = value.slice(1);
    opsz = 1;
  } else if ("<>=%".includes(value[0] ?? "")) opsz = 1;
  const op = value.slice(0, opsz);
  value = trim(value.slice(opsz));
  return { path, op, value, end: i + 1, vesc };
}

export function parseArrayPath(path: ByteString): ArrayPath {
  const r: ArrayPath = {
    part: "",
    path: "",
    pipe: "",
    piped: false,
    more: false,
    alogok: false,
    arrch: false,
    alogkey: "",
    query: { on: false, all: false, path: "", op: "", value: "" },
  };
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === "|") {
      r.part = path.slice(0, i);
      r.pipe = path.slice(i + 1);
      r.piped = true;
      return r;
    }
    if (c === ".") {
      r.part = path.slice(0, i);
      if (!r.arrch && i < path.length - 1 && isDotPiperChar(path.slice(i + 1))) {
        r.pipe = path.slice(i + 1);
        r.piped = true;
      } else {
        r.path = path.slice(i + 1);
        r.more = true;
      }
      return r;
    }
    if (c !== "#") continue;
    r.arrch = true;
    if (i !== 0 || path.length < 2) continue;
    if (path[1] === ".") {
      r.alogok = true;
      r.alogkey = path.slice(2);
      r.path = path.slice(0, 1);
    } else if (path[1] === "[" || path[1] === "(") {
      r.query.on = true;
      const q = parseQuery(path);
      // A malformed query leaves the whole text as the component, matching nothing useful.
      if (!q) break;
      let value = q.value;
      if (value.length >= 2 && value[0] === '"' && value[value.length - 1] === '"') {
        value = value.slice(1, -1);
        if (q.vesc) value = unescape(value);
      }
      r.query.path = q.path;
      r.query.op = q.op;
      r.query.value = value;
      i = q.end - 1;
      if (i + 1 < path.length && path[i + 1] === "#") r.query.all = true;
    }
  }
  r.part = path;
  r.path = "";
  return r;
}

/**
 * Splits `left|right` at the first pipe outside escapes and `.#(...)` queries, for the rest of a `#.`
 * or query path; undefined when there is no such pipe.
 */
export function splitPossiblePipe(path: ByteString): { left: ByteString; right: ByteString } | undefined {
  if (!path.includes("|")) return undefined;
  if (path[0] === "{") {
    // A multipath selector; gjson only splits after its closing brace. Multipaths are not supported,
    // so the caller's evaluation of the left side reports that.
    return undefined;
  }
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === "\\") {
      i++;
    } else if (c === ".") {
      if (i === path.length - 1) return undefined;
      if (path[i + 1] !== "#") continue;
      i += 2;
      if (i === path.length) return undefined;
      const open = path[i];
      if (open !== "[" && open !== "(") continue;
      const close = open === "[" ? "]" : ")";
      let depth = 1;
      for (i++; i < path.length; i++) {
        const d = path[i];
        if (d === "\\") i++;
        else if (d === open) depth++;
        else if (d === close) {
          depth--;
          if (depth === 0) break;
        } else if (d === '"') {
          for (i++; i < path.length; i++) {
            if (path[i] === "\\") i++;
            else if (path[i] === '"') break;
          }
        }
      }
    } else if (c === "|") {
      return { left: path.slice(0, i), right: path.slice(i + 1) };
    }
  }
  return undefined;
}
