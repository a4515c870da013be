/**
 * Go's names for \p{...}: general categories (short names, and long aliases such as "Letter"), the
 * scripts Go's lookup can reach, and Any/ASCII/Assigned. Go normalises a name (first letter upper, the
 * rest lower, '_', '-' and ' ' dropped) before looking it up, which is why "greek" and "GREEK" work but
 * multi-word scripts such as Old_Italic never match in Go; the same names are accepted here.
 */

/** How a Go class name is written in a JavaScript v-mode class. */
export type JsClassItem = { kind: "range"; lo: number; hi: number } | { kind: "property"; escape: string };

const CATEGORIES = new Set([
  "C", "Cc", "Cf", "Cn", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No",
  "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
]);

/** unicode.CategoryAliases, keyed by Go's canonical form of the alias. */
const ALIASES: Record<string, string> = {
  Casedletter: "LC", Closepunctuation: "Pe", Combiningmark: "M", Connectorpunctuation: "Pc", Control: "Cc",
  Currencysymbol: "Sc", Dashpunctuation: "Pd", Decimalnumber: "Nd", Enclosingmark: "Me", Finalpunctuation: "Pf",
  Format: "Cf", Initialpunctuation: "Pi", Letter: "L", Letternumber: "Nl", Lineseparator: "Zl",
  Lowercaseletter: "Ll", Mark: "M", Mathsymbol: "Sm", Modifierletter: "Lm", Modifiersymbol: "Sk",
  Nonspacingmark: "Mn", Number: "N", Openpunctuation: "Ps", Other: "C", Otherletter: "Lo", Othernumber: "No",
  Otherpunctuation: "Po", Othersymbol: "So", Paragraphseparator: "Zp", Privateuse: "Co", Punctuation: "P",
  Separator: "Z", Spaceseparator: "Zs", Spacingmark: "Mc", Surrogate: "Cs", Symbol: "S", Titlecaseletter: "Lt",
  Unassigned: "Cn", Uppercaseletter: "Lu", Cntrl: "Cc", Digit: "Nd", Punct: "P",
};

/** Go 1.26's unicode.Scripts names that equal their canonical form (the only ones Go can look up). */
const SCRIPTS = new Set([
  "Adlam", "Ahom", "Arabic", "Armenian", "Avestan", "Balinese", "Bamum", "Batak", "Bengali", "Bhaiksuki", "Bopomofo",
  "Brahmi", "Braille", "Buginese", "Buhid", "Carian", "Chakma", "Cham", "Cherokee", "Chorasmian", "Common", "Coptic",
  "Cuneiform", "Cypriot", "Cyrillic", "Deseret", "Devanagari", "Dogra", "Duployan", "Elbasan", "Elymaic", "Ethiopic",
  "Georgian", "Glagolitic", "Gothic", "Grantha", "Greek", "Gujarati", "Gurmukhi", "Han", "Hangul", "Hanunoo", "Hatran",
  "Hebrew", "Hiragana", "Inherited", "Javanese", "Kaithi", "Kannada", "Katakana", "Kawi", "Kharoshthi", "Khmer",
  "Khojki", "Khudawadi", "Lao", "Latin", "Lepcha", "Limbu", "Lisu", "Lycian", "Lydian", "Mahajani", "Makasar",
  "Malayalam", "Mandaic", "Manichaean", "Marchen", "Medefaidrin", "Miao", "Modi", "Mongolian", "Mro", "Multani",
  "Myanmar", "Nabataean", "Nandinagari", "Newa", "Nko", "Nushu", "Ogham", "Oriya", "Osage", "Osmanya", "Palmyrene",
  "Phoenician", "Rejang", "Runic", "Samaritan", "Saurashtra", "Sharada", "Shavian", "Siddham", "Sinhala", "Sogdian",
  "Soyombo", "Sundanese", "Syriac", "Tagalog", "Tagbanwa", "Takri", "Tamil", "Tangsa", "Tangut", "Telugu", "Thaana",
  "Thai", "Tibetan", "Tifinagh", "Tirhuta", "Toto", "Ugaritic", "Vai", "Vithkuqi", "Wancho", "Yezidi", "Yi",
]);

/** Go's canonicalName. */
export function canonicalClassName(name: string): string {
  let out = "";
  let first = true;
  for (const c of name) {
    if (c === "_" || c === "-" || c === " ") continue;
    if (first) {
      out += c >= "a" && c <= "z" ? c.toUpperCase() : c;
      first = false;
    } else {
      out += c >= "A" && c <= "Z" ? c.toLowerCase() : c;
    }
  }
  return out;
}

/**
 * The class a Go \p name denotes, as JavaScript items, and whether Go inverts it (Assigned is "not
 * Cn"); undefined when Go does not know the name.
 */
export function unicodeClass(name: string): { items: JsClassItem[]; invert: boolean } | undefined {
  const canon = canonicalClassName(name);
  const prop = (escape: string): JsClassItem[] => [{ kind: "property", escape }];
  switch (canon) {
    case "Any":
      return { items: [{ kind: "range", lo: 0, hi: 0x10ffff }], invert: false };
    case "Assigned":
      return { items: prop("\\p{Cn}"), invert: true };
    case "Ascii":
      return { items: [{ kind: "range", lo: 0, hi: 0x7f }], invert: false };
    case "Lc":
      return { items: prop("\\p{LC}"), invert: false };
  }
  if (CATEGORIES.has(canon)) return { items: prop(`\\p{${canon}}`), invert: false };
  if (SCRIPTS.has(canon)) return { items: prop(`\\p{Script=${canon}}`), invert: false };
  const alias = ALIASES[canon];
  if (alias) return { items: prop(`\\p{${alias}}`), invert: false };
  return undefined;
}
