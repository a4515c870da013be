import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { isTransientKubeError } from "../kube-errors.ts";
import { KubeApiError } from "./api-error.ts";
import { KubeClient } from "./kube-client.ts";
import type { KubeConfig } from "./kubeconfig.ts";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let handler: Handler = (_req, _body, res) => res.end("{}");
let connections = 0;
const sockets = new Set<Socket>();
let client: KubeClient;

function configFor(port: number, user: Record<string, unknown> = { token: "tok" }): KubeConfig {
  return {
    clusters: [{ name: "c", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "u", ...user }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  };
}

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handler(req, Buffer.concat(chunks).toString(), res));
  });
  server.on("connection", (socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  client = new KubeClient(configFor((server.address() as { port: number }).port));
});

after(async () => {
  client.close();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const status = (res: ServerResponse, code: number, reason: string, message: string) => {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason, message, code }));
};

describe("KubeClient requests", () => {
  test("JSON in and out, with the token, the query and each patch type's content type", async () => {
    const seen: Array<{ method: string | undefined; url: string | undefined; auth: string | undefined; type: string | undefined; body: string }> = [];
    handler = (req, body, res) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers["content-type"], body });
      res.end(JSON.stringify({ kind: "Secret", metadata: { name: "s" } }));
    };
    const got = await client.get<{ metadata: { name: string } }>("/api/v1/namespaces/a/secrets/s");
    assert.equal(got.metadata.name, "s");
    await client.create("/api/v1/namespaces/a/secrets", { metadata: { name: "s" } }, { query: { fieldManager: "ferry" } });
    await client.replace("/api/v1/namespaces/a/secrets/s", { metadata: { name: "s" } });
    await client.patch("/api/v1/namespaces/a/secrets/s", "merge", { data: null });
    await client.patch("/api/v1/namespaces/a/secrets/s", "strategic", {});
    await client.patch("/api/v1/namespaces/a/secrets/s", "json", [{ op: "remove", path: "/data/x" }]);
    await client.patch("/api/v1/namespaces/a/secrets/s", "apply", {}, { query: { fieldManager: "ferry", force: true } });
    await client.delete("/api/v1/namespaces/a/secrets/s", { body: { preconditions: { uid: "u1" } } });
    assert.deepEqual(
      seen.map((s) => [s.method, s.url, s.type]),
      [
        ["GET", "/api/v1/namespaces/a/secrets/s", undefined],
        ["POST", "/api/v1/namespaces/a/secrets?fieldManager=ferry", "application/json"],
        ["PUT", "/api/v1/namespaces/a/secrets/s", "application/json"],
        ["PATCH", "/api/v1/namespaces/a/secrets/s", "application/merge-patch+json"],
        ["PATCH", "/api/v1/namespaces/a/secrets/s", "application/strategic-merge-patch+json"],
        ["PATCH", "/api/v1/namespaces/a/secrets/s", "application/json-patch+json"],
        ["PATCH", "/api/v1/namespaces/a/secrets/s?fieldManager=ferry&force=true", "application/apply-patch+yaml"],
        ["DELETE", "/api/v1/namespaces/a/secrets/s", "application/json"],
      ],
    );
    assert.ok(seen.every((s) => s.auth === "Bearer tok"));
    assert.deepEqual(JSON.parse(seen[3]!.body), { data: null });
    assert.deepEqual(JSON.parse(seen[7]!.body), { preconditions: { uid: "u1" } });
  });

  test("an error status is a KubeApiError with the Status's reason, never the body", async () => {
    handler = (_req, _body, res) => status(res, 409, "Conflict", "Operation cannot be fulfilled: the object has been modified");
    const err = await client.get("/api/v1/namespaces/a/secrets/s").catch((e: unknown) => e);
    assert.ok(err instanceof KubeApiError);
    assert.equal(err.statusCode, 409);
    assert.equal(err.reason, "Conflict");
    assert.equal(err.message, "GET /api/v1/namespaces/a/secrets/s: HTTP 409: Operation cannot be fulfilled: the object has been modified");
    assert.equal(isTransientKubeError(err), false);
    handler = (_req, _body, res) => status(res, 503, "ServiceUnavailable", "etcd down");
    assert.equal(isTransientKubeError(await client.get("/api/v1/x").catch((e: unknown) => e)), true);
  });

  test("the default deadline cuts a request the apiserver never answers, as a transient error", async () => {
    handler = () => {}; // accepted, never answered
    const err = await client.get("/api/v1/namespaces", { timeoutMs: 100 }).catch((e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.equal(isTransientKubeError(err), true);
  });

  test("the caller's signal aborts a request", async () => {
    handler = () => {};
    const controller = new AbortController();
    const pending = client.get("/api/v1/namespaces", { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(pending, (err: Error) => err.name === "AbortError");
  });

  test("100 requests share one keep-alive connection", async () => {
    handler = (_req, _body, res) => res.end("{}");
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = connections;
    for (let i = 0; i < 100; i++) await client.get("/api/v1/namespaces");
    assert.equal(connections - before, 1);
  });

  test("an apiserver that refuses connections is a transient error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = new KubeClient(configFor(port));
    const err = await refused.get("/api/v1/namespaces").catch((e: unknown) => e);
    assert.equal(isTransientKubeError(err), true);
    refused.close();
  });
});

describe("KubeClient watch", () => {
  function watchOnce(path: string, options: Parameters<KubeClient["watch"]>[1] = {}) {
    const events: Array<[string, unknown]> = [];
    let doneCalls = 0;
    const done = new Promise<unknown>((resolve) => {
      void client.watch(path, options, (type, object) => events.push([type, object]), (err) => {
        doneCalls++;
        resolve(err);
      });
    });
    return { events, done, doneCalls: () => doneCalls };
  }

  test("streams events split across chunks, with the watch query, and ends cleanly when the server closes", async () => {
    let url = "";
    handler = (req, _body, res) => {
      url = req.url ?? "";
      res.writeHead(200, { "content-type": "application/json" });
      const stream = [
        JSON.stringify({ type: "ADDED", object: { metadata: { name: "a", resourceVersion: "2" } } }),
        JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: "5" } } }),
      ].join("\n") + "\n";
      res.write(stream.slice(0, 17));
      setTimeout(() => res.end(stream.slice(17)), 10);
    };
    const w = watchOnce("/api/v1/secrets", { resourceVersion: "1", allowWatchBookmarks: true, timeoutSeconds: 300, labelSelector: "a=b" });
    assert.equal(await w.done, null);
    assert.deepEqual(w.events.map(([type]) => type), ["ADDED", "BOOKMARK"]);
    const query = new URL(url, "http://x").searchParams;
    assert.deepEqual(Object.fromEntries(query), { watch: "true", resourceVersion: "1", allowWatchBookmarks: "true", timeoutSeconds: "300", labelSelector: "a=b" });
    assert.equal(w.doneCalls(), 1);
  });

  test("an ERROR event with 410 is delivered as an event (the informer relists)", async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200);
      res.end(JSON.stringify({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired", message: "too old resource version" } }) + "\n");
    };
    const w = watchOnce("/api/v1/secrets", { resourceVersion: "1" });
    assert.equal(await w.done, null);
    assert.deepEqual(w.events, [["ERROR", { kind: "Status", code: 410, reason: "Expired", message: "too old resource version" }]]);
  });

  test("abort() from inside the event handler, on a response that already ended, throws nowhere (the informer does this on ERROR)", async () => {
    const line = JSON.stringify({ type: "ERROR", object: { kind: "Status", code: 410 } }) + "\n";
    handler = (_req, _body, res) => {
      res.writeHead(200, { "content-length": Buffer.byteLength(line) });
      res.end(line);
    };
    const uncaught: unknown[] = [];
    const record = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", record);
    try {
      for (let i = 0; i < 5; i++) {
        let handle: { abort(): void } | undefined;
        const done = new Promise((resolve) => {
          void client.watch("/api/v1/secrets", {}, () => handle?.abort(), resolve).then((h) => (handle = h));
        });
        await done;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      process.off("uncaughtException", record);
    }
    assert.deepEqual(uncaught, []);
  });

  test("an HTTP 410 answer ends the watch with statusCode 410", async () => {
    handler = (_req, _body, res) => status(res, 410, "Expired", "too old resource version");
    const err = await watchOnce("/api/v1/secrets", { resourceVersion: "1" }).done;
    assert.ok(err instanceof KubeApiError);
    assert.equal(err.statusCode, 410);
  });

  test("a watch that sends nothing for the idle timeout ends with a transient error", async () => {
    handler = (_req, _body, res) => res.writeHead(200).flushHeaders();
    const err = await watchOnce("/api/v1/secrets", { idleTimeoutMs: 100 }).done;
    assert.equal((err as Error).name, "TimeoutError");
    assert.equal(isTransientKubeError(err), true);
  });

  test("abort() ends the stream: no events after it, done called once", async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write(JSON.stringify({ type: "MODIFIED", object: {} }) + "\n"), 5);
      res.on("close", () => clearInterval(timer));
    };
    let events = 0;
    let doneCalls = 0;
    const handle = await client.watch("/api/v1/secrets", {}, () => events++, () => doneCalls++);
    await new Promise((resolve) => setTimeout(resolve, 30));
    handle.abort();
    const at = events;
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(events, at);
    assert.equal(doneCalls, 1);
  });
});
