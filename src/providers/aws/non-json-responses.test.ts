import assert from "node:assert/strict";
import { test } from "node:test";
import { callError } from "./errors.ts";
import { NonJsonResponseError, nonJsonBody } from "./non-json-responses.ts";

/** What the SDK throws for a response it cannot read, with the hidden $response it attaches. */
function sdkFailure(name: string, message: string, status: number, headers: Record<string, string>): Error {
  const err = Object.assign(new Error(message), { name });
  Object.defineProperty(err, "$response", { value: { statusCode: status, headers } });
  return err;
}

test("nonJsonBody: which SDK errors came from a response that was not AWS's, and what came back", () => {
  const cases: Array<{ name: string; err: unknown; want: string | undefined }> = [
    { name: "HTML page", err: sdkFailure("SyntaxError", "Unexpected token '<', \"<html><bod\"... is not valid JSON", 503, { "content-type": "text/html" }), want: "an HTML page" },
    { name: "markup without a type", err: sdkFailure("SyntaxError", "Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON", 502, {}), want: "an HTML page" },
    { name: "plain text with a length", err: sdkFailure("SyntaxError", "Unexpected token 'u'", 503, { "Content-Type": "text/plain", "Content-Length": "39" }), want: "a 39-byte text/plain body" },
    { name: "STS (XML) given an HTML page", err: sdkFailure("Error", "@aws-sdk XML parse error: unexpected content.", 503, { "content-type": "text/html" }), want: "an HTML page" },
    { name: "empty body", err: sdkFailure("Unknown", "UnknownError", 503, { "content-length": "0" }), want: "an empty body" },
    { name: "an AWS error is left alone", err: sdkFailure("InternalServiceError", "boom", 500, { "x-amzn-errortype": "InternalServiceError" }), want: undefined },
    { name: "a success status is left alone", err: sdkFailure("SyntaxError", "Unexpected token", 200, {}), want: undefined },
    { name: "no response at all", err: new Error("socket hang up"), want: undefined },
  ];
  for (const c of cases) assert.equal(nonJsonBody(c.err), c.want, c.name);
});

test("the replacement names service, operation and status, is classified by status, and carries no body", () => {
  const err = new NonJsonResponseError("SSM", "GetParameters", 503, "an HTML page");
  assert.equal(
    callError(err, "GetParameters").message,
    "GetParameters: HTTP503: SSM GetParameters answered HTTP 503 (Service Unavailable) with an HTML page, not an AWS API response (a proxy or load balancer in between?)",
  );
  assert.equal(callError(new NonJsonResponseError("SSM", "GetParameters", 429, "an empty body"), "GetParameters").name, "ThrottledError");
});
