// Two webhook replicas on the real control plane: both serve admission, only the Lease holder runs the
// Secret controller (finalizers, deletion policy). When the leader stops, it releases the Lease and the
// other replica takes over the controller while it keeps serving.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import { WRITE_THROUGH_LABEL } from "../../../src/write-through/names.ts";
import { WEBHOOK_PATH } from "../../../src/write-through/webhook-configuration.ts";
import { WriteThroughManager } from "../../../src/write-through/write-through-manager.ts";
import { TestEnvironment, waitUntil } from "../../env/index.ts";
import { WEBHOOK_CLIENT_NAME } from "../../env/pki.ts";
import { labelledSecretManifest, startWriteThrough, type WriteThroughHarness } from "./write-through-harness.ts";

const env = TestEnvironment.load();
const lease = { namespace: "default", name: `ferry-write-through-${randomBytes(3).toString("hex")}`, leaseDurationMs: 6_000, renewDeadlineMs: 4_000, retryPeriodMs: 500 };
let h: WriteThroughHarness;
let b: WriteThroughManager;

before(async () => {
  h = await startWriteThrough({ leaderElection: { ...lease, identity: "replica-a" } });
  b = new WriteThroughManager({
    kubeConfig: env.kubeConfig(),
    address: "127.0.0.1:0",
    certFile: env.state.pki.servingCert,
    keyFile: env.state.pki.servingKey,
    clientAuth: { mode: "certificate", caFile: env.state.pki.caCert, allowedNames: [WEBHOOK_CLIENT_NAME] },
    hashKey: randomBytes(32),
    cluster: h.manager.cluster,
    leaderElection: { ...lease, identity: "replica-b" },
  });
  await b.start(AbortSignal.timeout(30_000));
});
after(async () => {
  await b.stop();
  await h.stop();
  await env.kubeConfig().makeApiClient(k8s.CoordinationV1Api).deleteNamespacedLease({ namespace: lease.namespace, name: lease.name }).catch(() => undefined);
});

const gone = async (name: string) => {
  try {
    await h.core.readNamespacedSecret({ namespace: h.namespace, name });
    return false;
  } catch (err) {
    return err instanceof k8s.ApiException && err.code === 404;
  }
};

test("one leader runs the Secret controller, both replicas serve; the standby takes over when the leader stops", { timeout: 90_000 }, async () => {
  await waitUntil("one replica to lead", async () => h.manager.leading !== b.leading, { timeoutMs: 20_000 });
  const [leader, standby] = h.manager.leading ? [h.manager, b] : [b, h.manager];
  assert.equal(standby.controller, undefined, "no controller on the standby");
  assert.ok(leader.ready && standby.ready, "both replicas ready: admission is served everywhere");

  // Point the webhook at the replica that will stay, then write two Secrets through it.
  const admission = env.kubeConfig().makeApiClient(k8s.AdmissionregistrationV1Api);
  const configName = `ferry-write-through-${h.namespace}`;
  const config = await admission.readMutatingWebhookConfiguration({ name: configName });
  config.webhooks![0]!.clientConfig.url = `${standby.server.url}${WEBHOOK_PATH}`;
  await admission.replaceMutatingWebhookConfiguration({ name: configName, body: config });
  const served = standby.server.reviews;
  await waitUntil("the standby to serve the webhook", async () => {
    await h.kubectl(["create", "-f", "-"], await labelledSecretManifest(h, "first", { password: "one" }, { [WRITE_THROUGH_LABEL]: "aws" })).catch(() => undefined);
    return standby.server.reviews > served && !(await gone("first"));
  }, { timeoutMs: 30_000 });
  await h.kubectl(["create", "-f", "-"], await labelledSecretManifest(h, "second", { password: "two" }, { [WRITE_THROUGH_LABEL]: "aws" }));

  // The leader's controller handles a deletion (the standby has none).
  await h.kubectl(["delete", "secret", "first", "--wait=false"]);
  await waitUntil("the leader to release the finalizer of the first Secret", () => gone("first"), { timeoutMs: 30_000 });

  // The leader goes away (a rollout): it releases the Lease; the standby leads and handles the next deletion.
  await leader.stop();
  await waitUntil("the standby to take over", async () => standby.leading, { timeoutMs: 10_000 });
  assert.ok(standby.controller, "the new leader runs the controller");
  assert.ok(standby.ready);
  await h.kubectl(["delete", "secret", "second", "--wait=false"]);
  await waitUntil("the new leader to release the finalizer of the second Secret", () => gone("second"), { timeoutMs: 30_000 });
  assert.equal(await h.describe(`ferry/${h.namespace}/second`).then((d) => d?.DeletedDate !== undefined), true, "its AWS secret scheduled for deletion");
});
