// Every SDK client in the process shares one keep-alive connection pool (ADR 13): N stores reading from the
// same endpoint cost one connection, not N, and dropping one store's client leaves the others' pool alone.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { createSecretsManagerClient, requestHandlerConfig } from "./sdk-clients.ts";

let server: Server;
let connections = 0;
let requests = 0;
const saved = process.env.AWS_ENDPOINT_URL;

before(async () => {
  server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify({ ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x", Name: "x", SecretString: "v", VersionId: "1" }));
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(async () => {
  if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
  else process.env.AWS_ENDPOINT_URL = saved;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Each store's client has its own credentials, as ESO's stores do. */
const storeCredentials = (i: number) => ({ get: async () => ({ accessKeyId: `AKIASTORE${i}`, secretAccessKey: "secret" }), invalidate: () => {} });

describe("AWS SDK connection pool", () => {
  test("clients with different timeouts still share the agents", () => {
    const a = requestHandlerConfig({ connectMs: 1_000, requestMs: 2_000 }).requestHandler;
    const b = requestHandlerConfig().requestHandler;
    assert.equal(a.httpsAgent, b.httpsAgent);
    assert.equal(a.httpAgent, b.httpAgent);
  });

  test("10 stores' clients, 3 sequential reads each: 30 requests over one connection", async () => {
    const clients = Array.from({ length: 10 }, (_, i) => createSecretsManagerClient({ region: "eu-west-1" }, storeCredentials(i)));
    const before = { connections, requests };
    for (let round = 0; round < 3; round++) {
      for (const client of clients) await client.send(new GetSecretValueCommand({ SecretId: "x" }));
    }
    assert.equal(requests - before.requests, 30);
    assert.equal(connections - before.connections, 1);

    // A dropped store's client is destroyed; the others keep reading over the same connection.
    clients[0]!.destroy();
    await clients[1]!.send(new GetSecretValueCommand({ SecretId: "x" }));
    assert.equal(connections - before.connections, 1);
    for (const client of clients.slice(1)) client.destroy();
  });
});
