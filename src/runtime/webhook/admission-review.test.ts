import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AdmissionReviewError, admissionResponseReview, parseAdmissionReview, pointerToken } from "./admission-review.ts";

const request = {
  uid: "705ab4f5-6393-11e8-b7cc-42010a800002",
  kind: { group: "", version: "v1", kind: "Secret" },
  resource: { group: "", version: "v1", resource: "secrets" },
  namespace: "team-a",
  name: "db",
  operation: "CREATE",
  userInfo: { username: "alice" },
  object: { data: { password: "c2VjcmV0" } },
  dryRun: false,
};
const review = (overrides: Record<string, unknown> = {}, requestOverrides: Record<string, unknown> = {}) => ({
  apiVersion: "admission.k8s.io/v1",
  kind: "AdmissionReview",
  request: { ...request, ...requestOverrides },
  ...overrides,
});

describe("parseAdmissionReview", () => {
  test("accepts a v1 review and keeps the request as sent", () => {
    const parsed = parseAdmissionReview(review());
    assert.equal(parsed.uid, request.uid);
    assert.equal(parsed.operation, "CREATE");
    assert.deepEqual(parsed.object, request.object);
  });

  test("refuses what the server cannot answer, naming the field and never echoing the body", () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ["not an object", "x", /not a JSON object/],
      ["v1beta1", review({ apiVersion: "admission.k8s.io/v1beta1" }), /admissionReviewVersions: \["v1"\]/],
      ["other kind", review({ kind: "Pod" }), /kind must be AdmissionReview/],
      ["no request", review({ request: undefined }), /request is missing/],
      ["no uid", review({}, { uid: "" }), /request.uid/],
      ["bad operation", review({}, { operation: "PATCH" }), /request.operation/],
      ["no kind", review({}, { kind: undefined }), /request.kind/],
    ];
    for (const [name, body, message] of cases) {
      assert.throws(() => parseAdmissionReview(body), (err: Error) => {
        assert.ok(err instanceof AdmissionReviewError, name);
        assert.match(err.message, message, name);
        assert.doesNotMatch(err.message, /c2VjcmV0/, name);
        return true;
      });
    }
  });
});

describe("admissionResponseReview", () => {
  test("echoes the uid and encodes patches, denials, warnings and audit annotations", () => {
    const patch = [{ op: "add" as const, path: "/metadata/annotations", value: { a: "b" } }];
    const cases = [
      { decision: { allowed: true as const }, response: { uid: "u", allowed: true } },
      { decision: { allowed: true as const, patch: [] }, response: { uid: "u", allowed: true } },
      {
        decision: { allowed: true as const, patch, warnings: ["w"], auditAnnotations: { version: "v1" } },
        response: { uid: "u", allowed: true, patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(patch)).toString("base64"), warnings: ["w"], auditAnnotations: { version: "v1" } },
      },
      {
        decision: { allowed: false as const, code: 403, reason: "Forbidden", message: "no" },
        response: { uid: "u", allowed: false, status: { code: 403, reason: "Forbidden", message: "no" } },
      },
    ];
    for (const c of cases) {
      assert.deepEqual(admissionResponseReview("u", c.decision), { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: c.response });
    }
  });

  test("pointerToken escapes annotation keys for JSON pointers", () => {
    assert.equal(pointerToken("ferry.dev/write-through"), "ferry.dev~1write-through");
    assert.equal(pointerToken("a~b/c"), "a~0b~1c");
  });
});
