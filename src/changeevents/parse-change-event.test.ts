import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ParsedMessage } from "./change-event.ts";
import { parseChangeMessage } from "./parse-change-event.ts";
import * as ev from "./testdata/events.ts";

const json = (o: unknown) => JSON.stringify(o);
const change = (service: "SecretsManager" | "ParameterStore", region: string, account: string | undefined, action: string, names: string[]): ParsedMessage => ({
  kind: "change",
  change: { service, region, account, action, names },
});
const SM_NAMES = ["MyTestSecret", "MyTestSecret-a1b2c3"];

describe("parseChangeMessage", () => {
  const cases: Array<{ name: string; body: string; want: ParsedMessage }> = [
    { name: "PutSecretValue by name", body: json(ev.putSecretValue), want: change("SecretsManager", "us-west-2", "123456789012", "PutSecretValue", SM_NAMES) },
    { name: "UpdateSecret with the old aRN key", body: json(ev.updateSecretOldARNKey), want: change("SecretsManager", "us-west-2", "123456789012", "UpdateSecret", SM_NAMES) },
    { name: "UpdateSecretVersionStage", body: json(ev.updateSecretVersionStage), want: change("SecretsManager", "us-west-2", "123456789012", "UpdateSecretVersionStage", SM_NAMES) },
    { name: "RotateSecret", body: json(ev.rotateSecret), want: change("SecretsManager", "us-west-2", "123456789012", "RotateSecret", SM_NAMES) },
    { name: "RotationSucceeded (service event)", body: json(ev.rotationSucceeded), want: change("SecretsManager", "us-west-2", "123456789012", "RotationSucceeded", SM_NAMES) },
    { name: "DeleteSecret", body: json(ev.deleteSecret), want: change("SecretsManager", "us-west-2", "123456789012", "DeleteSecret", SM_NAMES) },
    { name: "RestoreSecret", body: json(ev.restoreSecret), want: change("SecretsManager", "us-west-2", "123456789012", "RestoreSecret", SM_NAMES) },
    { name: "TagResource by ARN", body: json(ev.tagResource), want: change("SecretsManager", "us-west-2", "123456789012", "TagResource", SM_NAMES) },
    { name: "China detail-type and partition", body: json(ev.putSecretValueChina), want: change("SecretsManager", "cn-north-1", "123456789012", "PutSecretValue", SM_NAMES) },
    { name: "moto's envelope without account", body: json(ev.motoPutSecretValue), want: change("SecretsManager", "us-east-1", undefined, "PutSecretValue", ["app/db"]) },
    { name: "Parameter Store Change, one-level name", body: json(ev.parameterCreate), want: change("ParameterStore", "us-east-1", "123456789012", "Create", ["foo", "/foo"]) },
    { name: "Parameter Store Change, hierarchical", body: json(ev.parameterUpdateHierarchical), want: change("ParameterStore", "us-east-1", "123456789012", "Update", ["/app/prod/db-url"]) },
    { name: "Parameter Store delete", body: json(ev.parameterDelete), want: change("ParameterStore", "us-east-1", "123456789012", "Delete", ["/app/prod/db-url"]) },
    { name: "Parameter Store label", body: json(ev.parameterLabel), want: change("ParameterStore", "us-east-1", "123456789012", "LabelParameterVersion", ["/app/prod/db-url"]) },
    {
      name: "through SNS",
      body: json({ Type: "Notification", MessageId: "m", TopicArn: "arn:aws:sns:us-west-2:123456789012:t", Message: json(ev.putSecretValue) }),
      want: change("SecretsManager", "us-west-2", "123456789012", "PutSecretValue", SM_NAMES),
    },
    { name: "a read is ignored", body: json(ev.getSecretValue), want: { kind: "ignored", reason: "eventName GetSecretValue" } },
    { name: "a failed call is ignored", body: json(ev.failedPutSecretValue), want: { kind: "ignored", reason: "PutSecretValue failed" } },
    { name: "a policy action is ignored", body: json(ev.parameterPolicyAction), want: { kind: "ignored", reason: "detail-type Parameter Store Policy Action" } },
    { name: "another service is ignored", body: json({ ...ev.putSecretValue, source: "aws.kms" }), want: { kind: "ignored", reason: "source aws.kms" } },
    { name: "not JSON", body: "{not json", want: { kind: "malformed", reason: "body is not JSON" } },
    { name: "a JSON array", body: "[1]", want: { kind: "malformed", reason: "body is not a JSON object" } },
    { name: "no detail-type", body: json({ source: "aws.ssm", detail: {} }), want: { kind: "malformed", reason: "not an EventBridge event (no source or detail-type)" } },
    { name: "no detail", body: json({ ...ev.putSecretValue, detail: "x" }), want: { kind: "malformed", reason: "aws.secretsmanager event without a detail object" } },
    { name: "no eventName", body: json({ ...ev.putSecretValue, detail: {} }), want: { kind: "malformed", reason: "CloudTrail event without eventName" } },
    {
      name: "names no secret",
      body: json({ ...ev.putSecretValue, detail: { eventName: "PutSecretValue", requestParameters: {}, responseElements: null } }),
      want: { kind: "malformed", reason: "PutSecretValue event names no secret" },
    },
    { name: "no region", body: json({ ...ev.motoPutSecretValue, region: undefined }), want: { kind: "malformed", reason: "PutSecretValue event without a region" } },
    { name: "parameter without operation", body: json({ ...ev.parameterCreate, detail: { name: "foo" } }), want: { kind: "malformed", reason: "Parameter Store Change without operation" } },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(parseChangeMessage(c.body), c.want));
  }

  test("an ARN of another service in a Secrets Manager event is not taken as a name", () => {
    const body = json({ ...ev.motoPutSecretValue, detail: { eventName: "PutSecretValue", requestParameters: { secretId: "arn:aws:kms:us-east-1:1:key/x" } } });
    assert.equal(parseChangeMessage(body).kind, "malformed");
  });

  test("the parse result never carries a value from the event", () => {
    const canary = "CANARY-value-7f3a";
    const body = json({ ...ev.putSecretValue, detail: { ...ev.putSecretValue.detail, requestParameters: { secretId: "MyTestSecret", secretString: canary } } });
    assert.doesNotMatch(JSON.stringify(parseChangeMessage(body)), /CANARY/);
    assert.doesNotMatch(JSON.stringify(parseChangeMessage(`{"source":"${canary}"`)), /CANARY/);
  });

  test("an oversized body is malformed without being parsed", () => {
    assert.equal(parseChangeMessage("x".repeat((1 << 20) + 1)).kind, "malformed");
  });
});
