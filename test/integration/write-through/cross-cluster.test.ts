// Two clusters sharing one AWS account (one moto account behind one fault proxy): cluster A's webhook runs
// with the default identity (the kube-system namespace's UID), a second webhook instance plays cluster B
// (`--cluster-name cluster-b`) for the same namespace and name. B is refused: the ownership tags include the
// cluster, so B can neither overwrite nor adopt A's secret.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import { DELETION_POLICY_ANNOTATION, TAGS, WRITE_THROUGH_LABEL } from "../../../src/write-through/names.ts";
import { WEBHOOK_PATH } from "../../../src/write-through/webhook-configuration.ts";
import { WriteThroughManager } from "../../../src/write-through/write-through-manager.ts";
import { TestEnvironment, waitUntil } from "../../env/index.ts";
import { WEBHOOK_CLIENT_NAME } from "../../env/pki.ts";
import { labelledSecretManifest, startWriteThrough, type WriteThroughHarness } from "./write-through-harness.ts";

const env = TestEnvironment.load();
const CANARY = `canary-${Date.now().toString(36)}-Xcl`;
let h: WriteThroughHarness;
let clusterB: WriteThroughManager | undefined;

before(async () => {
  h = await startWriteThrough();
});
after(async () => {
  await clusterB?.stop();
  await h.stop();
});

test("a second cluster sharing the AWS account cannot overwrite the first's write-through secret", async () => {
  const kc = env.kubeConfig();
  const remote = `ferry/${h.namespace}/shared`;
  await h.kubectl(["create", "-f", "-"], await labelledSecretManifest(h, "shared", { password: "from-cluster-a" }, { [WRITE_THROUGH_LABEL]: "aws" }));
  const kubeSystem = await kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: "kube-system" });
  const tags: Record<string, string> = Object.fromEntries(((await h.describe(remote))?.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
  assert.equal(tags[TAGS.cluster], kubeSystem.metadata?.uid, "the default identity is the kube-system namespace's UID");

  // Cluster A lets go of its Kubernetes Secret but keeps the AWS secret.
  await h.kubectl(["annotate", "secret", "shared", `${DELETION_POLICY_ANNOTATION}=Retain`]);
  await h.kubectl(["delete", "secret", "shared", "--wait=true"]);

  // Cluster B: same namespace and name, same account, its own identity.
  clusterB = new WriteThroughManager({
    kubeConfig: kc,
    address: "127.0.0.1:0",
    certFile: env.state.pki.servingCert,
    keyFile: env.state.pki.servingKey,
    clientAuth: { mode: "certificate", caFile: env.state.pki.caCert, allowedNames: [WEBHOOK_CLIENT_NAME] },
    hashKey: randomBytes(32),
    cluster: "cluster-b",
  });
  await clusterB.start(AbortSignal.timeout(30_000));
  const admission = kc.makeApiClient(k8s.AdmissionregistrationV1Api);
  const configName = `ferry-write-through-${h.namespace}`;
  const config = await admission.readMutatingWebhookConfiguration({ name: configName });
  config.webhooks![0]!.clientConfig.url = `${clusterB.server.url}${WEBHOOK_PATH}`;
  await admission.replaceMutatingWebhookConfiguration({ name: configName, body: config });
  await waitUntil("cluster B's webhook to answer", async () => {
    await h.core.createNamespacedSecret({ namespace: h.namespace, dryRun: "All", body: { metadata: { name: "probe", labels: { [WRITE_THROUGH_LABEL]: "aws" } }, stringData: { probe: "x" } } }).catch(() => undefined);
    return clusterB!.server.reviews > 0;
  }, { timeoutMs: 30_000 });

  const writes = h.sync.aws.log.filter((e) => e.awsAction === "PutSecretValue" || e.awsAction === "CreateSecret").length;
  await assert.rejects(
    h.kubectl(["create", "-f", "-"], await labelledSecretManifest(h, "shared", { password: CANARY }, { [WRITE_THROUGH_LABEL]: "aws" })),
    /denied the request: write-through: secret "ferry\/.*\/shared" exists and is not managed by Ferry for this object \(tag "ferry.dev\/cluster" missing or different\)/,
  );
  assert.equal(await h.value(remote), JSON.stringify({ password: "from-cluster-a" }), "cluster A's value is untouched");
  const attempts = h.sync.aws.log.filter((e) => e.awsAction === "PutSecretValue" || e.awsAction === "CreateSecret");
  assert.ok(attempts.slice(writes).every((e) => e.awsAction === "CreateSecret" && e.status >= 400), "only the refused CreateSecret, no PutSecretValue");
});
