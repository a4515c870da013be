// Region resolution as ASCP (server/server.go getAwsRegions, getRegionFromNode): the SecretProviderClass's
// `region`; else the provider's AWS_REGION; else the pod's node's topology.kubernetes.io/region label, read
// from the apiserver (README: "This lookup adds overhead to mount requests"). The node lookup is cached:
// a pod never changes node, a node never changes region.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { status, type ServiceError } from "@grpc/grpc-js";
import * as k8s from "@kubernetes/client-node";
import { ApiServerMountKube, MountService, SessionCache } from "../../../src/mount/index.ts";
import { silentLogger } from "../../../src/runtime/logger.ts";
import { CountingMountKube, MountHarness } from "./mount-harness.ts";

let h: MountHarness;
const node = `node-${randomUUID().slice(0, 8)}`;
const bareNode = `bare-${randomUUID().slice(0, 8)}`;
const objects = '- objectName: "regional"\n  objectType: secretsmanager';

before(async () => {
  h = await MountHarness.start();
  await h.createSecret("regional", "from-us-east-1");
  await h.createSecret("regional", "from-us-west-2", "us-west-2");
  const core = h.kc.makeApiClient(k8s.CoreV1Api);
  await core.createNode({ body: { metadata: { name: node, labels: { "topology.kubernetes.io/region": "us-west-2" } } } });
  await core.createNode({ body: { metadata: { name: bareNode } } });
});
after(async () => {
  const core = h.kc.makeApiClient(k8s.CoreV1Api);
  for (const name of [node, bareNode]) await core.deleteNode({ name }).catch(() => undefined);
  await h.close();
});

/** A pod object bound to `nodeName` (no kubelet runs it; the provider only reads spec.nodeName). */
async function podOn(harness: MountHarness, nodeName: string) {
  const pod = await harness.pod();
  await harness.kc.makeApiClient(k8s.CoreV1Api).createNamespacedPod({
    namespace: pod.namespace,
    body: { metadata: { name: pod.name }, spec: { nodeName, serviceAccountName: pod.serviceAccount, containers: [{ name: "app", image: "nginx" }] } },
  });
  return pod;
}

describe("region", () => {
  test("the SecretProviderClass's region wins", async () => {
    const pod = await h.pod();
    assert.deepEqual((await h.mount({ region: "us-west-2", objects }, pod)).files, { regional: "from-us-west-2" });
  });

  test("without one, the provider's AWS_REGION, with no apiserver read", async () => {
    // A second MountService (the socket's is configured without AWS_REGION), called as the server calls it.
    const kube = new CountingMountKube(new ApiServerMountKube(h.kc));
    const sessions = new SessionCache();
    const service = new MountService({ kube, sessions, logger: silentLogger, envRegion: "us-west-2" });
    const pod = await h.pod();
    try {
      const result = await service.mount({ attributes: JSON.stringify(h.attributes({ objects }, pod)), secrets: "{}", targetPath: "/mnt", permission: "420" });
      assert.deepEqual(
        result.files.map((f) => [f.path, Buffer.from(f.contents).toString()]),
        [["regional", "from-us-west-2"]],
      );
      assert.equal(kube.calls.pod + kube.calls.node, 0);
    } finally {
      sessions.close();
    }
  });

  test("without either, the node's topology.kubernetes.io/region label, looked up once per pod and node", async () => {
    const pod = await podOn(h, node);
    const before = { ...h.kube.calls };
    for (let i = 0; i < 3; i++) assert.deepEqual((await h.mount({ objects }, pod)).files, { regional: "from-us-west-2" });
    assert.equal(h.kube.calls.pod - before.pod, 1);
    assert.equal(h.kube.calls.node - before.node, 1);
  });

  test("a node without the label: INVALID_ARGUMENT asking for `region`", async () => {
    const pod = await podOn(h, bareNode);
    await assert.rejects(h.mount({ objects }, pod), (err: ServiceError) => {
      assert.equal(err.code, status.INVALID_ARGUMENT);
      assert.match(err.details, new RegExp(`no region: set "region" in the SecretProviderClass \\(node ${bareNode} has no topology.kubernetes.io/region label\\)`));
      return true;
    });
  });
});
