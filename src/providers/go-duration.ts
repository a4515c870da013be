/**
 * Go's time.ParseDuration, for ESO fields written as Go durations (`retrySettings.retryInterval: 10s`).
 * Returns milliseconds. Accepts what Go accepts: an optional sign, then one or more decimal numbers each
 * with a unit (ns, us, µs, μs, ms, s, m, h), e.g. "1h30m", "1.5s", "300ms"; a bare "0".
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "\u00b5s": 1e-3,
  "\u03bcs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const TERM = /(\d+\.?\d*|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/y;

export function parseGoDuration(text: string): number {
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest.startsWith("-")) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw new Error(`invalid duration "${text}"`);
  let total = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < rest.length) {
    const start = TERM.lastIndex;
    const match = TERM.exec(rest);
    if (!match || match.index !== start) throw new Error(`invalid duration "${text}" (expected e.g. "10s", "1m30s", "500ms")`);
    total += Number(match[1]) * (UNIT_MS[match[2]!] ?? Number.NaN);
  }
  return sign * total;
}
