// The driver refuses MountResponses over its --max-call-recv-msg-size (default 4 MiB) with an opaque gRPC
// error (shared reference §1.2). The provider checks first and says which files are large. Tested with a
// lower limit (the provider's --max-response-bytes) since Secrets Manager caps a secret at 64 KiB.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { status, type ServiceError } from "@grpc/grpc-js";
import { MountHarness, type PodInfo } from "./mount-harness.ts";

let h: MountHarness;
let pod: PodInfo;
const LIMIT = 100 * 1024;

before(async () => {
  h = await MountHarness.start({ maxResponseBytes: LIMIT });
  for (let i = 0; i < 3; i++) await h.createSecret(`big-${i}`, String(i).repeat(40 * 1024));
  pod = await h.pod();
});
after(async () => {
  await h.close();
});

const objects = (n: number) => Array.from({ length: n }, (_, i) => `- objectName: big-${i}\n  objectType: secretsmanager`).join("\n");

describe("response size", () => {
  test("under the limit: mounted", async () => {
    const volume = await h.mount({ region: h.region, objects: objects(2) }, pod);
    assert.equal(volume.files["big-1"]?.length, 40 * 1024);
  });

  test("over the limit: RESOURCE_EXHAUSTED naming the limit, the driver flag and the largest files; nothing mounted", async () => {
    await assert.rejects(h.mount({ region: h.region, objects: objects(3) }, pod), (err: ServiceError) => {
      assert.equal(err.code, status.RESOURCE_EXHAUSTED);
      assert.match(err.details, new RegExp(`over the driver's gRPC message limit of ${LIMIT} bytes \\(driver flag --max-call-recv-msg-size\\); largest: "big-\\d" 40960 bytes`));
      return true;
    });
  });
});
