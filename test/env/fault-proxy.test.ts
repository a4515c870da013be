import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { awsActionOf, awsIdsOf } from "./fault-proxy.ts";

describe("awsActionOf", () => {
  const cases: Array<{ name: string; headers: Record<string, string>; url: string; body?: string; want: string | undefined }> = [
    { name: "awsJson target", headers: { "x-amz-target": "secretsmanager.GetSecretValue" }, url: "/", want: "GetSecretValue" },
    { name: "SSM target", headers: { "x-amz-target": "AmazonSSM.GetParameters" }, url: "/", want: "GetParameters" },
    { name: "awsQuery form body", headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, url: "/", body: "Action=AssumeRoleWithWebIdentity&Version=2011-06-15", want: "AssumeRoleWithWebIdentity" },
    { name: "awsQuery in the query string", headers: {}, url: "/?Action=GetCallerIdentity", want: "GetCallerIdentity" },
    { name: "Smithy RPCv2 path", headers: {}, url: "/service/AWSSecurityTokenServiceV20110615/operation/AssumeRole", want: "AssumeRole" },
    { name: "not an AWS call", headers: {}, url: "/api/v1/namespaces", want: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(awsActionOf(c.headers, new URL(c.url, "http://x"), Buffer.from(c.body ?? "")), c.want);
    });
  }
});

describe("awsIdsOf", () => {
  const cases: Array<{ name: string; body: string; want: string[] }> = [
    { name: "GetSecretValue", body: JSON.stringify({ SecretId: "team/db" }), want: ["team/db"] },
    { name: "BatchGetSecretValue", body: JSON.stringify({ SecretIdList: ["a", "b"] }), want: ["a", "b"] },
    { name: "GetParameter", body: JSON.stringify({ Name: "/p", WithDecryption: true }), want: ["/p"] },
    { name: "GetParameters", body: JSON.stringify({ Names: ["/p", "/q"] }), want: ["/p", "/q"] },
    { name: "a filter, no ids", body: JSON.stringify({ Filters: [{ Key: "name", Values: ["x"] }] }), want: [] },
    { name: "form body", body: "Action=AssumeRole", want: [] },
    { name: "broken JSON", body: "{nope", want: [] },
    { name: "empty", body: "", want: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(awsIdsOf(Buffer.from(c.body)), c.want);
    });
  }
});
