/**
 * Go's Regexp.Expand rules for the replacement template of ReplaceAllString, which differ from
 * JavaScript's String.prototype.replace: `$name` takes the longest run of letters, digits and '_' (so
 * `$1x` is the group named "1x", empty, not group 1 followed by "x"); `${name}` delimits it; a name of
 * ASCII digits is a group number (no leading zeros); `$$` is a dollar; an unknown group or one that did
 * not take part in the match expands to nothing; and a malformed `$` is kept as text.
 */

const NAME_CHAR = /^[\p{L}\p{Nd}_]$/u;

/** Group values by index (undefined: did not participate) and names by index. */
export interface MatchGroups {
  groups: ReadonlyArray<string | undefined>;
  names: readonly string[];
}

function extract(t: string): { name: string; num: number; rest: string } | undefined {
  if (t === "") return undefined;
  let brace = false;
  if (t[0] === "{") {
    brace = true;
    t = t.slice(1);
  }
  let i = 0;
  while (i < t.length) {
    const cp = t.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === 0) return undefined;
  const name = t.slice(0, i);
  if (brace) {
    if (i >= t.length || t[i] !== "}") return undefined;
    i++;
  }
  let num = 0;
  for (const d of name) {
    if (d < "0" || d > "9" || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + Number(d);
  }
  if (name[0] === "0" && name.length > 1) num = -1;
  return { name, num, rest: t.slice(i) };
}

export function expandTemplate(template: string, match: MatchGroups): string {
  let out = "";
  let t = template;
  for (;;) {
    const dollar = t.indexOf("$");
    if (dollar < 0) break;
    out += t.slice(0, dollar);
    t = t.slice(dollar + 1);
    if (t[0] === "$") {
      out += "$";
      t = t.slice(1);
      continue;
    }
    const ref = extract(t);
    if (!ref) {
      out += "$";
      continue;
    }
    t = ref.rest;
    if (ref.num >= 0) {
      out += match.groups[ref.num] ?? "";
      continue;
    }
    for (const [i, name] of match.names.entries()) {
      const value = match.groups[i];
      if (name === ref.name && value !== undefined) {
        out += value;
        break;
      }
    }
  }
  return out + t;
}
