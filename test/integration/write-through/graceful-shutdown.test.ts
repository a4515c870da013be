// `ferry webhook` as a real process on the real control plane: SIGTERM turns readiness off at once, admission
// reviews are still answered during the drain period (with failurePolicy Fail a refused connection would fail
// a user's write mid-rollout), then the server closes, the Lease is released and the process exits 0 within
// its budget (drain + close timeout + the controller's abort grace), which the chart's grace period covers.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { Agent, request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { WEBHOOK_PATH } from "../../../src/write-through/webhook-configuration.ts";
import { TestEnvironment, waitUntil } from "../../env/index.ts";
import { freePort } from "../../env/free-port.ts";
import { probe } from "../../env/http-probe.ts";
import { repoRoot } from "../../env/paths.ts";

const env = TestEnvironment.load();
const DRAIN_SECONDS = 3;
const TIMEOUT_SECONDS = 2;
/** drain + close timeout + the controller's 5 s abort grace: what the process may take after SIGTERM. */
const BUDGET_MS = (DRAIN_SECONDS + TIMEOUT_SECONDS + 5) * 1000;
let dir = "";
let ns: { name: string; delete: () => Promise<void> };
let child: ChildProcess | undefined;
const output: string[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-drain-"));
  ns = await env.createNamespace("drain");
});
after(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await ns.delete();
  await rm(dir, { recursive: true, force: true });
});

/** An AdmissionReview the apiserver would send for an unlabelled Secret (allowed without AWS). */
function review(uid: string): string {
  return JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid,
      kind: { group: "", version: "v1", kind: "Secret" },
      resource: { group: "", version: "v1", resource: "secrets" },
      namespace: ns.name,
      name: "plain",
      operation: "CREATE",
      userInfo: { username: "alice" },
      object: { apiVersion: "v1", kind: "Secret", metadata: { name: "plain", namespace: ns.name }, data: {} },
    },
  });
}

/** POSTs as the apiserver does (its webhook client certificate); resolves with the status, the answer and whether the connection is closed after it. */
function admit(port: number, uid: string): Promise<{ status: number; allowed: boolean; connection: string | undefined }> {
  const { pki } = env.state;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `https://127.0.0.1:${port}${WEBHOOK_PATH}?timeout=10s`,
      // A keep-alive client, as the apiserver is: the answer says whether the server keeps the connection.
      { method: "POST", agent: new Agent({ keepAlive: true }), ca: readFileSync(pki.caCert), cert: readFileSync(pki.webhookClientCert), key: readFileSync(pki.webhookClientKey), headers: { "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => {
          const body = JSON.parse(text) as { response?: { allowed?: boolean } };
          resolve({ status: res.statusCode ?? 0, allowed: body.response?.allowed === true, connection: res.headers.connection });
        });
      },
    );
    req.on("error", reject);
    req.end(review(uid));
  });
}

async function holder(kc: k8s.KubeConfig): Promise<string> {
  try {
    const lease = await kc.makeApiClient(k8s.CoordinationV1Api).readNamespacedLease({ namespace: ns.name, name: "ferry-write-through" });
    return lease.spec?.holderIdentity ?? "";
  } catch {
    return "";
  }
}

test("SIGTERM: readiness off, reviews still answered while draining, then close, Lease released, exit 0 within budget", { timeout: 120_000 }, async () => {
  const [port, healthPort] = [await freePort(), await freePort()];
  const keyFile = join(dir, "hash-key");
  await writeFile(keyFile, randomBytes(32));
  const { pki } = env.state;
  child = spawn(process.execPath, [
    join(repoRoot, "src", "cli", "main.ts"), "webhook",
    "--kubeconfig", env.state.kubeconfig,
    "--address", `127.0.0.1:${port}`,
    "--health-addr", `127.0.0.1:${healthPort}`,
    "--tls-cert-file", pki.servingCert,
    "--tls-key-file", pki.servingKey,
    "--client-ca-file", pki.caCert,
    "--content-hash-key-file", keyFile,
    "--cluster-name", "drain-test",
    "--leader-elect", "--leader-election-namespace", ns.name,
    "--shutdown-drain-seconds", String(DRAIN_SECONDS),
    "--shutdown-timeout-seconds", String(TIMEOUT_SECONDS),
  ], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env.awsEnvironment("http://127.0.0.1:9") } });
  for (const stream of [child.stdout!, child.stderr!]) stream.on("data", (b: Buffer) => output.push(b.toString("utf8")));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child!.once("exit", (code) => resolve({ code, at: performance.now() })));

  const readyz = () => probe(`http://127.0.0.1:${healthPort}/readyz`).then((r) => r.status, () => 0);
  const kc = env.kubeConfig();
  await waitUntil("the webhook to be ready and leading", async () => (await readyz()) === 200 && (await holder(kc)) !== "", { timeoutMs: 60_000 });
  assert.deepEqual(await admit(port, "before"), { status: 200, allowed: true, connection: "keep-alive" });

  const signalled = performance.now();
  child.kill("SIGTERM");
  await waitUntil("readiness to turn off", async () => (await readyz()) === 500, { timeoutMs: 2_000, intervalMs: 50 });
  // New reviews during the drain are answered, each closing its connection (the next call reconnects,
  // to a replica that stays).
  const during: Array<Awaited<ReturnType<typeof admit>>> = [];
  while (performance.now() - signalled < (DRAIN_SECONDS - 0.7) * 1000) {
    during.push(await admit(port, `during-${during.length}`));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.ok(during.length >= 3, `${during.length} reviews during the drain`);
  for (const answer of during) assert.deepEqual(answer, { status: 200, allowed: true, connection: "close" });

  const { code, at } = await exited;
  assert.equal(code, 0, output.join(""));
  const took = at - signalled;
  assert.ok(took >= DRAIN_SECONDS * 1000 && took < BUDGET_MS, `exited ${Math.round(took)} ms after SIGTERM, budget ${BUDGET_MS} ms`);
  assert.equal(await holder(kc), "", "the Lease was released on the way out");
  await assert.rejects(admit(port, "after"), /ECONNREFUSED/);
});
