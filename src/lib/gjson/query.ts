/**
 * Whether an array element (or the value its query path selects) satisfies a `#(path op value)` query,
 * with gjson's comparison rules: strings byte-wise, numbers numerically, booleans only against the
 * words true/false, and `~true`/`~false`/`~null`/`~*` comparing truthiness instead of the value.
 */
import { goParseFloat } from "./go-float.ts";
import type { ArrayPath } from "./path.ts";
import { NOT_FOUND, resultExists, type RawResult } from "./result.ts";
import { wildcardMatch } from "./wildcard.ts";

function trueish(v: RawResult): boolean {
  if (v.type === "True") return true;
  if (v.type === "String") return ["1", "t", "true"].includes(v.str.toLowerCase());
  if (v.type === "Number") return v.num !== 0;
  return false;
}

function falseish(v: RawResult): boolean {
  if (v.type === "Null" || v.type === "False") return true;
  if (v.type === "String") return ["0", "f", "false"].includes(v.str.toLowerCase());
  if (v.type === "Number") return v.num === 0;
  return false;
}

export function queryMatches(rp: ArrayPath, value: RawResult): boolean {
  let rpv = rp.query.value;
  if (rpv[0] === "~") {
    // `~true`, `~false`, `~null`, `~*`: compare the value's truthiness instead of the value.
    rpv = rpv.slice(1);
    let ish: boolean | undefined;
    if (rpv === "*") ish = resultExists(value);
    else if (rpv === "null") ish = value.type === "Null";
    else if (rpv === "true") ish = trueish(value);
    else if (rpv === "false") ish = falseish(value);
    if (ish === undefined) {
      rpv = "";
      value = NOT_FOUND;
    } else {
      rpv = "true";
      value = { type: ish ? "True" : "False", raw: "", str: "", num: 0 };
    }
  }
  if (!resultExists(value)) return false;
  const op = rp.query.op;
  if (op === "") return true;
  switch (value.type) {
    case "String": {
      const s = value.str;
      switch (op) {
        case "=":
          return s === rpv;
        case "!=":
          return s !== rpv;
        case "<":
          return s < rpv;
        case "<=":
          return s <= rpv;
        case ">":
          return s > rpv;
        case ">=":
          return s >= rpv;
        case "%":
          return wildcardMatch(s, rpv);
        case "!%":
          return !wildcardMatch(s, rpv);
      }
      return false;
    }
    case "Number": {
      const n = goParseFloat(rpv);
      switch (op) {
        case "=":
          return value.num === n;
        case "!=":
          return value.num !== n;
        case "<":
          return value.num < n;
        case "<=":
          return value.num <= n;
        case ">":
          return value.num > n;
        case ">=":
          return value.num >= n;
      }
      return false;
    }
    case "True":
      if (op === "=") return rpv === "true";
      if (op === "!=") return rpv !== "true";
      if (op === ">") return rpv === "false";
      return op === ">=";
    case "False":
      if (op === "=") return rpv === "false";
      if (op === "!=") return rpv !== "false";
      if (op === "<") return rpv === "true";
      return op === "<=";
    default:
      return false;
  }
}

