import { pino, type DestinationStream } from "pino";

/** A log method in pino's shape: a message, or an object of fields and a message. */
export interface LogFn {
  (msg: string): void;
  (obj: Record<string, unknown>, msg?: string): void;
}

/**
 * The logger the runtime takes, injected; pino's Logger satisfies it. Callers log names, keys and counts,
 * never object bodies: a Secret's data must not reach a log line (redaction below is the safety net, not
 * the rule).
 */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

/**
 * The one redaction config. pino paths do not recurse, so each secret-bearing field is listed at the top
 * level and one and two levels down (`{ secret: { data } }`, `{ req: { body: { SecretString } } }`).
 */
const sensitiveFields = ["data", "stringData", "SecretString", "SecretBinary", "token", "password"];
export const redactPaths: readonly string[] = [
  ...sensitiveFields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  ...["authorization", "Authorization"].flatMap((h) => [`headers.${h}`, `*.headers.${h}`]),
];
export const redactCensor = "[REDACTED]";

/** How each line's time is written; ESO's --zap-time-encoding names (iso8601 is Ferry's default). */
export type LogTimeFormat = "epoch" | "millis" | "nano" | "iso8601" | "rfc3339" | "rfc3339nano";
export const LOG_TIME_FORMATS: readonly LogTimeFormat[] = ["epoch", "millis", "nano", "iso8601", "rfc3339", "rfc3339nano"];

/**
 * The `"time"` field for a format, as pino's timestamp function: seconds with a fraction (zap's epoch),
 * milliseconds, nanoseconds (at millisecond resolution), or an ISO-8601/RFC 3339 string.
 */
export function timestampFor(format: LogTimeFormat, now: () => number = Date.now): () => string {
  switch (format) {
    case "epoch":
      return () => `,"time":${now() / 1000}`;
    case "millis":
      return () => `,"time":${now()}`;
    case "nano":
      return () => `,"time":${BigInt(now()) * 1_000_000n}`;
    default:
      return () => `,"time":"${new Date(now()).toISOString()}"`;
  }
}

export interface CreateLoggerOptions {
  level?: LogLevel;
  timeFormat?: LogTimeFormat;
  /** Where JSON lines go; stdout by default. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

/** A pino logger writing JSON lines to stdout, with Ferry's redaction. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: [...redactPaths], censor: redactCensor },
      timestamp: timestampFor(options.timeFormat ?? "iso8601"),
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** A logger that drops everything, for tests and optional loggers. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

/**
 * An error as log fields: type and message only. Never the error object itself: client errors carry
 * response bodies and request options (headers) as enumerable properties that a serializer would print.
 */
export function errorFields(err: unknown): { error: { type: string; message: string; code?: number } } {
  if (err instanceof Error) {
    const code = (err as { statusCode?: unknown }).statusCode ?? (err as { code?: unknown }).code;
    // fetch reports "fetch failed" and hides the reason (ECONNREFUSED, a TLS error) in its cause.
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return { error: { type: err.name, message: `${err.message}${cause}`.slice(0, 500), ...(typeof code === "number" ? { code } : {}) } };
  }
  return { error: { type: typeof err, message: String(err).slice(0, 500) } };
}
