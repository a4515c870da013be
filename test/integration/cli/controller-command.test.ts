// `ferry controller` as a user runs it: a real process against the local control plane.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { TestEnvironment, waitUntil, type FaultProxy } from "../../env/index.ts";
import { repoRoot } from "../../env/paths.ts";

const main = join(repoRoot, "src", "cli", "main.ts");
const ferry = (args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: "utf8" });

describe("ferry controller", () => {
  test("--help documents every flag", () => {
    const r = ferry(["controller", "--help"]);
    assert.equal(r.status, 0);
    for (const flag of ["--kubeconfig", "--namespace", "--concurrency", "--leader-elect", "--leader-election-namespace", "--leader-election-id", "--health-addr", "--metrics-addr", "--store-requeue-interval", "--log-level", "--log-time-format"]) {
      assert.ok(r.stdout.includes(flag), `${flag} documented`);
    }
  });

  const bad: Array<{ args: string[]; message: RegExp }> = [
    { args: ["controller", "--concurrency", "0"], message: /option '--concurrency <n>' argument '0' is invalid\. must be a positive integer/ },
    { args: ["controller", "--log-level", "loud"], message: /argument 'loud' is invalid\. Allowed choices are debug, info, warn, error/ },
    { args: ["controler"], message: /unknown command 'controler'/ },
    { args: ["controller", "--kubeconfig", "/nonexistent/kubeconfig"], message: /^error: cannot load kubeconfig \/nonexistent\/kubeconfig/m },
    // ESO flags Ferry cannot honour: refused before anything starts, every one named with its reason.
    {
      args: ["controller", "--client-qps=100", "--enable-flood-gate=false"],
      message: /2 ESO flags cannot be used:\n {2}--client-qps=100 \(ESO flag\) cannot be honoured: .*\n {2}--enable-flood-gate=false \(ESO flag\) cannot be honoured: .*cannot be turned off/,
    },
    { args: ["controller", "--store-requeue-interval=soon"], message: /--store-requeue-interval \(ESO flag\): invalid duration "soon"/ },
  ];
  for (const c of bad) {
    test(`bad input: ferry ${c.args.join(" ")} → a clear message and a non-zero exit, no stack trace`, () => {
      const r = ferry(c.args);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, c.message);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }

  describe("running", () => {
    const env = TestEnvironment.load();
    let proxy: FaultProxy;
    let child: ChildProcess;
    let output = "";
    before(async () => {
      proxy = await env.startAwsProxy();
      child = spawn(process.execPath, [main, "controller", "--kubeconfig", env.state.kubeconfig, "--health-addr", "127.0.0.1:0", "--leader-elect", "--leader-election-id", `ferry-cli-${Date.now()}`], {
        env: { ...process.env, ...env.awsEnvironment(proxy.url) },
      });
      child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    });
    after(async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      await proxy.close();
    });

    test("serves /healthz and /readyz, takes the leader Lease, and stops cleanly on SIGTERM", async () => {
      await waitUntil("the health server address in the log", () => /"address":"http:\/\/127\.0\.0\.1:\d+"/.test(output), { timeoutMs: 20_000 });
      const url = /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)![1]!;
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      await waitUntil("the leader Lease", () => /became leader/.test(output), { timeoutMs: 30_000 });
      await waitUntil("readiness (caches synced after leading)", async () => (await fetch(`${url}/readyz`)).status === 200, { timeoutMs: 30_000 });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /process_cpu_seconds_total/);
      // The sync metrics (docs/observability.md) are registered and their work queue series exist from the start.
      assert.match(metrics, /^# TYPE externalsecret_sync_calls_total counter$/m);
      assert.match(metrics, /^workqueue_depth\{name="externalsecret"\} \d+$/m);
      assert.match(metrics, /^workqueue_depth\{name="pushsecret"\} \d+$/m);
    });

    test("pushes a PushSecret (the PushSecret controller runs in the same process, under the same lease)", async () => {
      await waitUntil("the leader Lease", () => /became leader/.test(output), { timeoutMs: 30_000 });
      const kc = env.kubeConfig();
      const ns = await env.createNamespace("cli-push");
      try {
        const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
        await objects.create({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "aws", namespace: ns.name }, spec: { provider: { aws: { service: "SecretsManager", region: env.state.region } } } } as k8s.KubernetesObject);
        await kc.makeApiClient(k8s.CoreV1Api).createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: "src" }, stringData: { token: "cli-push-value" } } });
        await objects.create({
          apiVersion: "external-secrets.io/v1alpha1", kind: "PushSecret", metadata: { name: "push", namespace: ns.name },
          spec: { secretStoreRefs: [{ name: "aws" }], selector: { secret: { name: "src" } }, data: [{ match: { secretKey: "token", remoteRef: { remoteKey: `${ns.name}/pushed` } } }] },
        } as k8s.KubernetesObject);
        const sm = new SecretsManagerClient({ region: env.state.region, endpoint: proxy.url, credentials: { accessKeyId: env.awsEnvironment(proxy.url).AWS_ACCESS_KEY_ID ?? "test", secretAccessKey: env.awsEnvironment(proxy.url).AWS_SECRET_ACCESS_KEY ?? "test" } });
        await waitUntil("the pushed secret in AWS", async () => {
          const v = await sm.send(new GetSecretValueCommand({ SecretId: `${ns.name}/pushed` })).catch(() => undefined);
          return v?.SecretBinary !== undefined && Buffer.from(v.SecretBinary).toString("utf8") === "cli-push-value";
        }, { timeoutMs: 30_000 });
      } finally {
        await ns.delete();
      }
    });
  });

  // The arguments ESO's chart renders (deploy/charts/external-secrets/templates/deployment.yaml) plus
  // extraArgs, given to `ferry controller` unchanged.
  describe("running with ESO's arguments", () => {
    const env = TestEnvironment.load();
    let child: ChildProcess;
    let output = "";
    before(() => {
      const esoArgs = ["--enable-leader-election=true", "--concurrent=2", "--metrics-addr=127.0.0.1:0", "--loglevel=info", "--zap-time-encoding=epoch", "--live-addr=127.0.0.1:0", "--store-requeue-interval=1m", "--enable-flood-gate"];
      child = spawn(process.execPath, [main, "controller", "--kubeconfig", env.state.kubeconfig, "--leader-election-id", `ferry-eso-args-${Date.now()}`, ...esoArgs], { env: { ...process.env, ...env.awsEnvironment(env.state.motoUrl) } });
      child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    });
    after(async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    });

    test("leads, serves health on --live-addr and metrics on --metrics-addr, logs epoch seconds", async () => {
      await waitUntil("both listeners in the log", () => /metrics server listening/.test(output), { timeoutMs: 20_000 });
      const address = (what: string) => new RegExp(`"address":"(http://127\\.0\\.0\\.1:\\d+)"[^\\n]*"msg":"${what}"`).exec(output)?.[1];
      const health = address("health server listening");
      const metricsUrl = address("metrics server listening");
      assert.ok(health && metricsUrl && health !== metricsUrl, output);
      assert.equal((await fetch(`${health}/healthz`)).status, 200);
      assert.match(await (await fetch(`${metricsUrl}/metrics`)).text(), /^# TYPE externalsecret_sync_calls_total counter$/m);
      await waitUntil("the leader Lease", () => /became leader/.test(output), { timeoutMs: 30_000 });
      assert.match(output, /"time":\d{10}\.\d+/, "zap's epoch: seconds with a fraction");
      await waitUntil("the ExternalSecret controller with --concurrent workers", () => /"controller":"externalsecret"[^\n]*"workers":2/.test(output), { timeoutMs: 30_000 });
    });
  });
});
