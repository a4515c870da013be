/**
 * The mount path: an ASCP SecretProviderClass's parameters sent to `ferry csi-provider` over its unix socket
 * exactly as the Secrets Store CSI driver sends a v1alpha1 MountRequest (attributes and secrets as JSON
 * strings, "null" secrets without nodePublishSecretRef, permission "420", the pod's service account token for
 * sts.amazonaws.com), then the returned files written where the driver would write them.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { loadProviderService } from "../../src/mount/index.ts";
import type { DemoContext } from "./context.ts";
import { detail, section } from "./output.ts";
import { startFerry, waitForLog } from "./processes.ts";

interface WireMountResponse {
  object_version: Array<{ id: string; version: string }>;
  files: Array<{ path: string; mode: number; contents: Buffer }>;
  error: { code: string } | null;
}

/** ASCP's parameters for the demo: a whole secret, two JSON keys through jmesPath (capitalised as in ASCP's e2e), and an SSM parameter. */
const OBJECTS = `
- objectName: "checkout/stripe"
  objectType: "secretsmanager"
  jmesPath:
    - Path: '"api-key"'
      ObjectAlias: "stripe-api-key"
    - Path: "webhook"
      ObjectAlias: "stripe-webhook-secret"
- objectName: "/demo/feature-flags"
  objectType: "ssmparameter"
`;

export async function mountPath(ctx: DemoContext): Promise<void> {
  section("Mount: ASCP's SecretProviderClass parameters, as files in the pod", "The CSI driver calls `ferry csi-provider` over gRPC (v1alpha1) for a pod's volume; the pod's own IRSA role reads AWS.");
  const { state } = ctx.env;
  const providerDir = join(state.runDir, "providers");
  await mkdir(providerDir, { recursive: true });
  const provider = startFerry("csi-provider", ["csi-provider", "--kubeconfig", state.kubeconfig, "--provider-volume", providerDir, "--health-addr", "127.0.0.1:0"], { ...process.env, ...ctx.awsEnv }, state.runDir);
  ctx.processes.push(provider);
  await waitForLog(provider, /csi-provider started/);
  const socket = join(providerDir, "ferry.sock");
  detail(`started \`ferry csi-provider\` on ${socket} (logs: ${provider.logFile})`);

  // The pod: namespace shop, ServiceAccount checkout with an IRSA role, and its token as kubelet requests it.
  await ctx.core.createNamespace({ body: { metadata: { name: "shop" } } });
  await ctx.core.createNamespacedServiceAccount({ namespace: "shop", body: { metadata: { name: "checkout", annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/checkout" } } } });
  const tokenRequest = await ctx.core.createNamespacedServiceAccountToken({ namespace: "shop", name: "checkout", body: { spec: { audiences: ["sts.amazonaws.com"], expirationSeconds: 3600 } } });
  const token = tokenRequest.status!.token;
  const expirationTimestamp = new Date(tokenRequest.status!.expirationTimestamp ?? Date.now() + 3_600_000).toISOString();
  const podUid = randomUUID();

  const attributes = {
    objects: OBJECTS,
    region: state.region,
    secretProviderClass: "checkout-secrets",
    "csi.storage.k8s.io/pod.name": "checkout-0",
    "csi.storage.k8s.io/pod.namespace": "shop",
    "csi.storage.k8s.io/pod.uid": podUid,
    "csi.storage.k8s.io/serviceAccount.name": "checkout",
    "csi.storage.k8s.io/ephemeral": "true",
    "csi.storage.k8s.io/serviceAccount.tokens": JSON.stringify({ "sts.amazonaws.com": { token, expirationTimestamp } }),
  };
  const targetPath = join(state.runDir, "kubelet", "pods", podUid, "volumes", "kubernetes.io~csi", "checkout-secrets", "mount");
  const Client = loadProviderService();
  const client = new Client(`unix:${socket}`, grpc.credentials.createInsecure()) as grpc.Client & Record<string, unknown>;
  let response: WireMountResponse;
  try {
    response = await new Promise<WireMountResponse>((resolve, reject) => {
      const mount = client.Mount as (req: unknown, cb: (err: grpc.ServiceError | null, res: WireMountResponse) => void) => void;
      mount.call(client, { attributes: JSON.stringify(attributes), secrets: "null", target_path: targetPath, permission: "420", current_object_version: [] }, (err, res) => (err ? reject(err) : resolve(res)));
    });
  } finally {
    client.close();
  }
  if (response.error?.code) throw new Error(`Mount failed: ${response.error.code}`);

  // What the driver does with the response: write each file under the target path with its mode.
  for (const file of response.files) {
    const path = join(targetPath, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.contents, { mode: file.mode });
  }
  detail(`Mount returned ${response.files.length} files, written to ${targetPath} (names only):`);
  for (const file of response.files) detail(`  ${file.path}  (mode ${file.mode.toString(8)}, ${file.contents.length} bytes)`);
  detail(`object versions: ${response.object_version.map((v) => `${v.id}@${v.version.slice(0, 8)}`).join(", ")}`);
}
