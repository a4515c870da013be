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

export interface CreateLoggerOptions {
  level?: LogLevel;
  /** Where JSON lines go; stdout by default. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

/** A pino logger writing JSON lines to stdout, with Ferry's redaction. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: [...redactPaths], censor: redactCensor },
      timestamp: pino.stdTimeFunctions.isoTime,
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
