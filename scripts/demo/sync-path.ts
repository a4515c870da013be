/**
 * The sync path: ESO's tutorial manifests applied unchanged (v1beta1, secretRef and IRSA-style jwt auth, a
 * ClusterSecretStore) and turned into Secrets by `ferry controller`.
 */
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type * as k8s from "@kubernetes/client-node";
import { waitUntil } from "../../test/env/managed-process.ts";
import { loadSeedManifests } from "../../test/fixtures/seeds/index.ts";
import type { DemoContext } from "./context.ts";
import { detail, section } from "./output.ts";
import { startFerry, waitForLog } from "./processes.ts";

export async function seedAws(): Promise<void> {
  const east = new SecretsManagerClient({ region: "us-east-1" });
  const west = new SecretsManagerClient({ region: "us-west-2" });
  await east.send(new CreateSecretCommand({ Name: "DB-CREDENTIALS", SecretString: JSON.stringify({ "db-user": "kubeops", "db-pass": "s3cr3t-db" }) }));
  await east.send(new CreateSecretCommand({ Name: "app-secret", SecretString: JSON.stringify({ API_KEY: "k-123", API_URL: "https://api.example" }) }));
  await east.send(new CreateSecretCommand({ Name: "checkout/stripe", SecretString: JSON.stringify({ "api-key": "sk_demo_4242", webhook: "whsec_demo" }) }));
  await west.send(new CreateSecretCommand({ Name: "eks-workshop/catalog-secret", SecretString: JSON.stringify({ username: "catalog", password: "c4t4log" }) }));
  await new SSMClient({}).send(new PutParameterCommand({ Name: "/demo/feature-flags", Type: "String", Value: "checkout=on" }));
  detail("DB-CREDENTIALS, app-secret, checkout/stripe (us-east-1), eks-workshop/catalog-secret (us-west-2), /demo/feature-flags (SSM)");
}

export async function syncPath(ctx: DemoContext): Promise<void> {
  section("Sync: ESO's manifests, unchanged, become Kubernetes Secrets", "ExternalSecrets and stores written for the External Secrets Operator (v1beta1 as in ESO's tutorials) are synced by `ferry controller`.");
  for (const name of ["demo", "external-secrets", "catalog"]) await ctx.core.createNamespace({ body: { metadata: { name } } });
  await ctx.core.createNamespacedSecret({ namespace: "demo", body: { metadata: { name: "aws-secret-user-secret" }, stringData: { "access-key": "demo", "secret-access-key": "demo" } } });
  const apply = async (m: k8s.KubernetesObject) => {
    await ctx.objects.create(m);
    detail(`applied ${m.kind}/${m.metadata?.name}${m.metadata?.namespace ? ` -n ${m.metadata.namespace}` : ""}`);
  };
  await apply({ apiVersion: "external-secrets.io/v1beta1", kind: "ClusterSecretStore", metadata: { name: "global-secret-store" }, spec: { provider: { aws: { service: "SecretsManager", region: "us-east-1" } } } } as k8s.KubernetesObject);
  await apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "parameters", namespace: "demo" }, spec: { provider: { aws: { service: "ParameterStore", region: "us-east-1" } } } } as k8s.KubernetesObject);
  await apply({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "feature-flags", namespace: "demo" }, spec: { secretStoreRef: { name: "parameters" }, data: [{ secretKey: "flags", remoteRef: { key: "/demo/feature-flags" } }] } } as k8s.KubernetesObject);
  for (const { manifest } of loadSeedManifests({ accountId: "123456789012" })) {
    const m = structuredClone(manifest) as k8s.KubernetesObject;
    if (!m.metadata!.namespace && !m.kind!.startsWith("Cluster")) m.metadata!.namespace = "demo";
    await apply(m);
  }

  const controller = startFerry("controller", ["controller", "--kubeconfig", ctx.env.state.kubeconfig, "--health-addr", "127.0.0.1:0"], { ...process.env, ...ctx.awsEnv }, ctx.env.state.runDir);
  ctx.processes.push(controller);
  detail(`started \`ferry controller\` (logs: ${controller.logFile})`);
  await waitForLog(controller, /controller started/);
  await waitUntil("every ExternalSecret to be Ready", async () => {
    const list = (await ctx.custom.listClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "externalsecrets" })) as { items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> };
    return list.items.length > 0 && list.items.every((es) => es.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  }, { timeoutMs: 60_000 });

  detail("$ kubectl get externalsecrets,secretstores,clustersecretstores -A");
  console.log(ctx.kubectl(["get", "externalsecrets,secretstores,clustersecretstores", "-A"]).replace(/^/gm, "  ").trimEnd());
  detail("Synced Secrets (keys only; values are never printed):");
  const secrets = await ctx.core.listSecretForAllNamespaces({ labelSelector: "reconcile.external-secrets.io/managed=true" });
  for (const s of secrets.items) {
    const owner = s.metadata?.ownerReferences?.find((r) => r.controller);
    detail(`  ${s.metadata?.namespace}/${s.metadata?.name}: ${Object.keys(s.data ?? {}).sort().join(", ")}${owner ? `  (owned by ${owner.kind}/${owner.name})` : ""}`);
  }
}
