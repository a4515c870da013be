/**
 * Go `time.ParseDuration` / `Duration.String()` semantics. ESO's refreshInterval, retryInterval and store
 * refreshInterval are Go durations on the wire, so Ferry must accept exactly what Go accepts ("1h0m0s",
 * "10m", "0", "1.5h", ".5s", "1h30m", "300ms", "2µs") and reject what Go rejects ("", "1", "1d", "h").
 */

const NANOS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  "µs": 1_000n, // U+00B5 micro sign
  "μs": 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go's time.Duration is an int64 of nanoseconds; larger values fail to parse in Go, so they fail here. */
const MAX_NANOS = (1n << 63n) - 1n;

/**
 * The shape of a Go duration as a regular expression (RE2 and ECMAScript compatible), used as the CRD
 * `pattern` so the apiserver rejects malformed intervals at apply time. It does not check int64 overflow;
 * parseDurationNanos does.
 */
export const GO_DURATION_PATTERN = "^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$";

export class DurationError extends Error {
  override name = "DurationError";
}

/** Parses a Go duration string into nanoseconds. Throws DurationError with Go's wording on invalid input. */
export function parseDurationNanos(input: string): bigint {
  let s = input;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw new DurationError(`time: invalid duration "${input}"`);
  let total = 0n;
  while (s !== "") {
    const match = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const whole = match?.[1] ?? "";
    const hasDot = match !== null && match[0].length > whole.length;
    const fraction = match?.[2] ?? "";
    if (whole === "" && fraction === "") throw new DurationError(`time: invalid duration "${input}"`);
    s = s.slice(match![0].length);
    const unitMatch = /^[^0-9.]*/.exec(s);
    const unit = unitMatch?.[0] ?? "";
    if (unit === "") throw new DurationError(`time: missing unit in duration "${input}"`);
    const scale = NANOS_PER_UNIT[unit];
    if (scale === undefined) throw new DurationError(`time: unknown unit "${unit}" in duration "${input}"`);
    s = s.slice(unit.length);
    let value = BigInt(whole === "" ? "0" : whole) * scale;
    if (hasDot && fraction !== "") {
      // Go truncates the fractional part toward zero at nanosecond precision.
      value += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length);
    }
    total += value;
    if (total > MAX_NANOS) throw new DurationError(`time: invalid duration "${input}"`);
  }
  return negative ? -total : total;
}

/** Parses a Go duration into milliseconds (fractional below 1 ms), the unit timers use. */
export function parseDuration(input: string): number {
  return Number(parseDurationNanos(input)) / 1e6;
}

/** Whether Go's time.ParseDuration would accept the string. */
export function isGoDuration(input: string): boolean {
  try {
    parseDurationNanos(input);
    return true;
  } catch {
    return false;
  }
}

/** Formats nanoseconds as Go's Duration.String() does: "1h0m0s", "1m30s", "1.5s", "300ms", "0s". */
export function formatDurationNanos(nanos: bigint): string {
  if (nanos === 0n) return "0s";
  const sign = nanos < 0n ? "-" : "";
  let n = nanos < 0n ? -nanos : nanos;
  if (n < 1_000_000_000n) {
    // Below one second Go picks the largest unit that keeps a non-zero integer part.
    const [unit, scale] = n < 1_000n ? ["ns", 1n] : n < 1_000_000n ? ["µs", 1_000n] : ["ms", 1_000_000n];
    return sign + fixed(n, scale) + unit;
  }
  const hours = n / 3_600_000_000_000n;
  n -= hours * 3_600_000_000_000n;
  const minutes = n / 60_000_000_000n;
  n -= minutes * 60_000_000_000n;
  const seconds = fixed(n, 1_000_000_000n) + "s";
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}`;
  return sign + seconds;
}

/** Formats milliseconds as a Go duration string. */
export function formatDuration(ms: number): string {
  return formatDurationNanos(BigInt(Math.round(ms * 1e6)));
}

/** Normalises a Go duration to its canonical form, e.g. "60m" → "1h0m0s" (what ESO writes back). */
export function canonicalDuration(input: string): string {
  return formatDurationNanos(parseDurationNanos(input));
}

/** `value / scale` as a decimal with trailing zeros removed, e.g. (1_500_000_000, 1e9) → "1.5". */
function fixed(value: bigint, scale: bigint): string {
  const whole = value / scale;
  const rest = value % scale;
  if (rest === 0n) return whole.toString();
  const digits = scale.toString().length - 1;
  return `${whole}.${rest.toString().padStart(digits, "0").replace(/0+$/, "")}`;
}
