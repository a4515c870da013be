import { test } from "node:test";
import assert from "node:assert/strict";
import type { StoreContext } from "../provider.ts";
import { jwtAuth, roleArn, secretRefAuth, storeSpec } from "./spec-builders.ts";
import type { AwsStoreSpec } from "./spec.ts";
import { validateAwsStore } from "./validate-store.ts";

const P = "spec.provider.aws";

test("valid specs pass", () => {
  const cases: AwsStoreSpec[] = [
    storeSpec(),
    storeSpec({ service: "ParameterStore", region: "us-gov-west-1" }),
    storeSpec({ region: "cn-north-1", auth: secretRefAuth("aws", { sessionToken: true }) }),
    storeSpec({ region: "eusc-de-east-1", auth: jwtAuth("sa", { audiences: ["x"] }) }),
    storeSpec({ role: roleArn("r"), additionalRoles: [roleArn("a", "111111111111")], externalID: "ext-1", sessionTags: [{ key: "k", value: "v" }], transitiveTagKeys: ["k"] }),
    storeSpec({ role: "arn:aws-us-gov:iam::123456789012:role/path/to/role" }),
    storeSpec({ secretsManager: { recoveryWindowInDays: 7 } }, { maxRetries: 5, retryInterval: "10s" }),
  ];
  for (const spec of cases) assert.deepEqual(validateAwsStore(spec), { errors: [], warnings: [] }, JSON.stringify(spec));
});

test("invalid specs are rejected with the field path", () => {
  const cases: Array<{ spec: AwsStoreSpec; store?: StoreContext; error: string }> = [
    { spec: storeSpec({ region: "" }), error: `${P}.region: required` },
    { spec: storeSpec({ region: "Europe" }), error: `${P}.region: "Europe" is not an AWS region (e.g. eu-west-1)` },
    { spec: storeSpec({ service: "CertificateManager" as "SecretsManager" }), error: `${P}.service: CertificateManager is not supported by Ferry (SecretsManager or ParameterStore)` },
    { spec: storeSpec({ auth: { ...secretRefAuth("a"), ...jwtAuth("b") } }), error: `${P}.auth: set only one of secretRef and jwt` },
    {
      spec: storeSpec({ auth: { secretRef: { accessKeyIDSecretRef: { name: "aws" }, secretAccessKeySecretRef: { name: "aws", key: "s" } } } }),
      error: `${P}.auth.secretRef.accessKeyIDSecretRef.key: required`,
    },
    { spec: storeSpec({ auth: { secretRef: { accessKeyIDSecretRef: { name: "a", key: "k" } } } }), error: `${P}.auth.secretRef.secretAccessKeySecretRef: required` },
    { spec: storeSpec({ auth: { jwt: {} } }), error: `${P}.auth.jwt.serviceAccountRef: required` },
    {
      spec: storeSpec({ auth: secretRefAuth("aws", { namespace: "other" }) }),
      store: { kind: "SecretStore", namespace: "mine" },
      error: `${P}.auth.secretRef.accessKeyIDSecretRef.namespace: a SecretStore can only reference its own namespace "mine"`,
    },
    { spec: storeSpec({ role: "my-role" }), error: `${P}.role: "my-role" is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)` },
    { spec: storeSpec({ additionalRoles: [roleArn("ok"), "arn:aws:iam::123:role/short"] }), error: `${P}.additionalRoles[1]: "arn:aws:iam::123:role/short" is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)` },
    { spec: storeSpec({ role: roleArn("r"), sessionTags: [{ key: "a", value: "1" }], transitiveTagKeys: ["b"] }), error: `${P}.transitiveTagKeys[0]: "b" is not a key of ${P}.sessionTags (STS requires it)` },
    { spec: storeSpec({ role: roleArn("r"), sessionTagsPolicy: "Custom", customSessionTags: { esoNamespace: "x" } }), error: `${P}.customSessionTags.esoNamespace: reserved (esoNamespace, esoStoreName, esoStoreKind are set by the operator)` },
    { spec: storeSpec({ secretsManager: { recoveryWindowInDays: 3 } }), error: `${P}.secretsManager.recoveryWindowInDays: must be an integer from 7 to 30` },
    { spec: storeSpec({ secretsManager: { recoveryWindowInDays: 10, forceDeleteWithoutRecovery: true } }), error: `${P}.secretsManager: set forceDeleteWithoutRecovery or recoveryWindowInDays, not both` },
    { spec: storeSpec({}, { maxRetries: -1 }), error: "spec.retrySettings.maxRetries: must be a non-negative integer" },
    { spec: storeSpec({}, { retryInterval: "10" }), error: 'spec.retrySettings.retryInterval: "10" is not a duration (e.g. "10s")' },
  ];
  for (const { spec, store, error } of cases) {
    const { errors } = validateAwsStore(spec, store);
    assert.equal(errors[0], error);
  }
});

test("settings that would be ignored are warnings", () => {
  const cases: Array<{ spec: AwsStoreSpec; warning: RegExp }> = [
    { spec: storeSpec({ auth: {} }), warning: /auth: empty; the SDK default credential chain/ },
    { spec: storeSpec({ externalID: "ext-1" }), warning: /externalID: used only when assuming spec.provider.aws.role/ },
    { spec: storeSpec({ sessionTags: [{ key: "k", value: "v" }] }), warning: /sessionTags: used only when assuming/ },
    { spec: storeSpec({ sessionTagsPolicy: "Simple" }), warning: /sessionTagsPolicy: used only when assuming/ },
    { spec: storeSpec({ role: roleArn("r"), customSessionTags: { a: "b" } }), warning: /customSessionTags: used only with sessionTagsPolicy: Custom/ },
  ];
  for (const { spec, warning } of cases) {
    const { errors, warnings } = validateAwsStore(spec);
    assert.deepEqual(errors, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, warning);
  }
});
