/**
 * Resolves the name in `\p{name}` as Go's regexp/syntax does (unicodeTable in parse.go, Go 1.26): case,
 * spaces, '_' and '-' are ignored ("greek", "L_u" and "uppercase letter" are valid), Any / Assigned /
 * ASCII / LC are special, then categories, scripts and long category aliases are tried. Canonicalising a
 * multi-word script such as Old_Italic gives "Olditalic", which is no key, so Go rejects it, and so does
 * this. The result is the spelling re2js accepts for the same table, or undefined where Go rejects the name.
 */
import { GO_CATEGORIES, GO_CATEGORY_ALIASES, GO_SCRIPTS } from "./go-unicode-names.ts";

const categories = new Set(GO_CATEGORIES);
const scripts = new Set(GO_SCRIPTS);
const aliases = new Map(Object.entries(GO_CATEGORY_ALIASES).map(([name, category]) => [canonicalName(name), category]));

/** re2js's spellings of the classes Go special-cases (its Parser.unicodeTable). */
const SPECIAL: Readonly<Record<string, string>> = { Any: "Any", Assigned: "Assigned", Ascii: "Ascii", Lc: "Lc" };

/** Go's canonicalName: a leading upper-case ASCII letter, then lower case; no '_', '-' or ' '. */
export function canonicalName(name: string): string {
  let out = "";
  let first = true;
  for (const c of name) {
    if (c === "_" || c === "-" || c === " ") continue;
    if (first) {
      out += c >= "a" && c <= "z" ? c.toUpperCase() : c;
      first = false;
    } else out += c >= "A" && c <= "Z" ? c.toLowerCase() : c;
  }
  return out;
}

/** The re2js name of the class Go finds for `name` (without a leading '^'), or undefined. */
export function resolveUnicodeClassName(name: string): string | undefined {
  const canonical = canonicalName(name);
  const special = SPECIAL[canonical];
  if (special !== undefined) return special;
  if (categories.has(canonical)) return canonical;
  if (scripts.has(canonical)) return canonical;
  return aliases.get(canonical);
}
