// Deadlines on real SDK clients against a black-holed endpoint: a local socket that accepts connections and
// never answers, as a dropped route or a hung proxy looks to the SDK.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { createSecretsManagerClient, createSsmClient, DEFAULT_AWS_TIMEOUTS, requestHandlerConfig } from "./sdk-clients.ts";
import { GetParametersCommand } from "@aws-sdk/client-ssm";

const credentials = { get: async () => ({ accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" }), invalidate: () => {} };
let server: Server;
let connections = 0;
const sockets = new Set<Socket>();
const saved = process.env.AWS_ENDPOINT_URL;

before(async () => {
  server = createServer((socket) => {
    connections++;
    sockets.add(socket); // accepted, never answered
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${port}`;
});
after(async () => {
  if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
  else process.env.AWS_ENDPOINT_URL = saved;
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("AWS SDK deadlines", () => {
  test("clients get a connection and request timeout by default, and the SDK throws when it passes", () => {
    const { connectionTimeout, requestTimeout, throwOnRequestTimeout } = requestHandlerConfig().requestHandler;
    assert.deepEqual({ connectionTimeout, requestTimeout, throwOnRequestTimeout }, { connectionTimeout: DEFAULT_AWS_TIMEOUTS.connectMs, requestTimeout: DEFAULT_AWS_TIMEOUTS.requestMs, throwOnRequestTimeout: true });
  });

  for (const [service, call] of [
    ["Secrets Manager", () => createSecretsManagerClient({ region: "eu-west-1", retrySettings: { maxRetries: 1 }, timeouts: { connectMs: 1_000, requestMs: 300 } }, credentials).send(new GetSecretValueCommand({ SecretId: "x" }))],
    ["Parameter Store", () => createSsmClient({ region: "eu-west-1", retrySettings: { maxRetries: 1 }, timeouts: { connectMs: 1_000, requestMs: 300 } }, credentials).send(new GetParametersCommand({ Names: ["x"] }))],
  ] as const) {
    test(`${service}: a call to an endpoint that never answers fails with a timeout after each attempt's deadline`, async () => {
      const before = connections;
      const started = performance.now();
      await assert.rejects(call(), (err: Error) => {
        assert.match(`${err.name} ${err.message}`, /timeout|timed out/i);
        return true;
      });
      assert.equal(connections - before, 2, "two attempts (maxRetries 1), each cut at its deadline");
      // Generous: it finished, rather than hanging for the OS's minutes.
      assert.ok(performance.now() - started < 10_000);
    });
  }

  test("an aborted signal cuts a hanging call at once, whatever the deadline", async () => {
    const client = createSecretsManagerClient({ region: "eu-west-1", timeouts: { connectMs: 60_000, requestMs: 60_000 } }, credentials);
    const abort = new AbortController();
    const call = client.send(new GetSecretValueCommand({ SecretId: "x" }), { abortSignal: abort.signal });
    const before = connections;
    while (connections === before) await new Promise((r) => setTimeout(r, 10));
    abort.abort(new Error("controller stopping"));
    await assert.rejects(call, (err: Error) => {
      assert.match(`${err.name} ${err.message}`, /abort/i);
      return true;
    });
  });
});
