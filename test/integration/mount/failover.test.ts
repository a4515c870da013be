// failoverRegion and failoverObject (ASCP README "Automated Failover Regions"). The file set is ASCP's:
// the primary's value when the primary answers, the failover region's when the primary fails with a server
// error, and a failed mount on a client error (4xx) in the primary. What differs on purpose: ASCP asks both
// regions for every object on every mount, doubling the calls; Ferry asks the failover region only for the
// objects the primary failed to serve.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { status, type ServiceError } from "@grpc/grpc-js";
import { faults, type ProxiedRequest } from "../../env/index.ts";
import { MountHarness, type PodInfo } from "./mount-harness.ts";

const FAILOVER = "us-west-2";
let h: MountHarness;
let pod: PodInfo;
let primaryArn = "";
let failoverArn = "";

before(async () => {
  h = await MountHarness.start();
  await h.createSecret("MySecret", "primary-value");
  await h.createSecret("MySecret", "failover-value", FAILOVER);
  primaryArn = (await h.createSecret("PrimarySecret", "primary-arn-value")).arn;
  failoverArn = (await h.createSecret("FailoverSecret", "failover-arn-value", FAILOVER)).arn;
  await h.createSecret("OnlyInFailover", "x", FAILOVER);
  pod = await h.pod();
});
after(async () => {
  await h.close();
});

/** The region a request was signed for (SigV4 credential scope). */
function regionOf(r: ProxiedRequest): string | undefined {
  const auth = r.headers.authorization;
  return typeof auth === "string" ? /Credential=[^/]+\/\d+\/([^/]+)\//.exec(auth)?.[1] : undefined;
}

/** Value calls per region, recorded without faulting. */
function recordRegions(): { calls: Array<{ action: string; region: string }>; stop: () => void } {
  const calls: Array<{ action: string; region: string }> = [];
  const stop = h.proxy.inject({
    match: (r) => {
      if (r.awsAction === "BatchGetSecretValue" || r.awsAction === "GetSecretValue") calls.push({ action: r.awsAction, region: regionOf(r) ?? "?" });
      return false;
    },
    fault: { kind: "latency", ms: 0 },
  });
  return { calls, stop };
}

const failoverParameters = (objects: string) => ({ region: h.region, failoverRegion: FAILOVER, objects });
const mySecret = '- objectName: "MySecret"\n  objectType: "secretsmanager"';

describe("failover", () => {
  test("primary answers: the primary's value, and the failover region is not called (ASCP calls both)", async () => {
    const recorded = recordRegions();
    try {
      const volume = await h.mount(failoverParameters(mySecret), pod);
      // README: "If both regions successfully retrieve the secret value, then the mount will contain the secret value of the secret in the primary region."
      assert.deepEqual(volume.files, { MySecret: "primary-value" });
    } finally {
      recorded.stop();
    }
    assert.deepEqual(recorded.calls, [{ action: "BatchGetSecretValue", region: h.region }]);
  });

  test("primary fails with 5xx: the failover region's value", async () => {
    // README: "If one region returns a non-client error (code 5XX), and the other region succeeds, then the mount will contain the secret value of the non-failing region."
    const recorded = recordRegions();
    const stop = h.proxy.inject({
      match: (r) => r.awsAction === "BatchGetSecretValue" && regionOf(r) === h.region,
      fault: faults.awsError(500, "InternalServiceError", "internal error"),
    });
    try {
      const volume = await h.mount(failoverParameters(mySecret), pod);
      assert.deepEqual(volume.files, { MySecret: "failover-value" });
    } finally {
      stop();
      recorded.stop();
    }
    assert.equal(recorded.calls.filter((c) => c.region === FAILOVER).length, 1, "one read in the failover region");
  });

  test("primary returns a client error (not found): the mount fails, the failover region is not asked", async () => {
    // README: "If either region returns a client error (code 4XX), then the mount will fail".
    const recorded = recordRegions();
    try {
      await assert.rejects(h.mount(failoverParameters('- objectName: "OnlyInFailover"\n  objectType: "secretsmanager"'), pod), (err: ServiceError) => {
        assert.equal(err.code, status.NOT_FOUND);
        assert.match(err.details, /object "OnlyInFailover"/);
        return true;
      });
    } finally {
      recorded.stop();
    }
    assert.ok(recorded.calls.every((c) => c.region === h.region));
  });

  test("failoverObject: a different ARN in the failover region, mounted under objectAlias", async () => {
    // README: "It is possible to use different secrets or parameters between the primary and failover regions" (objectAlias testArn).
    const objects = `- objectName: "${primaryArn}"\n  failoverObject:\n    objectName: "${failoverArn}"\n  objectAlias: testArn`;
    assert.deepEqual((await h.mount(failoverParameters(objects), pod)).files, { testArn: "primary-arn-value" });
    const stop = h.proxy.inject({ match: (r) => regionOf(r) === h.region && r.awsAction === "BatchGetSecretValue", fault: faults.awsError(503, "ServiceUnavailable", "unavailable") });
    try {
      assert.deepEqual((await h.mount(failoverParameters(objects), pod)).files, { testArn: "failover-arn-value" });
    } finally {
      stop();
    }
  });

  test("both regions fail: UNAVAILABLE, naming the object and each region's cause", async () => {
    const stop = h.proxy.inject({ match: faults.awsAction("BatchGetSecretValue"), fault: faults.awsError(500, "InternalServiceError", "internal error") });
    try {
      await assert.rejects(h.mount(failoverParameters(mySecret), pod), (err: ServiceError) => {
        assert.equal(err.code, status.UNAVAILABLE);
        assert.match(err.details, new RegExp(`object "MySecret": ${h.region}: .*InternalServiceError.*; ${FAILOVER}: .*InternalServiceError`));
        return true;
      });
    } finally {
      stop();
    }
  });

  test("failoverRegion equal to region is refused (ASCP: failover region cannot be the same as the primary region)", async () => {
    await assert.rejects(h.mount({ region: h.region, failoverRegion: h.region, objects: mySecret }, pod), (err: ServiceError) => {
      assert.equal(err.code, status.INVALID_ARGUMENT);
      assert.match(err.details, /failoverRegion us-east-1 is the same as the primary region/);
      return true;
    });
  });
});
