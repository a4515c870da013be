/**
 * Go's strconv.ParseFloat(s, 64) and strconv.FormatFloat(f, 'f', -1, 64), which gjson uses for number
 * results: Result.String() of a number whose raw text is not a plain integer is the parsed value
 * formatted back ("1e3" gives "1000", "1.50" gives "1.5"), and query comparisons parse both sides.
 */

function lower(c: string): string {
  return c.toLowerCase();
}

/** Go's special(): optional sign then "inf"/"infinity", or "nan" (no sign), case-insensitive. */
function special(s: string): { value: number; n: number } | undefined {
  if (s.length === 0) return undefined;
  let sign = 1;
  let nsign = 0;
  let t = s;
  const c0 = s[0];
  if (c0 === "+" || c0 === "-") {
    if (c0 === "-") sign = -1;
    nsign = 1;
    t = s.slice(1);
  }
  if (nsign === 1 || c0 === "i" || c0 === "I") {
    let n = 0;
    const word = "infinity";
    while (n < t.length && n < word.length && lower(t[n] ?? "") === word[n]) n++;
    if (n > 3 && n < 8) n = 3;
    if (n === 3 || n === 8) return { value: sign * Infinity, n: nsign + n };
    return undefined;
  }
  if ((c0 === "n" || c0 === "N") && t.length >= 3 && lower(t.slice(0, 3)) === "nan") return { value: NaN, n: 3 };
  return undefined;
}

/** Go's underscoreOK: underscores only between digits (or after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  if (s.length >= 1 && (s[0] === "-" || s[0] === "+")) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "box".includes(lower(s[1] ?? ""))) {
    i = 2;
    saw = "0";
    hex = lower(s[1] ?? "") === "x";
  }
  for (; i < s.length; i++) {
    const c = s[i] ?? "";
    if ((c >= "0" && c <= "9") || (hex && lower(c) >= "a" && lower(c) <= "f")) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

/** Validates s as a whole Go float literal; returns the value, or undefined on a syntax error. */
function readFloat(s: string): number | undefined {
  let i = 0;
  let underscores = false;
  let neg = false;
  if (i >= s.length) return undefined;
  if (s[i] === "+") i++;
  else if (s[i] === "-") {
    i++;
    neg = true;
  }
  let hex = false;
  if (i + 2 < s.length && s[i] === "0" && lower(s[i + 1] ?? "") === "x") {
    hex = true;
    i += 2;
  }
  const mantStart = i;
  let sawdot = false;
  let sawdigits = false;
  for (; i < s.length; i++) {
    const c = s[i] ?? "";
    if (c === "_") {
      underscores = true;
      continue;
    }
    if (c === ".") {
      if (sawdot) break;
      sawdot = true;
      continue;
    }
    if ((c >= "0" && c <= "9") || (hex && lower(c) >= "a" && lower(c) <= "f")) {
      sawdigits = true;
      continue;
    }
    break;
  }
  if (!sawdigits) return undefined;
  const mantissa = s.slice(mantStart, i).replaceAll("_", "");
  let exp = 0;
  const expChar = hex ? "p" : "e";
  if (i < s.length && lower(s[i] ?? "") === expChar) {
    i++;
    if (i >= s.length) return undefined;
    let esign = 1;
    if (s[i] === "+") i++;
    else if (s[i] === "-") {
      i++;
      esign = -1;
    }
    if (i >= s.length || !(s[i]! >= "0" && s[i]! <= "9")) return undefined;
    let e = 0;
    for (; i < s.length && ((s[i]! >= "0" && s[i]! <= "9") || s[i] === "_"); i++) {
      if (s[i] === "_") {
        underscores = true;
        continue;
      }
      // Go stops accumulating at 10000: the result is then 0 or infinite either way.
      if (e < 10000) e = e * 10 + Number(s[i]);
    }
    exp = e * esign;
  } else if (hex) {
    return undefined;
  }
  if (underscores && !underscoreOK(s.slice(0, i))) return undefined;
  if (i !== s.length) return undefined;

  let value: number;
  if (hex) {
    const [intPart = "", fracPart = ""] = mantissa.split(".");
    const digits = intPart + fracPart;
    const big = BigInt("0x" + (digits === "" ? "0" : digits));
    value = big === 0n ? 0 : Number(big) * 2 ** (exp - 4 * fracPart.length);
  } else {
    // JavaScript's Number() is correctly rounded like Go's parser; the syntax was checked above.
    value = Number(`${mantissa}e${exp}`);
  }
  return neg ? -value : value;
}

/** strconv.ParseFloat(s, 64) ignoring the error, as gjson does: 0 on a syntax error, ±Inf on overflow. */
export function goParseFloat(s: string): number {
  const sp = special(s);
  if (sp) return sp.n === s.length ? sp.value : 0;
  return readFloat(s) ?? 0;
}

/** strconv.FormatFloat(f, 'f', -1, 64): the shortest digits that round-trip, never in exponent form. */
export function goFormatFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  const sign = f < 0 || Object.is(f, -0) ? "-" : "";
  const text = Math.abs(f).toString();
  const [mant = "", expText] = text.split("e");
  const dot = mant.indexOf(".");
  const digits = mant.replace(".", "");
  const point = (dot < 0 ? mant.length : dot) + (expText === undefined ? 0 : Number(expText));
  let out: string;
  if (point <= 0) out = "0." + "0".repeat(-point) + digits;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = digits.slice(0, point) + "." + digits.slice(point);
  return sign + out;
}
