// Proves the AWS side is real: AWS SDK v3 clients, configured only through the SDK's standard
// AWS_ENDPOINT_URL variable, round-trip through the fault proxy to moto, and every call is counted.
import { before, after, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { GetParametersCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { TestEnvironment, faults, type FaultProxy } from "../../env/index.ts";

const env = TestEnvironment.load();
let proxy: FaultProxy;

before(async () => {
  proxy = await env.startAwsProxy();
  env.useAws(proxy.url);
});
after(async () => {
  await proxy.close();
});

describe("moto through the fault proxy", () => {
  test("Secrets Manager and SSM calls round-trip and are counted by action", async () => {
    // No endpoint in code: the SDK reads AWS_ENDPOINT_URL, as Ferry does in production.
    const sm = new SecretsManagerClient({});
    const ssm = new SSMClient({});
    proxy.resetCounts();

    await sm.send(new CreateSecretCommand({ Name: "app/db", SecretString: JSON.stringify({ password: "pw1" }) }));
    await sm.send(new CreateSecretCommand({ Name: "app/api", SecretString: "token-1" }));
    const one = await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }));
    assert.deepEqual(JSON.parse(one.SecretString!), { password: "pw1" });

    const batch = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: ["app/db", "app/api", "app/missing"] }));
    assert.deepEqual(batch.SecretValues?.map((v) => v.Name).sort(), ["app/api", "app/db"]);
    assert.equal(batch.Errors?.[0]?.SecretId, "app/missing");

    const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: "name", Values: ["app/"] }] }));
    assert.equal(listed.SecretList?.length, 2);

    await ssm.send(new PutParameterCommand({ Name: "/app/region", Value: "eu-west-1", Type: "String" }));
    await ssm.send(new PutParameterCommand({ Name: "/app/key", Value: "s3cr3t", Type: "SecureString" }));
    const params = await ssm.send(new GetParametersCommand({ Names: ["/app/region", "/app/key", "/app/nope"], WithDecryption: true }));
    assert.deepEqual(Object.fromEntries(params.Parameters!.map((p) => [p.Name, p.Value])), { "/app/region": "eu-west-1", "/app/key": "s3cr3t" });
    assert.deepEqual(params.InvalidParameters, ["/app/nope"]);

    assert.deepEqual(proxy.counts(), {
      BatchGetSecretValue: 1,
      CreateSecret: 2,
      GetParameters: 1,
      GetSecretValue: 1,
      ListSecrets: 1,
      PutParameter: 2,
    });
  });

  test("each proxy serves a moto account of its own, so tests are isolated", async () => {
    const sm = new SecretsManagerClient({});
    await sm.send(new CreateSecretCommand({ Name: "isolated", SecretString: "a" }));
    const otherProxy = await env.startAwsProxy();
    try {
      const other = new SecretsManagerClient({ endpoint: otherProxy.url });
      const listed = await other.send(new ListSecretsCommand({}));
      assert.equal(listed.SecretList?.some((s) => s.Name === "isolated"), false);
      const mine = await sm.send(new ListSecretsCommand({}));
      assert.equal(mine.SecretList?.some((s) => s.Name === "isolated"), true);
    } finally {
      await otherProxy.close();
    }
  });

  test("injected throttling surfaces as ThrottlingException and the SDK's retries are counted", async () => {
    const sm = new SecretsManagerClient({ maxAttempts: 1 });
    await sm.send(new CreateSecretCommand({ Name: "throttled", SecretString: "x" }));
    const remove = proxy.inject({ match: faults.awsAction("GetSecretValue"), fault: faults.throttling() });
    proxy.resetCounts();
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: "throttled" })), (err: Error) => {
      assert.equal(err.name, "ThrottlingException");
      return true;
    });
    assert.equal(proxy.count("GetSecretValue"), 1);
    remove();

    // Two throttled answers, then success: the SDK's standard retry strategy makes three calls.
    proxy.inject({ match: faults.awsAction("GetSecretValue"), fault: faults.throttling(429), times: 2 });
    proxy.resetCounts();
    const retrying = new SecretsManagerClient({ maxAttempts: 3 });
    const value = await retrying.send(new GetSecretValueCommand({ SecretId: "throttled" }));
    assert.equal(value.SecretString, "x");
    assert.equal(proxy.count("GetSecretValue"), 3);
  });

  test("5xx and connection resets are injected", async () => {
    const sm = new SecretsManagerClient({ maxAttempts: 1 });
    proxy.inject({ match: faults.awsAction("ListSecrets"), fault: faults.awsError(500, "InternalServiceError", "boom"), times: 1 });
    await assert.rejects(sm.send(new ListSecretsCommand({})), { name: "InternalServiceError" });
    proxy.inject({ match: faults.awsAction("ListSecrets"), fault: { kind: "reset" }, times: 1 });
    await assert.rejects(sm.send(new ListSecretsCommand({})));
    await sm.send(new ListSecretsCommand({}));
  });
});
