// The serving certificate is replaced on disk (as cert-manager renews a Secret volume) while the real
// apiserver keeps calling: the webhook picks the new one up without a restart and writes keep working.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { TestEnvironment, waitUntil } from "../../env/index.ts";
import { WRITE_THROUGH_LABEL } from "../../../src/write-through/names.ts";
import { labelledSecretManifest, startWriteThrough, type WriteThroughHarness } from "./write-through-harness.ts";

const run = promisify(execFile);
const env = TestEnvironment.load();
let h: WriteThroughHarness;
let dir: string;

/** A new 127.0.0.1 serving certificate signed by the environment's CA (which the webhook configuration trusts). */
async function issue(name: string): Promise<{ cert: string; key: string }> {
  const { pki } = env.state;
  await run("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", "/CN=ferry-webhook"], { cwd: dir });
  await writeFile(join(dir, `${name}.ext`), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  await run("openssl", ["x509", "-req", "-in", `${name}.csr`, "-CA", pki.caCert, "-CAkey", pki.caKey, "-CAcreateserial", "-CAserial", join(dir, "ca.srl"), "-days", "1", "-out", `${name}.crt`, "-extfile", `${name}.ext`], { cwd: dir });
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-wt-certs-"));
  await copyFile(env.state.pki.servingCert, join(dir, "tls.crt"));
  await copyFile(env.state.pki.servingKey, join(dir, "tls.key"));
  h = await startWriteThrough({ certFile: join(dir, "tls.crt"), keyFile: join(dir, "tls.key"), certPollIntervalMs: 500 });
});
after(async () => {
  await h.stop();
});

test("a renewed certificate is served without a restart, and the apiserver keeps calling", async () => {
  const before = h.manager.server.certificate.fingerprint;
  assert.equal(before, new X509Certificate(readFileSync(env.state.pki.servingCert)).fingerprint256);
  const next = await issue("renewed");
  // Key first, then certificate, each by rename: the reloader must never serve a mismatched pair.
  await rename(next.key, join(dir, "tls.key"));
  await rename(next.cert, join(dir, "tls.crt"));
  await waitUntil("the renewed certificate in use", () => h.manager.server.certificate.fingerprint !== before, { timeoutMs: 10_000 });
  assert.equal(h.manager.server.certificate.fingerprint, new X509Certificate(readFileSync(join(dir, "tls.crt"))).fingerprint256);

  const reviews = h.reviews.length;
  await h.kubectl(["create", "-f", "-"], await labelledSecretManifest(h, "after-renewal", { a: "b" }, { [WRITE_THROUGH_LABEL]: "aws" }));
  assert.equal(h.reviews.length, reviews + 1);
  // Idle kept-alive connections were closed on reload, so the apiserver handshook again, with the new certificate.
  assert.equal(h.reviews.at(-1)?.certificate, h.manager.server.certificate.fingerprint);
  assert.notEqual(h.reviews.at(-1)?.certificate, before);
  assert.equal(h.manager.server.certificate.reloads, 1);
});
