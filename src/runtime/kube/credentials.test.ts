import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { resolveCredentials, needsPlugin, type PluginCredentials } from "./credentials.ts";
import { FileSource } from "./file-source.ts";
import type { KubeCluster, KubeConfig, KubeUser } from "./kubeconfig.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

function config(user: Omit<KubeUser, "name">, cluster: Partial<KubeCluster> = {}): KubeConfig {
  return {
    clusters: [{ name: "c", server: "https://10.0.0.1:6443", ...cluster }],
    users: [{ name: "u", ...user }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  };
}

/** Files in memory, counting reads; `now` is the injected clock. */
function fakeFiles(contents: Record<string, string>, clock: { now: number }) {
  let reads = 0;
  const files = new FileSource({
    refreshMs: 60_000,
    now: () => clock.now,
    read: (path) => {
      reads++;
      const content = contents[path];
      if (content === undefined) throw Object.assign(new Error("missing"), { code: "ENOENT" });
      return Buffer.from(content);
    },
  });
  return { files, reads: () => reads };
}

const noPlugin: PluginCredentials = () => Promise.reject(new Error("the plugin must not be used"));

describe("resolveCredentials", () => {
  const cases: Array<{ name: string; config: KubeConfig; files?: Record<string, string>; auth?: string | undefined; tls?: Record<string, string | boolean | undefined> }> = [
    { name: "client certificate data", config: config({ certData: b64("CERT"), keyData: b64("KEY") }, { caData: b64("CA") }), auth: undefined, tls: { ca: "CA", cert: "CERT", key: "KEY", rejectUnauthorized: true } },
    {
      name: "client certificate files",
      config: config({ certFile: "/p/c.crt", keyFile: "/p/c.key" }, { caFile: "/p/ca.crt" }),
      files: { "/p/c.crt": "FCERT", "/p/c.key": "FKEY", "/p/ca.crt": "FCA" },
      tls: { ca: "FCA", cert: "FCERT", key: "FKEY" },
    },
    { name: "token", config: config({ token: "tok" }), auth: "Bearer tok" },
    { name: "token file (trailing newline dropped)", config: config({ tokenFile: "/sa/token" }), files: { "/sa/token": "file-tok\n" }, auth: "Bearer file-tok" },
    { name: "token wins over token file, as client-go", config: config({ token: "tok", tokenFile: "/sa/token" }), files: { "/sa/token": "file-tok" }, auth: "Bearer tok" },
    {
      name: "client-node's in-cluster user (auth provider tokenFile)",
      config: config({ authProvider: { name: "tokenFile", config: { tokenFile: "/sa/token" } } }),
      files: { "/sa/token": "sa" },
      auth: "Bearer sa",
    },
    { name: "basic auth", config: config({ username: "admin", password: "pw" }), auth: `Basic ${b64("admin:pw")}` },
    { name: "insecure-skip-tls-verify", config: config({ token: "t" }, { skipTLSVerify: true, tlsServerName: "kubernetes" }), auth: "Bearer t", tls: { rejectUnauthorized: false, servername: "kubernetes" } },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const { files } = fakeFiles(c.files ?? {}, { now: 0 });
      const credentials = await resolveCredentials(c.config, files, noPlugin);
      assert.equal(credentials.headers.authorization, c.auth);
      for (const [k, v] of Object.entries(c.tls ?? {})) {
        const actual = credentials.tls[k as keyof typeof credentials.tls];
        assert.deepEqual(Buffer.isBuffer(actual) ? actual.toString() : actual, v, k);
      }
    });
  }

  test("a rotated token file is read again after the refresh period, not on every request", async () => {
    const clock = { now: 0 };
    const contents = { "/sa/token": "one" };
    const { files, reads } = fakeFiles(contents, clock);
    const cfg = config({ tokenFile: "/sa/token" });
    for (let i = 0; i < 10; i++) assert.equal((await resolveCredentials(cfg, files, noPlugin)).headers.authorization, "Bearer one");
    contents["/sa/token"] = "two";
    clock.now = 59_999;
    assert.equal((await resolveCredentials(cfg, files, noPlugin)).headers.authorization, "Bearer one");
    clock.now = 60_000;
    assert.equal((await resolveCredentials(cfg, files, noPlugin)).headers.authorization, "Bearer two");
    assert.equal(reads(), 2);
  });

  test("a token file that disappears for a moment keeps the last token", async () => {
    const clock = { now: 0 };
    const contents: Record<string, string> = { "/sa/token": "one" };
    const { files } = fakeFiles(contents, clock);
    await resolveCredentials(config({ tokenFile: "/sa/token" }), files, noPlugin);
    delete contents["/sa/token"];
    clock.now = 120_000;
    assert.equal((await resolveCredentials(config({ tokenFile: "/sa/token" }), files, noPlugin)).headers.authorization, "Bearer one");
  });

  test("exec users get headers and TLS from the plugin, others never call it", async () => {
    let calls = 0;
    const plugin: PluginCredentials = () => {
      calls++;
      return Promise.resolve({ headers: { authorization: "Bearer from-exec" }, tls: { cert: Buffer.from("EXEC-CERT") } });
    };
    const { files } = fakeFiles({}, { now: 0 });
    const credentials = await resolveCredentials(config({ exec: { command: "aws" } }), files, plugin);
    assert.equal(credentials.headers.authorization, "Bearer from-exec");
    assert.equal(credentials.tls.cert?.toString(), "EXEC-CERT");
    await resolveCredentials(config({ token: "t" }), files, plugin);
    assert.equal(calls, 1);
    assert.equal(needsPlugin({ name: "u", authProvider: { name: "oidc", config: {} } }), true);
    assert.equal(needsPlugin({ name: "u", authProvider: { name: "tokenFile", config: { tokenFile: "/t" } } }), false);
  });

  const errors: Array<{ name: string; config: KubeConfig; message: RegExp }> = [
    { name: "plain HTTP without insecure-skip-tls-verify", config: config({}, { server: "http://10.0.0.1:8080" }), message: /plain HTTP .* needs insecure-skip-tls-verify/ },
    { name: "proxy-url", config: config({}, { proxyUrl: "http://proxy:3128" }), message: /sets proxy-url, which Ferry does not support/ },
    { name: "missing certificate file", config: config({ certFile: "/nope.crt" }), message: /cannot read \/nope.crt: ENOENT/ },
  ];
  for (const c of errors) {
    test(`error: ${c.name}`, async () => {
      const { files } = fakeFiles({}, { now: 0 });
      await assert.rejects(resolveCredentials(c.config, files, noPlugin), c.message);
    });
  }
});
