// Deadlines and shutdown with the real `ferry controller` process: AWS black-holed (a socket that accepts
// and never answers, as a dropped route or a hung proxy looks to the SDK).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { TestEnvironment, waitUntil } from "../../env/index.ts";
import { repoRoot } from "../../env/paths.ts";

const main = join(repoRoot, "src", "cli", "main.ts");
const env = TestEnvironment.load();
const kc = env.kubeConfig();
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
let ns: { name: string; delete: () => Promise<void> };
let blackHole: Server;
let connections = 0;
const sockets = new Set<Socket>();

before(async () => {
  ns = await env.createNamespace("deadlines");
  blackHole = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  await objects.create({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "aws", namespace: ns.name }, spec: { provider: { aws: { service: "SecretsManager", region: env.state.region } }, retrySettings: { maxRetries: 0 } } } as k8s.KubernetesObject);
  await objects.create({
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "app", namespace: ns.name },
    spec: { refreshInterval: "1h", secretStoreRef: { name: "aws" }, target: { name: "app" }, data: [{ secretKey: "p", remoteRef: { key: "svc/app" } }] },
  } as k8s.KubernetesObject);
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => blackHole.close(() => resolve()));
  await ns.delete();
});

function startController(args: string[], leaseName: string): { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; at: number }> } {
  const { port } = blackHole.address() as { port: number };
  const child = spawn(
    process.execPath,
    [main, "controller", "--kubeconfig", env.state.kubeconfig, "--health-addr", "127.0.0.1:0", "--namespace", ns.name, "--leader-elect", "--leader-election-namespace", ns.name, "--leader-election-id", leaseName, ...args],
    { env: { ...process.env, ...env.awsEnvironment(`http://127.0.0.1:${port}`) } },
  );
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once("exit", (code) => resolve({ code, at: performance.now() })));
  return { child, output: () => output, exited };
}

const readyOf = async () => {
  const es = (await custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns.name, plural: "externalsecrets", name: "app" })) as { status?: { conditions?: Array<{ type: string; status: string; message?: string }> } };
  return es.status?.conditions?.find((c) => c.type === "Ready");
};

describe("deadlines on AWS calls", () => {
  test("a black-holed AWS endpoint fails the read at the configured request timeout, and the condition says so", async () => {
    const before = connections;
    const c = startController(["--aws-request-timeout", "1s", "--aws-connect-timeout", "1s"], "ferry-deadlines-a");
    try {
      await waitUntil("Ready=False naming the timeout", async () => {
        const ready = await readyOf();
        return ready?.status === "False" && /timeout|timed out/i.test(ready.message ?? "");
      }, { timeoutMs: 60_000 });
      assert.ok(connections - before >= 1, "the read reached the black hole");
      assert.doesNotMatch(c.output(), /"level":"?(fatal|60)/);
    } finally {
      c.child.kill("SIGTERM");
      await c.exited;
    }
  });
});

describe("shutdown while AWS calls hang", () => {
  test("SIGTERM aborts the hanging reconciles, releases the Lease and exits within --graceful-shutdown-timeout", async () => {
    const lease = "ferry-deadlines-b";
    // Calls that would hang for two minutes: only the reconcile's abort signal can cut them.
    const c = startController(["--aws-request-timeout", "120s", "--aws-connect-timeout", "120s", "--graceful-shutdown-timeout", "12s"], lease);
    const before = connections;
    await waitUntil("the leader Lease", () => /became leader/.test(c.output()), { timeoutMs: 30_000 });
    await waitUntil("a read hanging on the black hole", () => connections > before && sockets.size > 0, { timeoutMs: 30_000 });
    const held = await coordination.readNamespacedLease({ namespace: ns.name, name: lease });
    assert.ok(held.spec?.holderIdentity, "held while leading");

    const sent = performance.now();
    c.child.kill("SIGTERM");
    const { code, at } = await c.exited;
    const seconds = (at - sent) / 1000;
    assert.equal(code, 0, c.output().split("\n").slice(-15).join("\n"));
    // The budget is 12 s; a generous bound that still fails without the fix (35 s drain, then the release).
    assert.ok(seconds < 20, `exited after ${seconds.toFixed(1)} s`);
    assert.match(c.output(), /aborting in-flight reconciles/);
    const released = await coordination.readNamespacedLease({ namespace: ns.name, name: lease });
    assert.equal(released.spec?.holderIdentity ?? "", "", "the Lease was released: a standby takes over at once");
  });
});
