import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { stringify } from "yaml";
import type { Pki } from "./pki.ts";

const b64 = (path: string) => readFileSync(path).toString("base64");

/** The admin kubeconfig (client certificate in system:masters) used by the harness, kubectl and the GC. */
export async function writeAdminKubeconfig(path: string, server: string, pki: Pki): Promise<void> {
  await writeFile(path, kubeconfigYaml(server, pki.caCert, { "client-certificate-data": b64(pki.adminCert), "client-key-data": b64(pki.adminKey) }));
}

/** A kubeconfig that authenticates with a bearer token (a ServiceAccount's TokenRequest token). */
export function tokenKubeconfigYaml(server: string, caCertPath: string, token: string): string {
  return kubeconfigYaml(server, caCertPath, { token });
}

function kubeconfigYaml(server: string, caCertPath: string, user: Record<string, string>): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "ferry-test", cluster: { server, "certificate-authority-data": b64(caCertPath) } }],
    users: [{ name: "ferry-test", user }],
    contexts: [{ name: "ferry-test", context: { cluster: "ferry-test", user: "ferry-test" } }],
    "current-context": "ferry-test",
  });
}
