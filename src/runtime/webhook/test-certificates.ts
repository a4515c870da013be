// Test support: certificates made with openssl (as test/env/pki.ts), for HTTPS servers in unit tests.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  /** The CA that signed it, PEM, for clients. */
  ca: string;
}

/** A fresh directory with a CA; `issue` makes 127.0.0.1 serving certificates signed by it. */
export async function testCertificateAuthority(): Promise<{
  dir: string;
  ca: string;
  caFile: string;
  issue(name: string): Promise<TestCertificate>;
  /** A client certificate (extendedKeyUsage clientAuth) with this CN, as the apiserver presents to webhooks. */
  issueClient(name: string): Promise<{ cert: string; key: string }>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-webhook-certs-"));
  await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=ferry-unit-ca"], { cwd: dir });
  const ca = await readFile(join(dir, "ca.crt"), "utf8");
  return {
    dir,
    ca,
    caFile: join(dir, "ca.crt"),
    async issueClient(name) {
      await run("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`], { cwd: dir });
      await writeFile(join(dir, `${name}.ext`), "extendedKeyUsage=clientAuth\n");
      await run("openssl", ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-out", `${name}.crt`, "-extfile", `${name}.ext`], { cwd: dir });
      return { cert: await readFile(join(dir, `${name}.crt`), "utf8"), key: await readFile(join(dir, `${name}.key`), "utf8") };
    },
    async issue(name) {
      await run("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`], { cwd: dir });
      await writeFile(join(dir, `${name}.ext`), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
      await run("openssl", ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-out", `${name}.crt`, "-extfile", `${name}.ext`], { cwd: dir });
      return { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`), ca };
    },
  };
}
