import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isTransientKubeError } from "./kube-errors.ts";
import { KubeApiError } from "./kube-request.ts";

// Deadlines and aborts of the controller's own client: src/runtime/kube/kube-client.test.ts.
describe("isTransientKubeError", () => {
  const refused = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
  const cases: Array<[string, unknown, boolean]> = [
    ["connection refused (undici)", refused, true],
    ["fetch failed without a cause", new TypeError("fetch failed"), true],
    ["a deadline", Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" }), true],
    ["500", new KubeApiError(500, "InternalError", "x"), true],
    ["503 from a raw request", new KubeApiError(503, "ServiceUnavailable", "unavailable"), true],
    ["429", new KubeApiError(429, "TooManyRequests", "x"), true],
    ["409 conflict", new KubeApiError(409, "Conflict", "x"), false],
    ["403 forbidden", new KubeApiError(403, "Forbidden", "forbidden"), false],
    ["422 invalid", new KubeApiError(422, "Invalid", "x"), false],
    ["a network error from node:https", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6443"), { code: "ECONNREFUSED" }), true],
    ["a deadline abort from node:https", Object.assign(new Error("The operation was aborted"), { name: "AbortError", code: "ABORT_ERR" }), true],
    ["a provider error", new Error("BatchGetSecretValue: InternalServiceError: boom"), false],
    ["a wrapped refusal", new Error("write failed", { cause: refused }), true],
  ];
  for (const [name, err, transient] of cases) {
    test(`${name}: ${transient ? "transient" : "not transient"}`, () => assert.equal(isTransientKubeError(err), transient));
  }
});
