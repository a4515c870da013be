/**
 * Error text from a render may quote its input — Go's regexp errors quote the pattern, `fail` prints its
 * argument, JSON errors quote a character — and that input is secret data. Every error leaving the engine has
 * each data value replaced, so a condition, Event or log line never carries one.
 */
export const REDACTED = "[redacted]";

/** Values shorter than this are left alone: redacting "a" or "1" would shred every message and hide nothing. */
const MIN_REDACTED_LENGTH = 4;

export function redactValues(message: string, values: Iterable<Uint8Array | string>): string {
  const texts = [...values]
    .map((v) => (typeof v === "string" ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("utf8")))
    .filter((t) => t.length >= MIN_REDACTED_LENGTH)
    // Longest first, so a value that contains another is removed whole.
    .sort((a, b) => b.length - a.length);
  let out = message;
  for (const t of texts) {
    if (out.includes(t)) out = out.split(t).join(REDACTED);
    // Go's %q and JSON quoting escape quotes, backslashes and newlines; catch those spellings too.
    const quoted = JSON.stringify(t).slice(1, -1);
    if (quoted !== t && out.includes(quoted)) out = out.split(quoted).join(REDACTED);
  }
  return out;
}
