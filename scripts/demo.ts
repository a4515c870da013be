// `npm run demo`: Ferry's main job on a local control plane. Starts etcd, kube-apiserver,
// kube-controller-manager and moto; seeds example secrets in AWS (moto); applies the seed documents'
// manifests unchanged (v1beta1); runs `ferry controller`; prints `kubectl get` and the synced keys (never
// values). Ctrl-C cleans up. `npm run demo -- --once` exits after printing (for scripts and CI).
import { spawn, execFileSync } from "node:child_process";
import { openSync } from "node:fs";
import { join } from "node:path";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import * as k8s from "@kubernetes/client-node";
import { startEnvironment } from "../test/env/environment.ts";
import { waitUntil } from "../test/env/managed-process.ts";
import { loadSeedManifests } from "../test/fixtures/seeds/index.ts";

const once = process.argv.includes("--once");
const say = (text: string) => console.log(`\n▶ ${text}`);
const env = await startEnvironment();
const { state } = env;
const awsEnv = { AWS_ENDPOINT_URL: state.motoUrl, AWS_REGION: state.region, AWS_ACCESS_KEY_ID: "demo", AWS_SECRET_ACCESS_KEY: "demo" };
Object.assign(process.env, awsEnv);
let controller: ReturnType<typeof spawn> | undefined;
const cleanup = async (code: number) => {
  controller?.kill("SIGTERM");
  await env.stop();
  process.exit(code);
};
process.once("SIGINT", () => void cleanup(0));
process.once("SIGTERM", () => void cleanup(0));

try {
  say("Seeding example secrets in AWS Secrets Manager and SSM Parameter Store (moto)");
  const east = new SecretsManagerClient({ region: "us-east-1" });
  const west = new SecretsManagerClient({ region: "us-west-2" });
  await east.send(new CreateSecretCommand({ Name: "DB-CREDENTIALS", SecretString: JSON.stringify({ "db-user": "kubeops", "db-pass": "s3cr3t-db" }) }));
  await east.send(new CreateSecretCommand({ Name: "app-secret", SecretString: JSON.stringify({ API_KEY: "k-123", API_URL: "https://api.example" }) }));
  await west.send(new CreateSecretCommand({ Name: "eks-workshop/catalog-secret", SecretString: JSON.stringify({ username: "catalog", password: "c4t4log" }) }));
  await new SSMClient({}).send(new PutParameterCommand({ Name: "/demo/feature-flags", Type: "String", Value: "checkout=on" }));
  console.log("  DB-CREDENTIALS, app-secret (us-east-1), eks-workshop/catalog-secret (us-west-2), /demo/feature-flags (SSM)");

  say("Applying the seed documents' manifests, unchanged (external-secrets.io/v1beta1)");
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(state.kubeconfig);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  for (const name of ["demo", "external-secrets", "catalog"]) await core.createNamespace({ body: { metadata: { name } } });
  await core.createNamespacedSecret({ namespace: "demo", body: { metadata: { name: "aws-secret-user-secret" }, stringData: { "access-key": "demo", "secret-access-key": "demo" } } });
  const apply = async (m: k8s.KubernetesObject) => {
    await objects.create(m);
    console.log(`  ${m.kind}/${m.metadata?.name}${m.metadata?.namespace ? ` -n ${m.metadata.namespace}` : ""}`);
  };
  await apply({ apiVersion: "external-secrets.io/v1beta1", kind: "ClusterSecretStore", metadata: { name: "global-secret-store" }, spec: { provider: { aws: { service: "SecretsManager", region: "us-east-1" } } } } as k8s.KubernetesObject);
  await apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "parameters", namespace: "demo" }, spec: { provider: { aws: { service: "ParameterStore", region: "us-east-1" } } } } as k8s.KubernetesObject);
  await apply({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "feature-flags", namespace: "demo" }, spec: { secretStoreRef: { name: "parameters" }, data: [{ secretKey: "flags", remoteRef: { key: "/demo/feature-flags" } }] } } as k8s.KubernetesObject);
  for (const { manifest } of loadSeedManifests({ accountId: "123456789012" })) {
    const m = structuredClone(manifest) as k8s.KubernetesObject;
    if (!m.metadata!.namespace && !m.kind!.startsWith("Cluster")) m.metadata!.namespace = "demo";
    await apply(m);
  }

  say("Starting `ferry controller`");
  const logFile = join(state.runDir, "ferry-controller.log");
  controller = spawn(process.execPath, ["src/cli/main.ts", "controller", "--kubeconfig", state.kubeconfig, "--health-addr", "127.0.0.1:0"], {
    env: { ...process.env, ...awsEnv },
    stdio: ["ignore", openSync(logFile, "a"), openSync(logFile, "a")],
  });
  console.log(`  logs: ${logFile}`);

  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  await waitUntil("every ExternalSecret to be Ready", async () => {
    const list = (await custom.listClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "externalsecrets" })) as { items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> };
    return list.items.length > 0 && list.items.every((es) => es.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  }, { timeoutMs: 60_000 });

  say("kubectl get externalsecrets,secretstores,clustersecretstores -A");
  const kubectl = (args: string[]) => execFileSync("kubectl", args, { env: { ...process.env, KUBECONFIG: state.kubeconfig }, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  try {
    console.log(kubectl(["get", "externalsecrets,secretstores,clustersecretstores", "-A"]));
  } catch {
    console.log("  (kubectl not available)");
  }

  say("Synced Secrets (keys only; values never printed)");
  const secrets = await core.listSecretForAllNamespaces({ labelSelector: "reconcile.external-secrets.io/managed=true" });
  for (const s of secrets.items) {
    const owner = s.metadata?.ownerReferences?.find((r) => r.controller);
    console.log(`  ${s.metadata?.namespace}/${s.metadata?.name}: ${Object.keys(s.data ?? {}).sort().join(", ")}${owner ? `  (owned by ${owner.kind}/${owner.name})` : ""}`);
  }

  if (once) await cleanup(0);
  say("Running. Try it in another shell:");
  console.log(`  export KUBECONFIG=${state.kubeconfig}`);
  console.log(`  export AWS_ENDPOINT_URL=${state.motoUrl} AWS_REGION=${state.region} AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo`);
  console.log("  aws secretsmanager put-secret-value --secret-id app-secret --secret-string '{\"API_KEY\":\"rotated\"}'");
  console.log("  kubectl annotate es -n demo app-secret external-secrets.io/force-sync=$(date +%s) --overwrite");
  console.log("Ctrl-C to stop and clean up.");
} catch (err) {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  await cleanup(1);
}
