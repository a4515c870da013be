/**
 * AWS errors become the provider errors the sync layer understands, with messages that name the key and
 * the AWS error code and never carry a secret: request ids and signature fragments (`Credential=…`,
 * `Signature=…`) are stripped as ESO's SanitizeErr does (providers/v1/aws/util/errors.go), tokens and
 * access key ids are masked, and every credential the store's chain has handled is redacted by value.
 * The original SDK error is not attached as `cause`: it holds the raw HTTP response.
 */
import { AccessDeniedError, InvalidStoreError, NoSecretError, ProviderUnavailableError, ThrottledError } from "../provider.ts";

export type AwsErrorKind =
  /** The secret or parameter does not exist, or is scheduled for deletion. */
  | "not-found"
  | "access-denied"
  | "throttled"
  /** AWS rejected the credentials themselves: rotated or expired keys, a bad signature. */
  | "credentials-rejected"
  /** No credentials could be obtained (SDK default chain empty). */
  | "no-credentials"
  | "invalid-request"
  /** AWS or the network failed transiently: a 5xx, a reset or refused connection, a timeout. */
  | "unavailable"
  /**
   * Already a provider error, raised by Ferry's own credential chain (a missing auth Secret, a denied
   * AssumeRole) and passed through the SDK's credential provider: the whole call failed, as is.
   */
  | "provider"
  | "other";

export interface AwsErrorInfo {
  code: string;
  kind: AwsErrorKind;
  /** Sanitized; safe to log. */
  message: string;
}

const NOT_FOUND = new Set(["ResourceNotFoundException", "ParameterNotFound", "ParameterVersionNotFound", "InvalidResourceId"]);
const ACCESS_DENIED = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "KMSAccessDeniedException"]);
const THROTTLED = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
]);
const CREDENTIALS_REJECTED = new Set([
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "ExpiredTokenException",
  "ExpiredToken",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
]);
const MARKED_FOR_DELETION = /marked (for )?delet/i;
/** Node's and undici's codes for a connection that failed or was cut, and the SDK's timeouts. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT"]);
const TIMEOUTS = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);

const MAX_REDACTED_VALUES = 64;

/** Known secret strings (credentials, tokens) to mask in every message; one per store cache entry. */
export class Redactor {
  readonly #values = new Set<string>();

  add(value: string | undefined): void {
    // Short strings would mask ordinary words; credentials are long.
    if (!value || value.length < 8) return;
    this.#values.delete(value);
    this.#values.add(value);
    // Sessions renew hourly for the life of the store: keep the most recent ones, not all of them.
    if (this.#values.size > MAX_REDACTED_VALUES) this.#values.delete(this.#values.values().next().value!);
  }

  apply(text: string): string {
    let out = text;
    for (const value of this.#values) out = out.split(value).join("<redacted>");
    return out;
  }
}

export function sanitizeAwsMessage(message: string, redactor?: Redactor): string {
  let out = redactor ? redactor.apply(message) : message;
  out = out
    .replace(/,?\s*(?:status code: \d+,\s*)?request\s*id\b:?\s*[\w-]+/gi, "")
    .replace(/\bRequestId[=:]\s*[\w-]+/g, "")
    .replace(/\bCredential=[^,\s"']+/g, "Credential=<redacted>")
    .replace(/\bSignature=[^,\s"']+/g, "Signature=<redacted>")
    .replace(/\b(X-Amz-Security-Token|SessionToken|WebIdentityToken)=[^&,\s"']+/gi, "$1=<redacted>")
    .replace(/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, "<token>")
    .replace(/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{12,}\b/g, "<access-key-id>")
    .replace(/\s+/g, " ")
    .trim();
  return out.length > 300 ? `${out.slice(0, 297)}...` : out;
}

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown };
}

export function describeAwsError(err: unknown, redactor?: Redactor): AwsErrorInfo {
  if (isProviderError(err)) return { code: err.name, kind: "provider", message: err.message };
  const e = (typeof err === "object" && err !== null ? err : {}) as SdkErrorShape;
  const rawCode = typeof e.Code === "string" ? e.Code : typeof e.name === "string" ? e.name : "UnknownError";
  const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : undefined;
  const rawMessage = typeof e.message === "string" ? e.message : String(err);
  const code = rawCode === "Error" && status !== undefined ? `HTTP${status}` : rawCode;
  const message = sanitizeAwsMessage(rawMessage, redactor);
  return { code, kind: kindOf(code, status, rawMessage, e), message };
}

function kindOf(code: string, status: number | undefined, message: string, e: SdkErrorShape): AwsErrorKind {
  if (NOT_FOUND.has(code)) return "not-found";
  if ((code === "InvalidRequestException" || code === "InvalidParameterException") && MARKED_FOR_DELETION.test(message)) return "not-found";
  if (THROTTLED.has(code) || status === 429 || e.$retryable?.throttling === true) return "throttled";
  if (CREDENTIALS_REJECTED.has(code)) return "credentials-rejected";
  if (ACCESS_DENIED.has(code) || status === 403) return "access-denied";
  if (code === "CredentialsProviderError") return "no-credentials";
  if (code === "ValidationException" || code === "InvalidParameterException" || code === "InvalidRequestException") return "invalid-request";
  if ((status !== undefined && status >= 500) || TIMEOUTS.has(code) || (typeof e.code === "string" && NETWORK_CODES.has(e.code))) return "unavailable";
  return "other";
}

/**
 * The error for one secret or parameter (`subject`, e.g. `secret "app/db"`): missing → NoSecretError for
 * `key`, which drives deletionPolicy; denied → AccessDeniedError; and so on.
 */
export function itemError(err: unknown, key: string, subject: string, redactor?: Redactor): Error {
  const info = describeAwsError(err, redactor);
  if (info.kind === "not-found") return new NoSecretError(key, `${subject} not found (${info.code})`);
  if (err instanceof AccessDeniedError || err instanceof ThrottledError || err instanceof InvalidStoreError || err instanceof ProviderUnavailableError) return err;
  return callError(err, subject, redactor);
}

/** The error for a whole call (`what`, e.g. `BatchGetSecretValue` or `assume role arn:…`). */
export function callError(err: unknown, what: string, redactor?: Redactor): Error {
  if (isProviderError(err)) return err;
  const info = describeAwsError(err, redactor);
  const text = `${what}: ${info.code}: ${info.message}`;
  switch (info.kind) {
    case "throttled":
      return new ThrottledError(`${text} (still throttled after the SDK's retries)`);
    case "access-denied":
    case "credentials-rejected":
      return new AccessDeniedError(text);
    case "no-credentials":
      return new InvalidStoreError(`${what}: no AWS credentials: ${info.message}`);
    case "unavailable":
      return new ProviderUnavailableError(text);
    default:
      return new Error(text);
  }
}

function isProviderError(err: unknown): err is NoSecretError | AccessDeniedError | ThrottledError | InvalidStoreError | ProviderUnavailableError {
  return (
    err instanceof NoSecretError ||
    err instanceof AccessDeniedError ||
    err instanceof ThrottledError ||
    err instanceof InvalidStoreError ||
    err instanceof ProviderUnavailableError
  );
}

/** Whether a failure concerns the whole call (every id in it), not one secret. */
export function failsWholeCall(kind: AwsErrorKind): boolean {
  return kind === "throttled" || kind === "credentials-rejected" || kind === "no-credentials" || kind === "provider";
}
