import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseParameterStoreMetadata, parseSecretsManagerMetadata } from "./metadata.ts";

const envelope = (spec: Record<string, unknown>) => ({ apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata", spec });

describe("Secrets Manager metadata (ESO's defaults)", () => {
  test("none: binary, ESO's description, AWS's KMS key, managed-by", () => {
    assert.deepEqual(parseSecretsManagerMetadata(undefined), {
      ok: true,
      value: { secretPushFormat: "binary", description: "secret 'managed-by:external-secrets'", kmsKeyId: undefined, tags: { "managed-by": "external-secrets" }, resourcePolicy: undefined },
    });
  });
  test("resourcePolicy (ESO's newer ResourcePolicySpec): blockPublicPolicy and the policy's source", () => {
    const r = parseSecretsManagerMetadata(envelope({ resourcePolicy: { blockPublicPolicy: true, policySourceRef: { kind: "ConfigMap", name: "policies", key: "db.json" } } }));
    assert.ok(r.ok);
    assert.deepEqual(r.value.resourcePolicy, { blockPublicPolicy: true, policySourceRef: { kind: "ConfigMap", name: "policies", key: "db.json" } });
  });
  test("everything set", () => {
    const r = parseSecretsManagerMetadata(envelope({ secretPushFormat: "string", description: "d", kmsKeyId: "alias/k", tags: { team: "t" } }));
    assert.deepEqual(r, { ok: true, value: { secretPushFormat: "string", description: "d", kmsKeyId: "alias/k", tags: { team: "t", "managed-by": "external-secrets" }, resourcePolicy: undefined } });
  });
  const refused: Array<[string, unknown, RegExp]> = [
    ["a managed-by tag", envelope({ tags: { "managed-by": "me" } }), /Cannot specify a 'managed-by' tag/],
    ["an unknown spec field", envelope({ secretType: "String" }), /unknown field "secretType"/],
    ["an unknown push format", envelope({ secretPushFormat: "text" }), /invalid secret push format/],
    ["another kind", { apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "Other", spec: {} }, /unexpected kind "Other", expected "PushSecretMetadata"/],
    ["no apiVersion (ESO requires it)", { kind: "PushSecretMetadata", spec: {} }, /unexpected apiVersion ""/],
    ["resourcePolicy without its source (ESO fails every update on it)", envelope({ resourcePolicy: { blockPublicPolicy: true } }), /resourcePolicy\.policySourceRef is required/],
    ["a policy source of another kind (ESO's message)", envelope({ resourcePolicy: { policySourceRef: { kind: "Namespace", name: "n", key: "k" } } }), /^unsupported PolicySourceRef kind: Namespace \(must be ConfigMap or Secret\)$/],
    ["a policy source without a key", envelope({ resourcePolicy: { policySourceRef: { kind: "Secret", name: "n" } } }), /policySourceRef\.key is required/],
    ["a misspelt policy field", envelope({ resourcePolicy: { blockPublic: true, policySourceRef: { kind: "Secret", name: "n", key: "k" } } }), /unknown field "blockPublic"/],
    ["replicationLocations (not implemented)", envelope({ replicationLocations: ["eu-west-1"] }), /replicationLocations is not supported by Ferry yet/],
    ["a tag that is not a string", envelope({ tags: { a: 1 } }), /tags.a must be a string/],
  ];
  for (const [name, input, message] of refused) {
    test(`refuses ${name}`, () => {
      const r = parseSecretsManagerMetadata(input);
      assert.equal(r.ok, false);
      assert.match(r.ok ? "" : r.error, message);
    });
  }
});

describe("Parameter Store metadata (ESO's defaults)", () => {
  test("none: String, Standard, alias/aws/ssm, ESO's description", () => {
    assert.deepEqual(parseParameterStoreMetadata(undefined), {
      ok: true,
      value: { secretType: "String", kmsKeyId: "alias/aws/ssm", tier: { type: "Standard", policies: undefined }, encodeAsDecoded: false, description: "secret 'managed-by:external-secrets'", tags: { "managed-by": "external-secrets" } },
    });
  });
  test("SecureString with an Advanced tier and policies", () => {
    const r = parseParameterStoreMetadata(envelope({ secretType: "SecureString", kmsKeyID: "k", tier: { type: "Advanced", policies: [{ Type: "Expiration" }] }, encodeAsDecoded: true }));
    assert.ok(r.ok);
    assert.deepEqual(r.value.tier, { type: "Advanced", policies: '[{"Type":"Expiration"}]' });
    assert.equal(r.value.kmsKeyId, "k");
    assert.equal(r.value.encodeAsDecoded, true);
  });
  test("refuses the Secrets Manager field secretPushFormat", () => assert.equal(parseParameterStoreMetadata(envelope({ secretPushFormat: "string" })).ok, false));
  test("refuses an unknown secretType", () => assert.equal(parseParameterStoreMetadata(envelope({ secretType: "Binary" })).ok, false));
});
