import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { runRecordingClientNode } from "../testing/client-node-modules.ts";

const kubeClientUrl = new URL("./kube-client.ts", import.meta.url).href;

describe("@kubernetes/client-node is loaded only for exec and auth-provider users", () => {
  test("importing the client and using a token kubeconfig does not load it", async () => {
    const { output, clientNodeModules } = await runRecordingClientNode(`
      const { createServer } = await import("node:http");
      const { KubeClient } = await import(${JSON.stringify(kubeClientUrl)});
      const server = createServer((req, res) => res.end(JSON.stringify({ auth: req.headers.authorization })));
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      const config = {
        clusters: [{ name: "c", server: "http://127.0.0.1:" + server.address().port, skipTLSVerify: true }],
        users: [{ name: "u", token: "plain" }],
        contexts: [{ name: "x", cluster: "c", user: "u" }],
        currentContext: "x",
      };
      return (await new KubeClient(config).get("/api")).auth;
    `);
    assert.equal(output, "Bearer plain");
    assert.deepEqual(clientNodeModules, []);
  });

  test("an exec-plugin kubeconfig loads it lazily, on the first request, and sends the plugin's token", async () => {
    const credential = JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: "from-exec-plugin" } });
    const { output, clientNodeModules } = await runRecordingClientNode(`
      const { createServer } = await import("node:http");
      const { KubeClient } = await import(${JSON.stringify(kubeClientUrl)});
      const server = createServer((req, res) => res.end(JSON.stringify({ auth: req.headers.authorization })));
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      const config = {
        clusters: [{ name: "c", server: "http://127.0.0.1:" + server.address().port, skipTLSVerify: true }],
        users: [{ name: "u", exec: { apiVersion: "client.authentication.k8s.io/v1", command: process.execPath, args: ["-e", ${JSON.stringify(`process.stdout.write(${JSON.stringify(credential)})`)}], interactiveMode: "Never" } }],
        contexts: [{ name: "x", cluster: "c", user: "u" }],
        currentContext: "x",
      };
      const client = new KubeClient(config);
      const before = globalThis.__clientNodeModules.length;
      const auth = (await client.get("/api")).auth;
      return { before, auth };
    `);
    assert.deepEqual(output, { before: 0, auth: "Bearer from-exec-plugin" });
    assert.ok(clientNodeModules.length > 0);
  });
});
