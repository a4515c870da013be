/**
 * The write-through path: `ferry webhook` registered as a mutating admission webhook (the apiserver presents
 * its webhook client certificate, test/env/kube-apiserver.ts, as a real control plane does), a labelled
 * Secret applied with kubectl, its values moved into Secrets Manager and replaced by a reference in etcd.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { freePort } from "../../test/env/free-port.ts";
import { waitUntil } from "../../test/env/managed-process.ts";
import { WEBHOOK_CLIENT_NAME } from "../../test/env/pki.ts";
import { RECORDED } from "../../src/write-through/names.ts";
import { writeThroughWebhookConfiguration } from "../../src/write-through/webhook-configuration.ts";
import type { DemoContext } from "./context.ts";
import { detail, section } from "./output.ts";
import { startFerry, waitForLog } from "./processes.ts";

const NAMESPACE = "team-a";

/** The labelled Secret as a user writes it; the value is a demo literal, never printed. */
const SECRET_MANIFEST = {
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "db", namespace: NAMESPACE, labels: { "ferry.dev/write-through": "aws" } },
  stringData: { username: "app", password: "wr1te-thr0ugh-demo" },
};

export async function writeThroughPath(ctx: DemoContext): Promise<void> {
  section("Write-through: a Secret applied with kubectl lands in AWS Secrets Manager", "The admission webhook moves a labelled Secret's values into Secrets Manager; etcd keeps only a reference.");
  const { state } = ctx.env;
  await ctx.core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  await ctx.objects.create({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "aws", namespace: NAMESPACE }, spec: { provider: { aws: { service: "SecretsManager", region: state.region } } } } as k8s.KubernetesObject);

  const keyFile = join(state.runDir, "content-hash.key");
  writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
  const port = await freePort();
  const webhook = startFerry(
    "webhook",
    [
      "webhook", "--kubeconfig", state.kubeconfig, "--address", `127.0.0.1:${port}`, "--health-addr", "127.0.0.1:0",
      "--tls-cert-file", state.pki.servingCert, "--tls-key-file", state.pki.servingKey, "--content-hash-key-file", keyFile,
      // Only the apiserver's webhook client certificate is accepted, as in a cluster (docs/security.md).
      "--client-ca-file", state.pki.caCert, "--client-allowed-names", WEBHOOK_CLIENT_NAME,
    ],
    { ...process.env, ...ctx.awsEnv },
    state.runDir,
  );
  ctx.processes.push(webhook);
  await waitForLog(webhook, /write-through webhook started/);
  const admission = ctx.kc.makeApiClient(k8s.AdmissionregistrationV1Api);
  await admission.createMutatingWebhookConfiguration({
    body: writeThroughWebhookConfiguration({
      name: "ferry-write-through",
      client: { url: `https://127.0.0.1:${port}` },
      caBundle: readFileSync(state.pki.caCert),
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": NAMESPACE } },
      timeoutSeconds: 10,
    }),
  });
  detail(`started \`ferry webhook\` on https://127.0.0.1:${port} and registered it for namespace ${NAMESPACE} (logs: ${webhook.logFile})`);
  // Registration is asynchronous: a server-side dry run shows when the apiserver calls the webhook.
  await waitUntil("the webhook to be called", () => {
    try {
      return ctx.kubectl(["apply", "--dry-run=server", "-o", "jsonpath={.metadata.annotations}", "-f", "-"], JSON.stringify(SECRET_MANIFEST)).includes(RECORDED.keys);
    } catch {
      return false;
    }
  }, { timeoutMs: 30_000 });

  detail("$ kubectl apply -f db-secret.yaml   # label ferry.dev/write-through=aws, stringData username and password");
  console.log(ctx.kubectl(["apply", "-f", "-"], JSON.stringify(SECRET_MANIFEST)).replace(/^/gm, "  ").trimEnd());
  const stored = await ctx.core.readNamespacedSecret({ namespace: NAMESPACE, name: "db" });
  const annotations = stored.metadata?.annotations ?? {};
  const empty = Object.entries(stored.data ?? {}).every(([, v]) => v === "");
  detail(`in etcd: keys ${Object.keys(stored.data ?? {}).sort().join(", ")} with ${empty ? "empty values" : "VALUES (unexpected)"}, and the reference:`);
  for (const key of [RECORDED.remoteKey, RECORDED.arn, RECORDED.version, RECORDED.keys]) detail(`  ${key}: ${annotations[key]}`);
  const sm = new SecretsManagerClient({ region: state.region });
  const remote = await sm.send(new GetSecretValueCommand({ SecretId: annotations[RECORDED.arn] }));
  const document = JSON.parse(remote.SecretString ?? "{}") as Record<string, string>;
  const same = Object.entries(SECRET_MANIFEST.stringData).every(([k, v]) => document[k] === v);
  detail(`in Secrets Manager (moto): ${remote.Name} holds keys ${Object.keys(document).sort().join(", ")}; the values are the ones applied: ${same ? "yes" : "NO"}`);
  sm.destroy();
  if (!empty || !same) throw new Error("write-through did not move the values");
}
