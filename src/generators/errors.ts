/**
 * A generator could not produce values. The message names the generator and what is wrong and never carries a
 * generated value, so it goes to status, Events and logs as is.
 */
export class GeneratorError extends Error {
  override readonly name: string = "GeneratorError";
  override readonly cause: unknown;

  constructor(message: string, cause?: unknown) {
    super(message);
    this.cause = cause;
  }
}

/**
 * The generator or its reference is wrong in a way only an edit fixes (unknown kind, wrong group, a spec that
 * does not parse, an unsupported option): reported, not retried with backoff.
 */
export class InvalidGeneratorError extends GeneratorError {
  override readonly name = "InvalidGeneratorError";
}
