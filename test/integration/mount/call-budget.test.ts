// AWS calls per Mount, counted on the wire by the fault proxy. ASCP makes one GetSecretValue per secret per
// mount (and per region with failover) and one AssumeRoleWithWebIdentity per mount (shared reference §3.3,
// ASCP #243, #116); Ferry reads Secrets Manager objects 20 per BatchGetSecretValue, SSM parameters 10 per
// GetParameters, and exchanges a pod's token once for as long as kubelet hands it the same token.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { MountHarness } from "./mount-harness.ts";

let h: MountHarness;
const SECRETS = 45;
const PARAMETERS = 25;

before(async () => {
  h = await MountHarness.start();
  for (let i = 0; i < SECRETS; i++) await h.createSecret(`budget/secret-${i}`, `value-${i}`);
  for (let i = 0; i < PARAMETERS; i++) await h.putParameter(`/budget/param-${i}`, `param-${i}`);
});
after(async () => {
  await h.close();
});

const smObjects = (n: number) => Array.from({ length: n }, (_, i) => `- objectName: "budget/secret-${i}"\n  objectType: secretsmanager`).join("\n");
const ssmObjects = (n: number) => Array.from({ length: n }, (_, i) => `- objectName: "/budget/param-${i}"\n  objectType: ssmparameter`).join("\n");

describe("call budgets", () => {
  test("n Secrets Manager objects: ceil(n/20) BatchGetSecretValue, no GetSecretValue (ASCP: n GetSecretValue)", async () => {
    for (const n of [1, 20, 21, 45]) {
      const pod = await h.pod();
      await h.mount({ region: h.region, objects: smObjects(1) }, pod); // warm: the STS exchange
      h.proxy.resetCounts();
      const volume = await h.mount({ region: h.region, objects: smObjects(n) }, pod);
      assert.equal(Object.keys(volume.files).length, n);
      assert.equal(volume.files[`budget_secret-${n - 1}`], `value-${n - 1}`);
      assert.deepEqual(h.proxy.counts(), { BatchGetSecretValue: Math.ceil(n / 20) }, `n=${n}`);
    }
  });

  test("n SSM parameters: ceil(n/10) GetParameters", async () => {
    const pod = await h.pod();
    await h.mount({ region: h.region, objects: ssmObjects(1) }, pod);
    for (const n of [1, 10, 11, 25]) {
      h.proxy.resetCounts();
      const volume = await h.mount({ region: h.region, objects: ssmObjects(n) }, pod);
      assert.equal(Object.keys(volume.files).length, n);
      assert.deepEqual(h.proxy.counts(), { GetParameters: Math.ceil(n / 10) }, `n=${n}`);
    }
  });

  test("both services in one mount: their batches go out together", async () => {
    const pod = await h.pod();
    h.proxy.resetCounts();
    await h.mount({ region: h.region, objects: `${smObjects(21)}\n${ssmObjects(11)}` }, pod);
    assert.deepEqual(h.proxy.counts(), { AssumeRoleWithWebIdentity: 1, BatchGetSecretValue: 2, GetParameters: 2 });
  });

  test("repeated mounts with the same pod token: one AssumeRoleWithWebIdentity in all", async () => {
    const pod = await h.pod();
    h.proxy.resetCounts();
    for (let i = 0; i < 10; i++) await h.mount({ region: h.region, objects: smObjects(3) }, pod);
    assert.deepEqual(h.proxy.counts(), { AssumeRoleWithWebIdentity: 1, BatchGetSecretValue: 10 });
  });

  test("concurrent first mounts of one pod share one AssumeRoleWithWebIdentity", async () => {
    const pod = await h.pod();
    h.proxy.resetCounts();
    await Promise.all(Array.from({ length: 8 }, () => h.mount({ region: h.region, objects: smObjects(2) }, pod)));
    assert.equal(h.proxy.count("AssumeRoleWithWebIdentity"), 1);
  });

  test("a new token (kubelet rotated it) or another pod's token: its own exchange, as credentials are per token", async () => {
    const pod = await h.pod();
    await h.mount({ region: h.region, objects: smObjects(1) }, pod);
    h.proxy.resetCounts();
    const rotated = { ...pod, ...(await h.token(pod.namespace, pod.serviceAccount)) };
    await h.mount({ region: h.region, objects: smObjects(1) }, rotated);
    await h.mount({ region: h.region, objects: smObjects(1) }, rotated);
    assert.equal(h.proxy.count("AssumeRoleWithWebIdentity"), 1);
  });

  test("the ServiceAccount's role annotation is read once, not per mount", async () => {
    const pod = await h.pod();
    const before = h.kube.calls.serviceAccount;
    for (let i = 0; i < 5; i++) await h.mount({ region: h.region, objects: smObjects(1) }, pod);
    assert.equal(h.kube.calls.serviceAccount - before, 1);
    assert.equal(h.kube.calls.pod + h.kube.calls.node, 0, "region given: no pod or node reads");
  });

  test("the same secret under two aliases is read once", async () => {
    const pod = await h.pod();
    await h.mount({ region: h.region, objects: smObjects(1) }, pod);
    h.proxy.resetCounts();
    const volume = await h.mount(
      {
        region: h.region,
        objects: '- objectName: "budget/secret-0"\n  objectType: secretsmanager\n  objectAlias: a\n- objectName: "budget/secret-0"\n  objectType: secretsmanager\n  objectAlias: b',
      },
      pod,
    );
    assert.deepEqual(volume.files, { a: "value-0", b: "value-0" });
    assert.deepEqual(h.proxy.counts(), { BatchGetSecretValue: 1 });
  });
});
