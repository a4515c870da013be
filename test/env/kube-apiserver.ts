import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./free-port.ts";
import { probe } from "./http-probe.ts";
import { ManagedProcess, waitUntil } from "./managed-process.ts";
import type { Pki } from "./pki.ts";

export interface RunningApiserver {
  process: ManagedProcess;
  url: string;
}

/**
 * Starts kube-apiserver the way envtest does, plus RBAC and a service-account issuer (TokenRequest).
 * The ServiceAccount admission plugin stays off: no kubelet mounts tokens and tests create their own
 * ServiceAccounts, so the plugin would only reject pods.
 */
export async function startApiserver(options: {
  binary: string;
  etcdUrl: string;
  pki: Pki;
  logDir: string;
}): Promise<RunningApiserver> {
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const { pki } = options;
  const admissionConfig = writeAdmissionConfiguration(pki);
  const process = ManagedProcess.start({
    name: "kube-apiserver",
    command: options.binary,
    logFile: join(options.logDir, "kube-apiserver.log"),
    args: [
      `--etcd-servers=${options.etcdUrl}`,
      "--bind-address=127.0.0.1", `--secure-port=${port}`,
      `--tls-cert-file=${pki.servingCert}`, `--tls-private-key-file=${pki.servingKey}`,
      `--client-ca-file=${pki.caCert}`,
      "--service-cluster-ip-range=10.0.0.0/24",
      `--service-account-issuer=${url}`,
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      "--authorization-mode=RBAC",
      "--allow-privileged=true",
      "--disable-admission-plugins=ServiceAccount",
      `--admission-control-config-file=${admissionConfig}`,
      // A loopback address is not a valid endpoint IP for the kubernetes Service.
      "--endpoint-reconciler-type=none",
      "--profiling=false",
      "--v=1",
    ],
  });
  const tls = {
    ca: readFileSync(pki.caCert),
    cert: readFileSync(pki.adminCert),
    key: readFileSync(pki.adminKey),
  };
  // Probe with the admin certificate: anonymous /readyz is 403 until RBAC bootstrap finishes.
  // 90 s: Kubernetes' own integration framework needed 60 s on contended 2-core runners.
  await waitUntil(
    "kube-apiserver /readyz and the default namespace",
    async () =>
      (await probe(`${url}/readyz`, { tls })).status === 200 &&
      (await probe(`${url}/api/v1/namespaces/default`, { tls })).status === 200,
    { timeoutMs: 90_000, intervalMs: 500, process },
  );
  return { process, url };
}

/**
 * The apiserver's identity towards admission webhooks, configured as on a real control plane: an
 * AdmissionConfiguration whose WebhookAdmissionConfiguration points at a kubeconfig holding the client
 * certificate to present. `*` is the default match (any webhook host); a cluster would name the webhook's
 * Service (`ferry-webhook.ferry-system.svc:443`). Servers that ask for no certificate are unaffected.
 */
export function writeAdmissionConfiguration(pki: Pki): string {
  const b64 = (path: string) => readFileSync(path).toString("base64");
  const kubeconfig = join(pki.dir, "webhook-client.kubeconfig");
  writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    users: [{ name: "*", user: { "client-certificate-data": b64(pki.webhookClientCert), "client-key-data": b64(pki.webhookClientKey) } }],
  }));
  const webhookAdmission = { apiVersion: "apiserver.config.k8s.io/v1", kind: "WebhookAdmissionConfiguration", kubeConfigFile: kubeconfig };
  const path = join(pki.dir, "admission-configuration.json");
  writeFileSync(path, JSON.stringify({
    apiVersion: "apiserver.config.k8s.io/v1",
    kind: "AdmissionConfiguration",
    plugins: [
      { name: "MutatingAdmissionWebhook", configuration: webhookAdmission },
      { name: "ValidatingAdmissionWebhook", configuration: webhookAdmission },
    ],
  }));
  return path;
}
