// The mount request as the real Secrets Store CSI driver (v1.6.0) sends it. Each case replays wire bytes, so a
// disagreement between our reading of the contract and the driver's encoding shows up here, not on a node.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { MountError } from "./errors.ts";
import { loadProviderService } from "./grpc-server.ts";
import { IRSA_AUDIENCE, parseStringMap, podToken } from "./pod-token.ts";

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
 * A MountRequest captured on a real node (test/env/node) between secrets-store-csi-driver v1.6.0 and Ferry's
 * provider socket, for a pod with an inline CSI volume and no nodePublishSecretRef: kubelet passes no
 * node-publish secrets, the driver json.Marshals its nil map, so field 2 (`secrets`) is the 4 bytes `null`
 * (`12 04 6e 75 6c 6c`). Before the fix Ferry answered "secrets is not a JSON object" and every ordinary
 * pod's mount failed. The service account token inside was minted by that throwaway cluster and has expired.
 */
const DRIVER_REQUEST_WITHOUT_NODE_PUBLISH_SECRET =
  "Ct0MeyJjc2kuc3RvcmFnZS5rOHMuaW8vZXBoZW1lcmFsIjoidHJ1ZSIsImNzaS5zdG9yYWdlLms4cy5pby9wb2QubmFtZSI6ImNzaS1jYXAyIiwiY3NpLnN0b3JhZ2UuazhzLmlvL3BvZC5uYW1lc3BhY2UiOiJkZWZhdWx0IiwiY3NpLnN0b3JhZ2UuazhzLmlvL3BvZC51aWQiOiI2MjFlYjcwYi0wNGMxLTQ5MjEtOTkxMS1hZDg0NGVjNmFhNjUiLCJjc2kuc3RvcmFnZS5rOHMuaW8vc2VydmljZUFjY291bnQubmFtZSI6ImFwcCIsImNzaS5zdG9yYWdlLms4cy5pby9zZXJ2aWNlQWNjb3VudC50b2tlbnMiOiJ7XCJzdHMuYW1hem9uYXdzLmNvbVwiOntcInRva2VuXCI6XCJleUpoYkdjaU9pSlNVekkxTmlJc0ltdHBaQ0k2SWxWTk5YWjJiblZSV0d0d1RtMHpXVGwxWDIwM0xXdDViRE5pVVhFemRXOXBOM1JtTkRNemNrcFlaMWtpZlEuZXlKaGRXUWlPbHNpYzNSekxtRnRZWHB2Ym1GM2N5NWpiMjBpWFN3aVpYaHdJam94TnprMk1qazNNemMwTENKcFlYUWlPakUzT1RZeU9UTTNOelFzSW1semN5STZJbWgwZEhCek9pOHZhM1ZpWlhKdVpYUmxjeTVrWldaaGRXeDBMbk4yWXlJc0ltcDBhU0k2SWpjNE1qZG1NakJtTFRGaE0ySXROREJqWVMxaE9ERmpMV05oTXpoa05USmtNRFZqTkNJc0ltdDFZbVZ5Ym1WMFpYTXVhVzhpT25zaWJtRnRaWE53WVdObElqb2laR1ZtWVhWc2RDSXNJbTV2WkdVaU9uc2libUZ0WlNJNkltWmxjbko1TFc1dlpHVWlMQ0oxYVdRaU9pSm1NVFF4Wm1VNFlpMHlabUUwTFRSak9UY3RPV0l3T1Mxak5HRmhNelkxWkRnNE16Z2lmU3dpY0c5a0lqcDdJbTVoYldVaU9pSmpjMmt0WTJGd01pSXNJblZwWkNJNklqWXlNV1ZpTnpCaUxUQTBZekV0TkRreU1TMDVPVEV4TFdGa09EUTBaV00yWVdFMk5TSjlMQ0p6WlhKMmFXTmxZV05qYjNWdWRDSTZleUp1WVcxbElqb2lZWEJ3SWl3aWRXbGtJam9pWTJJNE1USTNOakV0WlRZd1ppMDBaRGxtTFdGbVlqWXRNR1JtWTJFd01EVTVPRGc1SW4xOUxDSnVZbVlpT2pFM09UWXlPVE0zTnpRc0luTjFZaUk2SW5ONWMzUmxiVHB6WlhKMmFXTmxZV05qYjNWdWREcGtaV1poZFd4ME9tRndjQ0o5Lm5LQjdkVjNsSEhwZXFuN2RnUGQzTDM1eC1Sb1R3c2x6a1loakNnTG9Nd09hbzktZ2RpQ1VxU3BtWjZTdkQ1WXN6bUhuZlhKZ010eFBRdFVJSUJnclBwNEtEcXZmUHpRUDBLOEtENTRzSWRDcWdQSjdxTG9YTm0wRnlTaXVRLTFGOW14Tnd2QTlIQVdQS3pybHF3dUhyVFhWWVJQOE9aOFlWM3g3N05vWkIzSEZDaWthelVLUk5hNjhGMzJEN3JIYm10eVlxeUkxamRoZVQ3eDZkTGdHVGJFRlo2OXI1aXlnYm1wQ0hfdE1qX2FLM1hnQ1JQMFNyUG91ZVI0UjhYWmVZVy02V1dHRy16eVZXcXdFZkNMeThjTGJ1a1ZNdjRWM1N2YWpaSXNWWDBQX0JidXJ5eGUtMmx6d0hxOUoxbXQzalJYUnhVWFJvWEFLX0Y4YXdHdmF5QVwiLFwiZXhwaXJhdGlvblRpbWVzdGFtcFwiOlwiMjAyNi0xMi0wM1QxMToyOTozNFpcIn19Iiwib2JqZWN0cyI6Ii0gb2JqZWN0TmFtZTogXCJhcHAvZGJcIlxuICBvYmplY3RUeXBlOiBcInNlY3JldHNtYW5hZ2VyXCJcbiAgam1lc1BhdGg6XG4gICAgLSBwYXRoOiBwYXNzd29yZFxuICAgICAgb2JqZWN0QWxpYXM6IGRiLXBhc3N3b3JkXG4iLCJyZWdpb24iOiJ1cy1lYXN0LTEiLCJzZWNyZXRQcm92aWRlckNsYXNzIjoiYXBwLWRiLWNhcCJ9EgRudWxsGmovdG1wL2ZlMmUtZkR0aW5qL2t1YmVsZXQvcG9kcy82MjFlYjcwYi0wNGMxLTQ5MjEtOTkxMS1hZDg0NGVjNmFhNjUvdm9sdW1lcy9rdWJlcm5ldGVzLmlvfmNzaS9zZWNyZXRzL21vdW50IgM0MjA=";

describe("mount request encoding", () => {
  test("secrets `null` (no nodePublishSecretRef) is an empty map, attributes still parse", () => {
    const request = decodeMountRequest(DRIVER_REQUEST_WITHOUT_NODE_PUBLISH_SECRET);
    assert.equal(request.secrets, "null");
    assert.deepEqual(parseStringMap(request.secrets, "secrets"), {});
    const attributes = parseStringMap(request.attributes, "attributes");
    assert.equal(attributes["csi.storage.k8s.io/pod.name"], "csi-cap2");
    assert.equal(attributes["csi.storage.k8s.io/serviceAccount.name"], "app");
    assert.equal(attributes["secretProviderClass"], "app-db-cap");
    assert.equal(request.permission, "420");
    // Driver v1.6.0 passes kubelet's service account tokens in the attributes, not in secrets.
    const token = podToken(attributes, parseStringMap(request.secrets, "secrets"), IRSA_AUDIENCE);
    assert.match(token.token, /^eyJ/);
    assert.ok(token.expiresAt instanceof Date);
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
