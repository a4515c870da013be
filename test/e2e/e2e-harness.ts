/**
 * Shared pieces of the end-to-end tests: the real node (test/env/node) with Ferry's image, Helm, kubectl,
 * an AWS client on moto, and polling. `FERRY_E2E=skip` skips the suite explicitly; otherwise a machine that
 * cannot run the node fails with what is missing.
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { chartDir, helm } from "../../tools/helm/helm.ts";
import { ensureNodeBinaries, missingPrerequisites } from "../env/node/binaries.ts";
import { startNodeCluster, type NodeCluster } from "../env/node/cluster.ts";
import { hostState, type HostState } from "../env/node/host-state.ts";
import { BUSYBOX_IMAGE, FERRY_IMAGE, buildImages } from "../env/node/image.ts";
import { BRIDGE_GATEWAY } from "../env/node/configs.ts";
import { NODE_IP } from "../env/node/namespace.ts";

export const REGION = "us-east-1";
export const RELEASE = "ferry";
export const RELEASE_NAMESPACE = "ferry-system";
export { BUSYBOX_IMAGE, chartDir };

/** Why the suite is skipped (only ever on an explicit opt-out), or undefined to run it. */
export function skipReason(): string | undefined {
  if (process.env.FERRY_E2E === "skip") return "FERRY_E2E=skip: end-to-end tests on a real node skipped on request";
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    throw new Error(`the end-to-end tests need a real node and this machine lacks: ${missing.join("; ")}. Install what is missing (.ci/run does), or set FERRY_E2E=skip to skip them explicitly.`);
  }
  return undefined;
}

export interface E2e {
  cluster: NodeCluster;
  before: HostState;
  aws: SecretsManagerClient;
  helm(args: readonly string[]): Promise<string>;
  kubectl(args: readonly string[], input?: string): Promise<string>;
  json<T>(args: readonly string[]): Promise<T>;
  apply(yaml: string): Promise<void>;
  /** Values the chart gets in every test: the local image, moto as AWS, the CSI provider on the node's driver. */
  installArgs(): string[];
  createSecret(name: string, value: string): Promise<string>;
  putSecret(name: string, value: string): Promise<void>;
  getSecret(id: string): Promise<string>;
}

export async function startE2e(): Promise<E2e> {
  const binaries = await ensureNodeBinaries();
  const images = await buildImages(binaries.csiBinDir);
  const before = await hostState();
  const cluster = await startNodeCluster(binaries, [images.pause, images.busybox, images.ferry, ...images.csi]);
  const aws = new SecretsManagerClient({ region: REGION, endpoint: cluster.motoUrl, credentials: { accessKeyId: "e2e", secretAccessKey: "e2e" } });
  const kubectl = (args: readonly string[], input?: string) => cluster.kubectl(args, input === undefined ? {} : { input });
  return {
    cluster,
    before,
    aws,
    helm: (args) => helm(args, { env: { KUBECONFIG: cluster.kubeconfig } }),
    kubectl,
    json: async <T>(args: readonly string[]) => JSON.parse(await kubectl([...args, "-o", "json"])) as T,
    apply: async (yaml) => void (await kubectl(["apply", "-f", "-"], yaml)),
    installArgs: () => [
      "--namespace", RELEASE_NAMESPACE, "--create-namespace",
      "--set", `image.repository=${FERRY_IMAGE.repository}`, "--set", `image.tag=${FERRY_IMAGE.tag}`, "--set", "image.pullPolicy=Never",
      "--set", `aws.region=${REGION}`,
      "--set", "aws.extraEnv[0].name=AWS_ENDPOINT_URL", "--set", `aws.extraEnv[0].value=${cluster.motoUrlInCluster}`,
      "--set", "webhook.enabled=true",
      // The apiserver presents a client certificate from the cluster CA with the chart's default allowed CN.
      "--set-file", `webhook.clientAuth.caBundle=${cluster.pki.caCert}`,
      // The apiserver connects from the node's address, or the bridge's when it dials a pod; the bridge CNI
      // does not enforce NetworkPolicy, so this only satisfies the chart (docs/security.md).
      "--set", `webhook.networkPolicy.apiserverCIDRs={${NODE_IP}/32,${BRIDGE_GATEWAY}/32}`,
      "--set", "csiProvider.enabled=true", "--set", `csiProvider.providerVolume=${cluster.providerDir}`,
      "--wait", "--timeout", "240s",
    ],
    createSecret: async (name, value) => (await aws.send(new CreateSecretCommand({ Name: name, SecretString: value }))).ARN!,
    putSecret: async (name, value) => void (await aws.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }))),
    getSecret: async (id) => (await aws.send(new GetSecretValueCommand({ SecretId: id }))).SecretString ?? "",
  };
}

export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

/** Polls until `probe` returns a value that is not undefined/false; fails with the last error or value. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    await sleep(1000);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}
