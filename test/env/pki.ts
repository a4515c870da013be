import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The CN of the apiserver's webhook client certificate (what `ferry webhook --client-allowed-names` accepts). */
export const WEBHOOK_CLIENT_NAME = "kube-apiserver-admission-client";

/** File paths of the test control plane's PKI, all PEM. */
export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  /** Serving cert for 127.0.0.1/localhost: used by the apiserver, and by test HTTPS servers (webhooks, proxies). */
  servingCert: string;
  servingKey: string;
  /** Client cert in group system:masters: the harness's admin identity. */
  adminCert: string;
  adminKey: string;
  /**
   * The client certificate the apiserver presents to admission webhooks (its AdmissionConfiguration's
   * kubeConfigFile), as a real cluster is configured for webhooks that authenticate their caller.
   */
  webhookClientCert: string;
  webhookClientKey: string;
  /** Service-account token signing key pair (TokenRequest). */
  serviceAccountKey: string;
  serviceAccountPub: string;
}

async function openssl(cwd: string, args: string[]): Promise<void> {
  await run("openssl", args, { cwd });
}

/** Issues a leaf certificate signed by the test CA. */
export async function issue(dir: string, name: string, subject: string, extensions: string): Promise<void> {
  await openssl(dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject]);
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key",
    "-CAcreateserial", "-days", "7", "-out", `${name}.crt`, "-extfile", `${name}.ext`]);
}

/**
 * Generates the PKI with openssl, as envtest's TinyCA does in Go: an EC P-256 CA, a serving certificate
 * with IP SAN 127.0.0.1 (Go rejects CN-only certificates), an admin client certificate and an RSA
 * service-account signing key.
 */
export async function generatePki(dir: string, options: { servingSans?: readonly string[] } = {}): Promise<Pki> {
  await mkdir(dir, { recursive: true });
  await openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", "ca.key", "-out", "ca.crt", "-days", "7", "-subj", "/CN=ferry-test-ca"]);
  await issue(dir, "serving", "/CN=kube-apiserver",
    `subjectAltName=${["IP:127.0.0.1", "DNS:localhost", ...(options.servingSans ?? [])].join(",")}\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n`);
  await issue(dir, "admin", "/O=system:masters/CN=ferry-test-admin",
    "extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n");
  await issue(dir, "webhook-client", `/CN=${WEBHOOK_CLIENT_NAME}`, "extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n");
  await openssl(dir, ["genrsa", "-out", "sa.key", "2048"]);
  await openssl(dir, ["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
  return {
    dir,
    caCert: join(dir, "ca.crt"),
    caKey: join(dir, "ca.key"),
    servingCert: join(dir, "serving.crt"),
    servingKey: join(dir, "serving.key"),
    adminCert: join(dir, "admin.crt"),
    adminKey: join(dir, "admin.key"),
    webhookClientCert: join(dir, "webhook-client.crt"),
    webhookClientKey: join(dir, "webhook-client.key"),
    serviceAccountKey: join(dir, "sa.key"),
    serviceAccountPub: join(dir, "sa.pub"),
  };
}
