/**
 * admission.k8s.io/v1 AdmissionReview: the request the apiserver sends a webhook and the response it
 * expects (k8s.io/api/admission/v1/types.go). Only v1 is spoken: v1beta1 went with Kubernetes 1.22's
 * admissionregistration v1beta1, and a configuration asks for v1 with `admissionReviewVersions: ["v1"]`.
 */

export const ADMISSION_API_VERSION = "admission.k8s.io/v1";

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AdmissionRequest {
  /** Identifies this call (not the user's request): echoed in the response. */
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource?: string;
  requestKind?: GroupVersionKind;
  requestResource?: GroupVersionResource;
  requestSubResource?: string;
  /** Absent on CREATE when the client asked for generateName. */
  name?: string;
  namespace?: string;
  operation: Operation;
  userInfo: UserInfo;
  /** The new object (CREATE, UPDATE); absent on DELETE. On CREATE it has no uid yet. */
  object?: unknown;
  /** The existing object (UPDATE, DELETE). */
  oldObject?: unknown;
  /** True for `--dry-run=server`: a webhook with `sideEffects: NoneOnDryRun` must then cause no side effect. */
  dryRun?: boolean;
  /** CreateOptions, UpdateOptions, PatchOptions or DeleteOptions. */
  options?: unknown;
}

/** One RFC 6902 operation. */
export type JsonPatchOperation =
  | { op: "add" | "replace" | "test"; path: string; value: unknown }
  | { op: "remove"; path: string };

/** What a handler decides. The server turns it into the AdmissionResponse. */
export type AdmissionDecision =
  | {
      allowed: true;
      patch?: JsonPatchOperation[] | undefined;
      /** Shown to the client (kubectl prints them), at most a few short lines. */
      warnings?: string[] | undefined;
      /** Recorded in the audit event, keyed `<webhook name>/<key>` by the apiserver. */
      auditAnnotations?: Record<string, string> | undefined;
    }
  | {
      allowed: false;
      /** HTTP-like code in the Status: 403 for a refusal, 400 for a bad object, 503 when a dependency is down. */
      code: number;
      /** A Status reason, e.g. Forbidden, Invalid, ServiceUnavailable. */
      reason: string;
      /** What the user reads after "admission webhook … denied the request:". Never object contents. */
      message: string;
      warnings?: string[] | undefined;
      auditAnnotations?: Record<string, string> | undefined;
    };

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; reason: string; message: string };
  patchType?: "JSONPatch";
  /** base64 of the JSON patch. */
  patch?: string;
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

export class AdmissionReviewError extends Error {
  override readonly name = "AdmissionReviewError";
}

const OPERATIONS = new Set<Operation>(["CREATE", "UPDATE", "DELETE", "CONNECT"]);

/**
 * The request of an AdmissionReview body, checked for what the server relies on. Errors name the field,
 * never echo the body (it holds the object, e.g. a Secret's data).
 */
export function parseAdmissionReview(body: unknown): AdmissionRequest {
  if (typeof body !== "object" || body === null) throw new AdmissionReviewError("body is not a JSON object");
  const review = body as { apiVersion?: unknown; kind?: unknown; request?: unknown };
  if (review.kind !== "AdmissionReview") throw new AdmissionReviewError("kind must be AdmissionReview");
  if (review.apiVersion !== ADMISSION_API_VERSION) {
    throw new AdmissionReviewError(`apiVersion must be ${ADMISSION_API_VERSION} (configure admissionReviewVersions: ["v1"])`);
  }
  const request = review.request as Partial<AdmissionRequest> | undefined;
  if (typeof request !== "object" || request === null) throw new AdmissionReviewError("request is missing");
  if (typeof request.uid !== "string" || request.uid === "") throw new AdmissionReviewError("request.uid is missing");
  if (!OPERATIONS.has(request.operation as Operation)) throw new AdmissionReviewError("request.operation is not CREATE, UPDATE, DELETE or CONNECT");
  if (typeof request.kind?.kind !== "string" || typeof request.resource?.resource !== "string") throw new AdmissionReviewError("request.kind or request.resource is missing");
  return { ...request, userInfo: request.userInfo ?? {} } as AdmissionRequest;
}

/** The AdmissionReview the apiserver expects back, echoing the request uid. */
export function admissionResponseReview(uid: string, decision: AdmissionDecision): { apiVersion: string; kind: "AdmissionReview"; response: AdmissionResponse } {
  const response: AdmissionResponse = { uid, allowed: decision.allowed };
  if (decision.allowed) {
    if (decision.patch && decision.patch.length > 0) {
      response.patchType = "JSONPatch";
      response.patch = Buffer.from(JSON.stringify(decision.patch)).toString("base64");
    }
  } else {
    response.status = { code: decision.code, reason: decision.reason, message: decision.message };
  }
  if (decision.warnings && decision.warnings.length > 0) response.warnings = decision.warnings;
  if (decision.auditAnnotations && Object.keys(decision.auditAnnotations).length > 0) response.auditAnnotations = decision.auditAnnotations;
  return { apiVersion: ADMISSION_API_VERSION, kind: "AdmissionReview", response };
}

/** A JSON pointer token (RFC 6901): `~` → `~0`, `/` → `~1`, e.g. for annotation keys with a slash. */
export function pointerToken(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}
