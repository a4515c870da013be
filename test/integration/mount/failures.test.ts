// A failed object fails the whole mount with a gRPC error that names the object and the cause and never a
// value; no files are returned (ASCP server.go: "If there is a failure during the mount of any one secret no
// secrets are written"). Unlike ASCP, whose non-API errors all read "Failed to fetch secret from all regions"
// (ASCP #552), each cause is reported as such, and every failed object is listed. `optional: true` objects
// that do not exist are skipped and reported (driver #567, #1082).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { status, type ServiceError } from "@grpc/grpc-js";
import { SKIPPED_VERSION } from "../../../src/mount/index.ts";
import { faults } from "../../env/index.ts";
import { MountHarness, type PodInfo } from "./mount-harness.ts";

let h: MountHarness;
let pod: PodInfo;
const VALUE = "s3cr3t-value-never-in-errors";

before(async () => {
  h = await MountHarness.start();
  await h.createSecret("app/good", VALUE);
  await h.createSecret("app/json", JSON.stringify({ user: "u", password: VALUE }));
  await h.createSecret("app/denied", VALUE);
  await h.putParameter("/app/param", VALUE);
  pod = await h.pod();
});
after(async () => {
  await h.close();
});

const sm = (name: string, extra = "") => `- objectName: "${name}"\n  objectType: secretsmanager${extra}`;

async function mountFails(objects: string, expected: { code: status; message: RegExp }): Promise<ServiceError> {
  const outcome = await h.mount({ region: h.region, objects }, pod).then(
    (volume) => ({ volume }),
    (err: unknown) => ({ error: err as ServiceError }),
  );
  if (!("error" in outcome)) assert.fail(`expected the mount to fail, got files ${Object.keys(outcome.volume.files).join(", ")}`);
  const { error } = outcome;
  assert.equal(error.code, expected.code, error.details);
  assert.match(error.details, expected.message);
  assert.ok(!error.details.includes(VALUE), "no value in the message");
  return error;
}

describe("failures", () => {
  test("a missing object: NOT_FOUND naming it; the good object beside it is not mounted either", async () => {
    await mountFails(`${sm("app/good")}\n${sm("app/missing")}`, { code: status.NOT_FOUND, message: /object "app\/missing".*not found \(ResourceNotFoundException\)/ });
  });

  test("a missing SSM parameter: NOT_FOUND naming it", async () => {
    await mountFails('- objectName: "/app/absent"\n  objectType: ssmparameter', { code: status.NOT_FOUND, message: /object "\/app\/absent".*not found/ });
  });

  test("access denied: PERMISSION_DENIED naming the object and the AWS error code", async () => {
    // IAM denies both the batch and the per-secret read of this one secret; the batch refusal makes the
    // client read one by one (BatchGetSecretValue needs Resource "*"), and the good secret still reads.
    const stop = h.proxy.inject({
      match: faults.awsAction("BatchGetSecretValue"),
      fault: faults.awsError(400, "AccessDeniedException", "User is not authorized to perform: secretsmanager:BatchGetSecretValue"),
    });
    const stopOne = h.proxy.inject({
      match: faults.awsAction("GetSecretValue"),
      fault: faults.awsError(400, "AccessDeniedException", "User is not authorized to perform: secretsmanager:GetSecretValue on resource: app/denied"),
      times: 1,
    });
    try {
      await mountFails(sm("app/denied"), { code: status.PERMISSION_DENIED, message: /object "app\/denied".*AccessDeniedException/ });
    } finally {
      stop();
      stopOne();
    }
  });

  test("throttling beyond the SDK's retries: RESOURCE_EXHAUSTED naming the objects", async () => {
    // Both reads: an earlier test's denied batch made this pod's client read one secret at a time.
    const stop = h.proxy.inject({ match: faults.awsAction("BatchGetSecretValue", "GetSecretValue"), fault: faults.throttling() });
    try {
      await mountFails(`${sm("app/good")}\n${sm("app/json")}`, { code: status.RESOURCE_EXHAUSTED, message: /object "app\/good".*ThrottlingException.*object "app\/json"/ });
    } finally {
      stop();
    }
  });

  test("a JMESPath syntax error: INVALID_ARGUMENT before any AWS read", async () => {
    h.proxy.resetCounts();
    await mountFails(sm("app/json", "\n  jmesPath:\n    - path: \"user[\"\n      objectAlias: u"), {
      code: status.INVALID_ARGUMENT,
      message: /object "app\/json".*jmesPath\[0\]\.path "user\[" is not a valid JMESPath expression/,
    });
    assert.equal(h.proxy.count("BatchGetSecretValue"), 0);
  });

  test("a JMESPath that matches nothing, or a non-JSON value: INVALID_ARGUMENT naming the path, never the value", async () => {
    await mountFails(sm("app/json", "\n  jmesPath:\n    - path: username\n      objectAlias: u"), {
      code: status.INVALID_ARGUMENT,
      message: /object "app\/json".*jmesPath "username" \(objectAlias "u"\): matched nothing/,
    });
    await mountFails(sm("app/good", "\n  jmesPath:\n    - path: user\n      objectAlias: u"), {
      code: status.INVALID_ARGUMENT,
      message: /object "app\/good".*jmesPath needs a JSON value, and this object's value is not JSON/,
    });
  });

  test("parameters that are not YAML: INVALID_ARGUMENT, without quoting the YAML", async () => {
    h.proxy.resetCounts();
    await mountFails(`- objectName: "${VALUE}"\n  objectType: [`, { code: status.INVALID_ARGUMENT, message: /objects: not valid YAML/ });
    assert.deepEqual(h.proxy.counts(), {});
  });

  test("several failures: each object listed with its own cause", async () => {
    await mountFails(`${sm("app/missing-1")}\n${sm("app/json", "\n  jmesPath:\n    - path: nope\n      objectAlias: n")}\n${sm("app/missing-2")}`, {
      code: status.INVALID_ARGUMENT,
      message: /3 objects failed, nothing mounted: object "app\/missing-1": .*not found.*object "app\/json": jmesPath "nope".*object "app\/missing-2": .*not found/,
    });
  });

  test("optional objects that do not exist are skipped and reported; the mount succeeds", async () => {
    const volume = await h.mount(
      {
        region: h.region,
        objects: [sm("app/good"), sm("app/missing", "\n  optional: true\n  objectAlias: maybe"), '- objectName: "/app/nope"\n  objectType: ssmparameter\n  optional: true'].join("\n"),
      },
      pod,
    );
    assert.deepEqual(volume.files, { app_good: VALUE });
    assert.equal(volume.versions.maybe, SKIPPED_VERSION);
    assert.equal(volume.versions._app_nope, SKIPPED_VERSION);
  });

  test("optional does not hide other failures: a denied optional object still fails the mount", async () => {
    const stop = h.proxy.inject({ match: faults.awsAction("BatchGetSecretValue", "GetSecretValue"), fault: faults.awsError(400, "AccessDeniedException", "denied") });
    try {
      await mountFails(sm("app/denied", "\n  optional: true"), { code: status.PERMISSION_DENIED, message: /object "app\/denied"/ });
    } finally {
      stop();
    }
  });

  test("a request without the pod's token: UNAUTHENTICATED saying how to configure the driver, no AWS call", async () => {
    h.proxy.resetCounts();
    const attributes = h.attributes({ region: h.region, objects: sm("app/good") }, pod);
    delete attributes["csi.storage.k8s.io/serviceAccount.tokens"];
    await assert.rejects(h.mountRaw({ attributes }), (err: ServiceError) => {
      assert.equal(err.code, status.UNAUTHENTICATED);
      assert.match(err.details, /no service account token.*tokenRequests with audience "sts\.amazonaws\.com"/);
      return true;
    });
    assert.deepEqual(h.proxy.counts(), {});
  });
});
