import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isConflict, isNotFound, kubeApiError, kubeStatusCode, KubeApiError } from "./api-error.ts";

describe("kubeApiError", () => {
  const cases: Array<{ name: string; status: number; body: string; message: string; reason?: string }> = [
    {
      name: "a Status: reason and message",
      status: 404,
      body: JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", message: 'secrets "db" not found', code: 404 }),
      message: 'GET /api/v1/namespaces/a/secrets/db: HTTP 404: secrets "db" not found',
      reason: "NotFound",
    },
    {
      name: "a conflict",
      status: 409,
      body: JSON.stringify({ kind: "Status", reason: "Conflict", message: "the object has been modified" }),
      message: "GET /api/v1/namespaces/a/secrets/db: HTTP 409: the object has been modified",
      reason: "Conflict",
    },
    { name: "not JSON (a proxy's page)", status: 502, body: "<html>bad gateway</html>", message: "GET /api/v1/namespaces/a/secrets/db: HTTP 502" },
    { name: "JSON that is not a Status (an echoed object) is never quoted", status: 422, body: JSON.stringify({ kind: "Secret", data: { password: "c2VjcmV0" } }), message: "GET /api/v1/namespaces/a/secrets/db: HTTP 422" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const err = kubeApiError("GET", "/api/v1/namespaces/a/secrets/db", c.status, c.body);
      assert.ok(err instanceof KubeApiError);
      assert.equal(err.statusCode, c.status);
      assert.equal(err.message, c.message);
      assert.equal(err.reason, c.reason);
      assert.ok(!JSON.stringify({ ...err, message: err.message }).includes("c2VjcmV0"));
    });
  }
});

describe("kubeStatusCode", () => {
  const cases: Array<{ name: string; err: unknown; status: number | undefined }> = [
    { name: "KubeApiError", err: new KubeApiError(404, "NotFound", "x"), status: 404 },
    { name: "a watch failure's statusCode", err: Object.assign(new Error("Gone"), { statusCode: 410 }), status: 410 },
    { name: "a network error", err: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), status: undefined },
    { name: "not an error", err: "boom", status: undefined },
  ];
  for (const c of cases) test(c.name, () => assert.equal(kubeStatusCode(c.err), c.status));

  test("isNotFound and isConflict", () => {
    assert.equal(isNotFound(new KubeApiError(404, undefined, "")), true);
    assert.equal(isNotFound(new KubeApiError(409, undefined, "")), false);
    assert.equal(isConflict(new KubeApiError(409, undefined, "")), true);
  });
});
