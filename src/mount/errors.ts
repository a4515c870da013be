/**
 * Mount failures as the driver sees them: a gRPC status whose message names every failed object and the
 * cause, never a value. ASCP reports one generic "Failed to fetch secret from all regions" for most causes
 * (aws/secrets-store-csi-driver-provider-aws#552) and stops at the first failed object; here each failed
 * object gets its own line so one kubectl describe shows what to fix.
 */
import { status } from "@grpc/grpc-js";

/** What went wrong with one object; decides the gRPC code and whether a failover region may help. */
export type FailureKind =
  /** The SecretProviderClass parameters or the request are wrong: retrying cannot help. */
  | "invalid"
  | "not-found"
  | "access-denied"
  /** No usable pod identity: missing token attribute, no role annotation, STS refused the token. */
  | "unauthenticated"
  | "throttled"
  /** Server-side or transport failure (5xx, reset, timeout): another region or a retry may help. */
  | "unavailable"
  | "too-large";

export interface ObjectFailure {
  /** The object as the SecretProviderClass names it (objectName, or the jmesPath alias). Empty for request-wide failures. */
  object: string;
  kind: FailureKind;
  /** Sanitized cause: AWS error code and message, never a value. */
  cause: string;
}

/** Worst first: the code of the mount error is the code of its most fundamental failure. */
const PRECEDENCE: readonly FailureKind[] = ["invalid", "unauthenticated", "access-denied", "not-found", "too-large", "throttled", "unavailable"];

const GRPC_CODE: Record<FailureKind, status> = {
  invalid: status.INVALID_ARGUMENT,
  "not-found": status.NOT_FOUND,
  "access-denied": status.PERMISSION_DENIED,
  unauthenticated: status.UNAUTHENTICATED,
  // Not UNAVAILABLE: the driver retries UNAVAILABLE at once (3 attempts, 1 s backoff), which only adds load
  // to a throttled account; kubelet's own mount retry backs off further.
  throttled: status.RESOURCE_EXHAUSTED,
  unavailable: status.UNAVAILABLE,
  "too-large": status.RESOURCE_EXHAUSTED,
};

/** At most this many objects are listed in one message; the rest are counted. */
const MAX_LISTED = 10;

export class MountError extends Error {
  override readonly name = "MountError";
  readonly failures: readonly ObjectFailure[];
  readonly code: status;

  constructor(failures: readonly ObjectFailure[]) {
    super(describeFailures(failures));
    this.failures = failures;
    const worst = PRECEDENCE.find((kind) => failures.some((f) => f.kind === kind)) ?? "unavailable";
    this.code = GRPC_CODE[worst];
  }

  /** A failure of the whole request (bad attributes, no token), not of one object. */
  static request(kind: FailureKind, cause: string): MountError {
    return new MountError([{ object: "", kind, cause }]);
  }

  static object(object: string, kind: FailureKind, cause: string): MountError {
    return new MountError([{ object, kind, cause }]);
  }
}

function describeFailures(failures: readonly ObjectFailure[]): string {
  if (failures.length === 1 && !failures[0]!.object) return `ferry: ${failures[0]!.cause}`;
  const lines = failures.slice(0, MAX_LISTED).map((f) => (f.object ? `object "${f.object}": ${f.cause}` : f.cause));
  const more = failures.length > MAX_LISTED ? `; and ${failures.length - MAX_LISTED} more` : "";
  const noun = failures.length === 1 ? "object" : "objects";
  return `ferry: ${failures.length} ${noun} failed, nothing mounted: ${lines.join("; ")}${more}`;
}
