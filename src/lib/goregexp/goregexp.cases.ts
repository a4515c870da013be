/**
 * Case tables for Go's regexp as ESO runs it. Expectations are Go's answers: goregexp.oracle.test.ts
 * runs every case through Go's regexp and checks both Ferry and the table; goregexp.test.ts checks Ferry.
 */

export interface ReplaceAllCase {
  name: string;
  pattern: string;
  input: string;
  repl: string;
  /** Go's ReplaceAllString output (ESO's rewrite.regexp), or Go's compile error message. */
  want: string | { error: string };
}

/** `rewrite[].regexp`: regexp.MustCompile(source).ReplaceAllString(key, target) in ESO. */
export const replaceAllCases: ReplaceAllCase[] = [
  { name: "prefix", pattern: "^db-", input: "db-user", repl: "DB_", want: "DB_user" },
  { name: "numbered groups", pattern: "(\\w+)-(\\w+)", input: "db-user", repl: "${2}_$1", want: "user_db" },
  { name: "$2_ is a named group", pattern: "(\\w+)-(\\w+)", input: "db-user", repl: "$2_$1", want: "db" },
  { name: "$1x is a named group", pattern: "(a)", input: "a", repl: "$1x", want: "" },
  { name: "${1}x", pattern: "(a)", input: "a", repl: "${1}x", want: "ax" },
  { name: "named groups", pattern: "(?P<env>dev|prod)-(?<name>.+)", input: "dev-api", repl: "${name}.${env}", want: "api.dev" },
  { name: "$name", pattern: "(?P<env>dev|prod)-(?<name>.+)", input: "prod-db", repl: "$name/$env", want: "db/prod" },
  { name: "dollar dollar", pattern: "a", input: "cab", repl: "$$", want: "c$b" },
  { name: "malformed dollar kept", pattern: "a", input: "a", repl: "$-${x", want: "$-${x" },
  { name: "$0 whole match", pattern: "b+", input: "abbc", repl: "[$0]", want: "a[bb]c" },
  { name: "out of range group", pattern: "(a)", input: "a", repl: "<$2>", want: "<>" },
  { name: "leading zero is a name", pattern: "(a)", input: "a", repl: "<$01>", want: "<>" },
  { name: "unmatched optional group", pattern: "(x)?a", input: "a", repl: "<$1>", want: "<>" },
  { name: "empty matches skip after a match", pattern: "a*", input: "baaac", repl: "-", want: "-b-c-" },
  { name: "empty pattern", pattern: "", input: "ab", repl: "x", want: "xaxbx" },
  { name: "empty pattern on empty input", pattern: "", input: "", repl: "x", want: "x" },
  { name: "empty matches with multibyte", pattern: "x*", input: "é😀", repl: "-", want: "-é-😀-" },
  { name: "case-insensitive flag", pattern: "(?i)abc", input: "xABcx", repl: "Y", want: "xYx" },
  { name: "scoped flag group", pattern: "a(?i:b)c", input: "aBc aBC", repl: "_", want: "_ aBC" },
  { name: "flag until group end", pattern: "(a(?i)b)c", input: "aBc aBC", repl: "_", want: "_ aBC" },
  { name: "negated flag", pattern: "(?i)a(?-i)b", input: "Ab AB", repl: "_", want: "_ AB" },
  { name: "multiline anchors", pattern: "(?m)^x$", input: "x\ny\nx", repl: "Z", want: "Z\ny\nZ" },
  { name: "text anchors", pattern: "^x$", input: "x\nx", repl: "Z", want: "x\nx" },
  { name: "dollar before final newline is no match", pattern: "a$", input: "a\n", repl: "Z", want: "a\n" },
  { name: "dot excludes newline only", pattern: ".", input: "a\n\r\u2028", repl: "_", want: "_\n__" },
  { name: "s flag", pattern: "(?s)a.b", input: "a\nb", repl: "_", want: "_" },
  { name: "ungreedy flag", pattern: "(?U)a+", input: "aaa", repl: "b", want: "bbb" },
  { name: "ungreedy flag with ?", pattern: "(?U)a+?", input: "aaa", repl: "b", want: "b" },
  { name: "lazy", pattern: "a.*?b", input: "aXbYb", repl: "_", want: "_Yb" },
  { name: "counted repeat", pattern: "x{2,3}", input: "xxxxx", repl: "y", want: "yy" },
  { name: "open repeat", pattern: "x{2,}", input: "xxxxx", repl: "y", want: "y" },
  { name: "brace that is no repeat", pattern: "a{,2}", input: "a{,2}", repl: "_", want: "_" },
  { name: "lone brace", pattern: "{", input: "a{b}", repl: "_", want: "a_b}" },
  { name: "closing brace and bracket literal", pattern: "}]", input: "a}]", repl: "_", want: "a_" },
  { name: "ascii \\d", pattern: "\\d+", input: "a12٣4", repl: "#", want: "a#٣#" },
  { name: "ascii \\w", pattern: "\\w+", input: "héllo_1", repl: "W", want: "WéW" },
  { name: "ascii \\s", pattern: "\\s", input: "a b\u00a0c\vd", repl: "_", want: "a_b\u00a0c\vd" },
  { name: "ascii \\b", pattern: "\\bé", input: "é aé", repl: "_", want: "é a_" },
  { name: "\\B", pattern: "\\Bb", input: "ab b", repl: "_", want: "a_ b" },
  { name: "negated perl class", pattern: "\\D+", input: "a1b2", repl: "_", want: "_1_2" },
  { name: "class with perl and negated perl", pattern: "[\\d\\W]", input: "a1-b", repl: "#", want: "a##b" },
  { name: "posix class", pattern: "[[:alpha:]]+", input: "ab12cd", repl: "A", want: "A12A" },
  { name: "negated posix class", pattern: "[[:^digit:]]", input: "a1", repl: "_", want: "_1" },
  { name: "bracket first is literal", pattern: "[]a]", input: "]ab", repl: "_", want: "__b" },
  { name: "negated bracket first", pattern: "[^]a]", input: "]ab", repl: "_", want: "]a_" },
  { name: "dash at the end", pattern: "[a-]", input: "a-b", repl: "_", want: "__b" },
  { name: "negated class matches newline", pattern: "[^a]", input: "a\nb", repl: "_", want: "a__" },
  { name: "unicode category", pattern: "\\pL+", input: "ab1γδ", repl: "L", want: "L1L" },
  { name: "unicode script", pattern: "\\p{Greek}+", input: "abγδε", repl: "G", want: "abG" },
  { name: "unicode script lowercase name", pattern: "\\p{greek}", input: "aγ", repl: "G", want: "aG" },
  { name: "negated unicode", pattern: "\\P{L}", input: "a1b", repl: "_", want: "a_b" },
  { name: "caret negation in braces", pattern: "\\p{^L}", input: "a1b", repl: "_", want: "a_b" },
  { name: "unicode long alias", pattern: "\\p{Uppercase_Letter}", input: "aBc", repl: "_", want: "a_c" },
  { name: "hex escapes", pattern: "\\x41\\x{1F600}", input: "A😀", repl: "_", want: "_" },
  { name: "octal escape", pattern: "\\101\\0", input: "A\u0000", repl: "_", want: "_" },
  { name: "quoted literal", pattern: "\\Q.*+\\E+", input: ".*++", repl: "_", want: "_" },
  { name: "escaped punctuation", pattern: "\\.\\-\\_\\#", input: "a.-_#", repl: "_", want: "a_" },
  { name: "case folding Kelvin", pattern: "(?i)k", input: "kK\u212a", repl: "_", want: "___" },
  { name: "alternation preference", pattern: "a|ab", input: "ab", repl: "_", want: "_b" },
  { name: "key with slash to dash", pattern: "/", input: "app/db/password", repl: "-", want: "app-db-password" },
  { name: "strip path prefix", pattern: "^.*/", input: "app/db/password", repl: "", want: "password" },
  { name: "unicode key", pattern: "ключ", input: "мой-ключ", repl: "key", want: "мой-key" },
  { name: "assertion repeated", pattern: "^*a", input: "aa", repl: "_", want: "__" },
  { name: "repeat after flags applies to previous", pattern: "a(?i)*", input: "aaa", repl: "_", want: "_" },
  { name: "group set in an earlier iteration", pattern: "(?:(a)|b)+", input: "ab", repl: "<$1>", want: "<a>" },
  { name: "optional group in a loop", pattern: "(?:a(b)?)+", input: "aba", repl: "<$1>", want: "<b>" },
  { name: "same loop without group reference", pattern: "(?:(a)|b)+", input: "abc", repl: "<$0>", want: "<ab>c" },
  { name: "whole loop body captured", pattern: "(a|b)+", input: "ab", repl: "<$1>", want: "<b>" },
  { name: "empty iteration", pattern: "(a|)+", input: "aab", repl: "<$1>", want: "<a>b<>" },
  { name: "empty loop body", pattern: "(a*)*", input: "b", repl: "<$1>", want: "<>b<>" },
  { name: "missing argument", pattern: "*a", input: "", repl: "", want: { error: "error parsing regexp: missing argument to repetition operator: `*`" } },
  { name: "nested repetition", pattern: "a**", input: "", repl: "", want: { error: "error parsing regexp: invalid nested repetition operator: `**`" } },
  { name: "lazy then repeat", pattern: "a+?*", input: "", repl: "", want: { error: "error parsing regexp: invalid nested repetition operator: `+?*`" } },
  { name: "repeat too large", pattern: "a{1001}", input: "", repl: "", want: { error: "error parsing regexp: invalid repeat count: `{1001}`" } },
  { name: "nested repeat too large", pattern: "(a{100}){20}", input: "", repl: "", want: { error: "error parsing regexp: invalid repeat count: `{20}`" } },
  { name: "min over max", pattern: "a{3,2}", input: "", repl: "", want: { error: "error parsing regexp: invalid repeat count: `{3,2}`" } },
  { name: "missing paren", pattern: "(a", input: "", repl: "", want: { error: "error parsing regexp: missing closing ): `(a`" } },
  { name: "unexpected paren", pattern: "a)", input: "", repl: "", want: { error: "error parsing regexp: unexpected ): `a)`" } },
  { name: "missing bracket", pattern: "[a", input: "", repl: "", want: { error: "error parsing regexp: missing closing ]: `[a`" } },
  { name: "bad range", pattern: "[z-a]", input: "", repl: "", want: { error: "error parsing regexp: invalid character class range: `z-a`" } },
  { name: "lookahead", pattern: "a(?=b)", input: "", repl: "", want: { error: "error parsing regexp: invalid or unsupported Perl syntax: `(?=`" } },
  { name: "lookbehind", pattern: "(?<=a)b", input: "", repl: "", want: { error: "error parsing regexp: invalid named capture: `(?<=a)b`" } },
  { name: "backreference", pattern: "(a)\\1", input: "", repl: "", want: { error: "error parsing regexp: invalid escape sequence: `\\1`" } },
  { name: "unknown escape", pattern: "\\e", input: "", repl: "", want: { error: "error parsing regexp: invalid escape sequence: `\\e`" } },
  { name: "\\Z", pattern: "a\\Z", input: "", repl: "", want: { error: "error parsing regexp: invalid escape sequence: `\\Z`" } },
  { name: "backspace in class", pattern: "[\\b]", input: "", repl: "", want: { error: "error parsing regexp: invalid escape sequence: `\\b`" } },
  { name: "trailing backslash", pattern: "a\\", input: "", repl: "", want: { error: "error parsing regexp: trailing backslash at end of expression: ``" } },
  { name: "unknown posix class", pattern: "[[:foo:]]", input: "", repl: "", want: { error: "error parsing regexp: invalid character class range: `[:foo:]`" } },
  { name: "unknown unicode class", pattern: "\\p{Klingon}", input: "", repl: "", want: { error: "error parsing regexp: invalid character class range: `\\p{Klingon}`" } },
  { name: "multi-word script Go cannot name", pattern: "\\p{Old_Italic}", input: "", repl: "", want: { error: "error parsing regexp: invalid character class range: `\\p{Old_Italic}`" } },
  { name: "bad named capture", pattern: "(?P<a-b>x)", input: "", repl: "", want: { error: "error parsing regexp: invalid named capture: `(?P<a-b>`" } },
  { name: "bad flag", pattern: "(?x)a", input: "", repl: "", want: { error: "error parsing regexp: invalid or unsupported Perl syntax: `(?x`" } },
  { name: "possessive", pattern: "a++", input: "", repl: "", want: { error: "error parsing regexp: invalid nested repetition operator: `++`" } },
  { name: "any byte", pattern: "\\C", input: "", repl: "", want: { error: "error parsing regexp: invalid escape sequence: `\\C`" } },

  { name: "duplicate group names, first that took part", pattern: "(?P<x>a)|(?P<x>b)", input: "ab", repl: "<${x}>", want: "<a><b>" },
  { name: "lower-case unicode class name", pattern: "\\p{greek}+", input: "aγδ", repl: "G", want: "aG" },
  { name: "long category alias with spaces", pattern: "\\p{uppercase letter}", input: "aBc", repl: "_", want: "a_c" },
  { name: "ASCII class", pattern: "\\p{ASCII}+", input: "ab日c", repl: "_", want: "_日_" },
  { name: "repeat count 1000 is the limit", pattern: "a{1000}", input: "aa", repl: "_", want: "aa" },
  { name: "repeat count beyond 1000", pattern: "x{99999}", input: "", repl: "", want: { error: "error parsing regexp: invalid repeat count: `{99999}`" } },
  { name: "binary property Go does not name", pattern: "\\p{White_Space}", input: "", repl: "", want: { error: "error parsing regexp: invalid character class range: `\\p{White_Space}`" } },
  { name: "first error wins over a class name", pattern: "*\\p{White_Space}", input: "", repl: "", want: { error: "error parsing regexp: missing argument to repetition operator: `*`" } },
  { name: "nesting deeper than 1000", pattern: "(".repeat(1001) + ")".repeat(1001), input: "", repl: "", want: { error: `error parsing regexp: expression nests too deeply: \`${"(".repeat(1001) + ")".repeat(1001)}\`` } },
];

export interface MatchCase {
  name: string;
  pattern: string;
  input: string;
  /** Go's MatchString answer (ESO's find.name.regexp, namespaceRegexes), or Go's compile error message. */
  want: boolean | { error: string };
}

/** `find.name.regexp` and ClusterSecretStore `conditions[].namespaceRegexes`: unanchored regexp.MatchString. */
export const matchCases: MatchCase[] = [
  { name: "unanchored", pattern: "team", input: "my-team-x", want: true },
  { name: "anchored by the user", pattern: "^team-(a|b)$", input: "team-ab", want: false },
  { name: "case-insensitive namespace (ESO accepts)", pattern: "(?i)team-a", input: "TEAM-A", want: true },
  { name: "case-insensitive, no match", pattern: "(?i)team-a", input: "team-b", want: false },
  { name: "secret name with slashes", pattern: "^app/(db|cache)/[^/]+$", input: "app/db/password", want: true },
  { name: "unicode letters", pattern: "^\\pL+$", input: "ключ", want: true },
  { name: "named groups", pattern: "^(?P<env>dev|prod)-(?<app>[a-z]+)$", input: "prod-api", want: true },
  { name: "dot does not match newline", pattern: "^a.b$", input: "a\nb", want: false },
  { name: "dollar is end of text", pattern: "a$", input: "a\n", want: false },
  { name: "empty pattern matches everything", pattern: "", input: "anything", want: true },
  { name: "catastrophic for backtracking, linear here", pattern: "^([a-z/-]+)*X$", input: "abcdefghijklmnopqrstuvwxyz", want: false },
  { name: "nested quantifiers", pattern: "^(a|aa)+$", input: "a".repeat(60) + "b", want: false },
  { name: "lookahead is not RE2", pattern: "^team(?=-a)", input: "", want: { error: "error parsing regexp: invalid or unsupported Perl syntax: `(?=`" } },
  { name: "backreference is not RE2", pattern: "(a)\\1", input: "", want: { error: "error parsing regexp: invalid escape sequence: `\\1`" } },
  { name: "unclosed group", pattern: "team-(a", input: "", want: { error: "error parsing regexp: missing closing ): `team-(a`" } },
  { name: "repeat count beyond 1000", pattern: "a{1001}", input: "", want: { error: "error parsing regexp: invalid repeat count: `{1001}`" } },
  { name: "nested repeat product beyond 1000", pattern: "(?:a{100}){11}", input: "", want: { error: "error parsing regexp: invalid repeat count: `{11}`" } },
  { name: "single-letter class, any case", pattern: "\\pn", input: "x7", want: true },
  { name: "Assigned", pattern: "^\\p{Assigned}+$", input: "ab", want: true },
];
