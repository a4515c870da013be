import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConnectionPool } from "./connection-pool.ts";
import type { TlsMaterial } from "./credentials.ts";

const tls = (cert: string): TlsMaterial => ({ ca: Buffer.from("ca"), cert: Buffer.from(cert), key: Buffer.from("key"), rejectUnauthorized: true });

describe("ConnectionPool", () => {
  test("requests with unchanged TLS material share one agent", () => {
    const pool = new ConnectionPool();
    const first = pool.agentFor("c", "https://10.0.0.1:6443", tls("cert"));
    for (let i = 0; i < 100; i++) assert.equal(pool.agentFor("c", "https://10.0.0.1:6443", tls("cert")), first);
    assert.equal(pool.size, 1);
    pool.close();
  });

  test("a rotated client certificate gets a new agent; the old one stops keeping connections alive", () => {
    const pool = new ConnectionPool();
    const old = pool.agentFor("c", "https://10.0.0.1:6443", tls("cert-1"));
    const rotated = pool.agentFor("c", "https://10.0.0.1:6443", tls("cert-2"));
    assert.notEqual(rotated, old);
    assert.equal((old as unknown as { keepAlive: boolean }).keepAlive, false);
    assert.equal(pool.agentFor("c", "https://10.0.0.1:6443", tls("cert-2")), rotated);
    assert.equal(pool.size, 1, "one entry per cluster");
    pool.close();
  });

  test("clusters have their own agents; insecure-skip-tls-verify is part of the key", () => {
    const pool = new ConnectionPool();
    const a = pool.agentFor("a", "https://10.0.0.1:6443", tls("cert"));
    const b = pool.agentFor("b", "https://10.0.0.2:6443", tls("cert"));
    assert.notEqual(a, b);
    assert.notEqual(pool.agentFor("a", "https://10.0.0.1:6443", { ...tls("cert"), rejectUnauthorized: false }), a);
    assert.equal(pool.size, 2);
    pool.close();
  });
});
