import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdtemp, writeFile } from "node:fs/promises";
import { connect } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "./wait-for.test-support.ts";
import { testCertificateAuthority, type TestCertificate } from "./test-certificates.ts";
import { WebhookServer } from "./webhook-server.ts";

/** The SHA-256 fingerprint of the certificate a TLS client is shown. */
function servedFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, ca }, () => {
      resolve(socket.getPeerX509Certificate()!.fingerprint256);
      socket.end();
    });
    socket.on("error", reject);
  });
}

describe("certificate reload", () => {
  let first: TestCertificate;
  let second: TestCertificate;
  let third: TestCertificate;
  let dir: string;
  let server: WebhookServer;

  before(async () => {
    const authority = await testCertificateAuthority();
    [first, second, third] = [await authority.issue("one"), await authority.issue("two"), await authority.issue("three")];
    dir = await mkdtemp(join(tmpdir(), "ferry-served-"));
    await copyFile(first.certFile, join(dir, "tls.crt"));
    await copyFile(first.keyFile, join(dir, "tls.key"));
    server = new WebhookServer({
      address: "127.0.0.1:0",
      certFile: join(dir, "tls.crt"),
      keyFile: join(dir, "tls.key"),
      handlers: {},
      clientAuth: { mode: "none" },
      certPollIntervalMs: 200,
    });
    await server.start();
  });
  after(async () => {
    await server.stop();
  });

  test("new files are served without a restart", async () => {
    const initial = await servedFingerprint(server.port, first.ca);
    assert.equal(initial, server.certificate.fingerprint);
    await copyFile(second.keyFile, join(dir, "tls.key"));
    await copyFile(second.certFile, join(dir, "tls.crt"));
    await waitFor("the new certificate", async () => (await servedFingerprint(server.port, first.ca)) !== initial);
    assert.equal(await servedFingerprint(server.port, first.ca), server.certificate.fingerprint);
    assert.equal(server.certificate.reloads, 1);
  });

  test("a half-written rotation (certificate without its key) keeps the previous pair", async () => {
    const current = server.certificate.fingerprint;
    await copyFile(third.certFile, join(dir, "tls.crt"));
    await server.certificate.check();
    assert.equal(server.certificate.fingerprint, current);
    assert.equal(await servedFingerprint(server.port, first.ca), current);
    await writeFile(join(dir, "tls.key"), "not a key");
    await server.certificate.check();
    assert.equal(await servedFingerprint(server.port, first.ca), current);
    await copyFile(third.keyFile, join(dir, "tls.key"));
    await waitFor("the completed rotation", async () => (await servedFingerprint(server.port, first.ca)) !== current);
    assert.equal(server.certificate.reloads, 2);
  });

  test("a server whose files are unusable at start fails loudly", async () => {
    await writeFile(join(dir, "bad.crt"), "nope");
    assert.throws(() => new WebhookServer({ certFile: join(dir, "bad.crt"), keyFile: join(dir, "tls.key"), handlers: {}, clientAuth: { mode: "none" } }));
  });
});
