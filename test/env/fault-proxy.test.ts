import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { awsActionOf } from "./fault-proxy.ts";

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
