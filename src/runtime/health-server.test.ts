import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Counter, Registry } from "prom-client";
import { HealthServer, parseAddress } from "./health-server.ts";

describe("parseAddress", () => {
  test("accepts host:port, :port, [v6]:port and bare ports", () => {
    const cases: Array<[string | number, { host: string | undefined; port: number }]> = [
      [":8081", { host: undefined, port: 8081 }],
      ["127.0.0.1:0", { host: "127.0.0.1", port: 0 }],
      ["[::1]:9000", { host: "::1", port: 9000 }],
      ["8080", { host: undefined, port: 8080 }],
      [9090, { host: undefined, port: 9090 }],
    ];
    for (const [input, expected] of cases) assert.deepEqual(parseAddress(input), expected);
    assert.throws(() => parseAddress("localhost"), /invalid listen address/);
  });
});

describe("HealthServer", () => {
  const registry = new Registry();
  const counter = new Counter({ name: "ferry_test_total", help: "a test counter", registers: [registry] });
  const server = new HealthServer({ address: "127.0.0.1:0", registry });
  let synced = false;
  let leaderError: string | undefined;

  before(async () => {
    server.addHealthCheck("ping", () => true);
    server.addReadinessCheck("informers", () => synced);
    server.addReadinessCheck("leader-election", async () => leaderError);
    server.addReadinessCheck("throws", () => {
      if (leaderError === "boom") throw new Error("check exploded");
    });
    await server.start();
  });
  after(async () => {
    await server.stop();
  });

  const get = async (path: string) => {
    const res = await fetch(server.url + path);
    return { status: res.status, body: await res.text(), type: res.headers.get("content-type") };
  };

  test("/healthz is ok", async () => {
    assert.deepEqual(await get("/healthz"), { status: 200, body: "ok\n", type: "text/plain; charset=utf-8" });
  });

  test("/readyz fails, naming the failing checks, until they pass", async () => {
    synced = false;
    leaderError = "no leader yet";
    const failing = await get("/readyz");
    assert.equal(failing.status, 500);
    assert.match(failing.body, /^\[-\]informers failed: not ready$/m);
    assert.match(failing.body, /^\[-\]leader-election failed: no leader yet$/m);
    assert.match(failing.body, /^\[\+\]throws ok$/m);

    leaderError = "boom";
    assert.match((await get("/readyz")).body, /^\[-\]throws failed: check exploded$/m);

    synced = true;
    leaderError = undefined;
    assert.deepEqual((await get("/readyz")).status, 200);
    const verbose = await get("/readyz?verbose");
    assert.equal(verbose.status, 200);
    assert.match(verbose.body, /^\[\+\]informers ok$/m);
  });

  test("/metrics serves the registry", async () => {
    counter.inc(3);
    const res = await get("/metrics");
    assert.equal(res.status, 200);
    assert.equal(res.type, registry.contentType);
    assert.match(res.body, /^ferry_test_total 3$/m);
  });

  test("unknown paths are 404", async () => {
    assert.equal((await get("/nope")).status, 404);
  });
});
