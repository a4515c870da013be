// The mount request as the real Secrets Store CSI driver (v1.6.0) sends it. Each case replays wire bytes, so a
// disagreement between our reading of the contract and the driver's encoding shows up here, not on a node.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { MountError } from "./errors.ts";
import { loadProviderService } from "./grpc-server.ts";
import { parseStringMap } from "./pod-token.ts";

interface WireMountRequest {
  attributes: string;
  secrets: string;
  target_path: string;
  permission: string;
}

function decodeMountRequest(base64: string): WireMountRequest {
  const method = loadProviderService().service.Mount;
  if (!method) throw new Error("no Mount method in the provider service");
  return method.requestDeserialize(Buffer.from(base64, "base64")) as WireMountRequest;
}

/**
 * A MountRequest for a pod with an inline CSI volume and no nodePublishSecretRef: kubelet passes no
 * node-publish secrets, the driver json.Marshals its nil map, so field 2 (`secrets`) is the 4 bytes `null`
 * (`12 04 6e 75 6c 6c` below). Seen on a real node: Ferry answered "secrets is not a JSON object" and every
 * ordinary pod's mount failed.
 */
const DRIVER_REQUEST_WITHOUT_NODE_PUBLISH_SECRET =
  "CvoCeyJjc2kuc3RvcmFnZS5rOHMuaW8vZXBoZW1lcmFsIjoidHJ1ZSIsImNzaS5zdG9yYWdlLms4cy5pby9wb2QubmFtZSI6ImNzaS1jb25zdW1lciIsImNzaS5zdG9yYWdlLms4cy5pby9wb2QubmFtZXNwYWNlIjoiZGVmYXVsdCIsImNzaS5zdG9yYWdlLms4cy5pby9wb2QudWlkIjoiMGI0YzVhOGUtNGE0ZC00YTRlLTlkNmMtMmYxZjVjMWU3YTEwIiwiY3NpLnN0b3JhZ2UuazhzLmlvL3NlcnZpY2VBY2NvdW50Lm5hbWUiOiJkZWZhdWx0Iiwib2JqZWN0cyI6Ii0gb2JqZWN0TmFtZTogXCJNeVNlY3JldFwiXG4gIG9iamVjdFR5cGU6IFwic2VjcmV0c21hbmFnZXJcIlxuIiwicmVnaW9uIjoidXMtZWFzdC0xIiwic2VjcmV0UHJvdmlkZXJDbGFzcyI6ImZlcnJ5LXNwYyJ9EgRudWxsGlwvdmFyL2xpYi9rdWJlbGV0L3BvZHMvMGI0YzVhOGUtNGE0ZC00YTRlLTlkNmMtMmYxZjVjMWU3YTEwL3ZvbHVtZXMva3ViZXJuZXRlcy5pb35jc2kvcy9tb3VudCIDNDIw";

describe("mount request encoding", () => {
  test("secrets `null` (no nodePublishSecretRef) is an empty map, attributes still parse", () => {
    const request = decodeMountRequest(DRIVER_REQUEST_WITHOUT_NODE_PUBLISH_SECRET);
    assert.equal(request.secrets, "null");
    assert.deepEqual(parseStringMap(request.secrets, "secrets"), {});
    const attributes = parseStringMap(request.attributes, "attributes");
    assert.equal(attributes["csi.storage.k8s.io/pod.name"], "csi-consumer");
    assert.equal(attributes["secretProviderClass"], "ferry-spc");
    assert.equal(request.permission, "420");
  });

  test("empty, null, objects and non-objects", () => {
    const cases: Array<{ json: string; want?: Record<string, string>; error?: RegExp }> = [
      { json: "", want: {} },
      { json: "null", want: {} },
      { json: " null\n", want: {} },
      { json: "{}", want: {} },
      { json: '{"a":"1","n":2}', want: { a: "1" } },
      { json: "[]", error: /secrets is not a JSON object/ },
      { json: '"null"', error: /secrets is not a JSON object/ },
      { json: "nul", error: /secrets is not JSON/ },
    ];
    for (const c of cases) {
      if (c.want) assert.deepEqual(parseStringMap(c.json, "secrets"), c.want, c.json);
      else
        assert.throws(
          () => parseStringMap(c.json, "secrets"),
          (err: unknown) => err instanceof MountError && c.error!.test(err.message),
          c.json,
        );
    }
  });
});
