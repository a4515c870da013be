import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AccessDeniedError, InvalidStoreError, NoSecretError, ThrottledError } from "../provider.ts";
import { Redactor, callError, describeAwsError, itemError, sanitizeAwsMessage } from "./errors.ts";
import { awsError } from "./fake-aws-error.ts";

// Planted canaries: none of these may survive into a message.
const CANARY_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARY0001";
const CANARY_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ";
const CANARY_SESSION = "IQoJb3JpZ2luX2VjEJr//////////wEaCWNhbmFyeS1zZXNzaW9uLXRva2Vu";
const CANARY_ACCESS_KEY = "ASIACANARY0000000042";

describe("AWS errors", () => {
  test("messages lose request ids, signature fragments, tokens, key ids and known credentials", () => {
    const redactor = new Redactor();
    redactor.add(CANARY_SECRET_KEY);
    redactor.add(CANARY_SESSION);
    const raw = [
      "The security token included in the request is invalid.",
      `Credential=${CANARY_ACCESS_KEY}/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=abcdef0123456789`,
      `token ${CANARY_TOKEN} rejected;`,
      `secret ${CANARY_SECRET_KEY} session ${CANARY_SESSION}`,
      "status code: 400, request id: 4f1f6a7e-1c3b-4b1a-9d1e-2a7c3e5b6f70",
      "RequestId: 9d1e2a7c-3e5b",
    ].join(" ");
    const clean = sanitizeAwsMessage(raw, redactor);
    for (const canary of [CANARY_SECRET_KEY, CANARY_TOKEN, CANARY_SESSION, CANARY_ACCESS_KEY, "abcdef0123456789", "4f1f6a7e", "9d1e2a7c"]) {
      assert.ok(!clean.includes(canary), `${canary} leaked: ${clean}`);
    }
    assert.match(clean, /security token included in the request is invalid/);
    assert.match(clean, /Credential=<redacted>/);
  });

  test("classifies AWS error codes", () => {
    const cases: Array<[Error, string]> = [
      [awsError("ResourceNotFoundException"), "not-found"],
      [awsError("ParameterNotFound"), "not-found"],
      [awsError("ParameterVersionNotFound"), "not-found"],
      [awsError("InvalidResourceId"), "not-found"],
      [awsError("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion."), "not-found"],
      [awsError("InvalidRequestException", "You tried to perform the operation on a secret that's currently marked deleted."), "not-found"],
      [awsError("InvalidRequestException", "something else"), "invalid-request"],
      [awsError("AccessDeniedException"), "access-denied"],
      [awsError("Error", "", 403), "access-denied"],
      [awsError("ThrottlingException"), "throttled"],
      [awsError("Whatever", "", 429), "throttled"],
      [awsError("UnrecognizedClientException"), "credentials-rejected"],
      [awsError("InvalidSignatureException"), "credentials-rejected"],
      [awsError("ExpiredTokenException"), "credentials-rejected"],
      [awsError("CredentialsProviderError"), "no-credentials"],
      [awsError("ValidationException"), "invalid-request"],
      [new InvalidStoreError("x"), "provider"],
      [awsError("InternalServiceError", "", 500), "unavailable"],
      [awsError("HTTP503", "", 503), "unavailable"],
      [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }), "unavailable"],
      [awsError("TimeoutError", "socket timed out", 0), "unavailable"],
      [awsError("SomethingNew", "", 400), "other"],
    ];
    for (const [err, kind] of cases) assert.equal(describeAwsError(err).kind, kind, `${err.name}: ${err.message}`);
  });

  test("maps to provider errors that name the key and the AWS code", () => {
    const missing = itemError(awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret."), "db", 'secret "team/db"');
    assert.ok(missing instanceof NoSecretError);
    assert.equal(missing.key, "db");
    assert.match(missing.message, /^db: secret "team\/db" not found \(ResourceNotFoundException\)$/);

    const cases: Array<[Error, new (...args: never[]) => Error]> = [
      [awsError("ThrottlingException", "Rate exceeded"), ThrottledError],
      [awsError("AccessDeniedException", "not authorized"), AccessDeniedError],
      [awsError("UnrecognizedClientException", "bad key"), AccessDeniedError],
      [awsError("CredentialsProviderError", "Could not load credentials from any providers"), InvalidStoreError],
    ];
    for (const [err, type] of cases) {
      const mapped = callError(err, "BatchGetSecretValue");
      assert.ok(mapped instanceof type, `${err.name} -> ${mapped.name}`);
      assert.match(mapped.message, /^BatchGetSecretValue: /);
    }
    const denied = itemError(awsError("AccessDeniedException", "User is not authorized"), "k", 'secret "k"');
    assert.equal(denied.message, 'secret "k": AccessDeniedException: User is not authorized');
  });

  test("provider errors from the credential chain pass through unchanged", () => {
    const original = new InvalidStoreError("spec.provider.aws.auth.secretRef.accessKeyIDSecretRef: secret x/y: not found");
    assert.equal(callError(original, "GetParameters"), original);
    assert.equal(itemError(original, "k", "parameter k"), original);
  });

  test("the SDK's raw error object is not attached", () => {
    const sdkError = Object.assign(awsError("AccessDeniedException", "denied"), { $response: { headers: { authorization: CANARY_TOKEN } } });
    const mapped = callError(sdkError, "GetSecretValue");
    assert.equal(mapped.cause, undefined);
    assert.ok(!JSON.stringify({ ...mapped, message: mapped.message, stack: mapped.stack }).includes(CANARY_TOKEN));
  });
});
