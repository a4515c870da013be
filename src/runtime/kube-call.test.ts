import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import * as k8s from "@kubernetes/client-node";
import { kubeCallOptions } from "./kube-call.ts";
import { isTransientKubeError } from "./kube-errors.ts";
import { KubeApiError } from "./kube-request.ts";

let server: Server;
let requests = 0;
const sockets = new Set<Socket>();
let core: k8s.CoreV1Api;

before(async () => {
  // An apiserver that accepts connections and never answers (black-holed behind a load balancer).
  server = createServer((socket) => {
    sockets.add(socket);
    socket.once("data", () => requests++);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  core = kc.makeApiClient(k8s.CoreV1Api);
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("kubeCallOptions", () => {
  test("a call to an apiserver that never answers fails at its deadline, as a transient error", async () => {
    const before = requests;
    const err = await core.readNamespacedSecret({ namespace: "a", name: "b" }, kubeCallOptions({ timeoutMs: 500 })).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof Error, "rejected");
    // One attempt at most, never a retry. On a saturated machine the deadline can fire before this process's
    // server has read the request bytes, so 0 is possible too (seen in 2 of 5 loaded unit runs).
    assert.ok(requests - before <= 1, `${requests - before} requests`);
    assert.ok(isTransientKubeError(err), `${err.name}: ${err.message}`);
  });

  test("the caller's signal cuts a hanging call, and keeps other per-call options", async () => {
    const abort = new AbortController();
    const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
    const before = requests;
    const call = core.patchNamespacedSecret({ namespace: "a", name: "b", body: {} }, kubeCallOptions({ signal: abort.signal, timeoutMs: 60_000 }, merge));
    while (requests === before) await new Promise((r) => setTimeout(r, 10));
    abort.abort(new Error("controller stopping"));
    await assert.rejects(call);
  });
});

describe("isTransientKubeError", () => {
  const refused = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
  const cases: Array<[string, unknown, boolean]> = [
    ["connection refused (undici)", refused, true],
    ["fetch failed without a cause", new TypeError("fetch failed"), true],
    ["a deadline", Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" }), true],
    ["500", new k8s.ApiException(500, "x", "", {}), true],
    ["503 from a raw request", new KubeApiError(503, "ServiceUnavailable", "unavailable"), true],
    ["429", new k8s.ApiException(429, "x", "", {}), true],
    ["409 conflict", new k8s.ApiException(409, "x", "", {}), false],
    ["403 forbidden", new KubeApiError(403, "Forbidden", "forbidden"), false],
    ["422 invalid", new k8s.ApiException(422, "x", "", {}), false],
    ["a provider error", new Error("BatchGetSecretValue: InternalServiceError: boom"), false],
    ["a wrapped refusal", new Error("write failed", { cause: refused }), true],
  ];
  for (const [name, err, transient] of cases) {
    test(`${name}: ${transient ? "transient" : "not transient"}`, () => assert.equal(isTransientKubeError(err), transient));
  }
});
