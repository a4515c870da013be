/**
 * Go's regexp/syntax error codes and message format ("error parsing regexp: <code>: `<expr>`"), so a
 * rewrite that ESO would reject fails in Ferry with the same message.
 */
export const ErrorCode = {
  invalidCharClass: "invalid character class",
  invalidCharRange: "invalid character class range",
  invalidEscape: "invalid escape sequence",
  invalidNamedCapture: "invalid named capture",
  invalidPerlOp: "invalid or unsupported Perl syntax",
  invalidRepeatOp: "invalid nested repetition operator",
  invalidRepeatSize: "invalid repeat count",
  missingBracket: "missing closing ]",
  missingParen: "missing closing )",
  missingRepeatArgument: "missing argument to repetition operator",
  trailingBackslash: "trailing backslash at end of expression",
  unexpectedParen: "unexpected )",
  nestingDepth: "expression nests too deeply",
} as const;

export type ErrorCodeText = (typeof ErrorCode)[keyof typeof ErrorCode];

export class GoRegexpSyntaxError extends Error {
  readonly code: ErrorCodeText;
  readonly expr: string;

  constructor(code: ErrorCodeText, expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
    this.name = "GoRegexpSyntaxError";
    this.code = code;
    this.expr = expr;
  }
}

/**
 * A valid Go regexp use that Ferry cannot reproduce on JavaScript's engine. Raised instead of
 * returning an answer that would differ from ESO's.
 */
export class GoRegexpUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GoRegexpUnsupportedError";
  }
}
