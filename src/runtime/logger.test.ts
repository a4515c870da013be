import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createLogger, errorFields, redactCensor, type Logger } from "./logger.ts";

function capture(level: "debug" | "info" = "debug"): { logger: Logger; lines: () => Array<Record<string, unknown>>; raw: () => string } {
  const chunks: string[] = [];
  const logger = createLogger({ level, destination: { write: (s: string) => void chunks.push(s) } });
  return { logger, raw: () => chunks.join(""), lines: () => chunks.join("").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("createLogger", () => {
  test("redacts planted canaries at every configured path and keeps the rest", () => {
    const { logger, raw, lines } = capture();
    const canary = (n: number) => `CANARY-${n}-9f2c`;
    const cases: Array<[string, Record<string, unknown>]> = [
      ["secret data", { secret: { metadata: { name: "db" }, data: { password: canary(1) } } }],
      ["stringData", { obj: { stringData: { k: canary(2) } } }],
      ["SecretString", { response: { SecretString: canary(3) } }],
      ["SecretBinary", { response: { SecretBinary: canary(4) } }],
      ["authorization header", { headers: { authorization: `Bearer ${canary(5)}` } }],
      ["request headers", { req: { headers: { Authorization: `Bearer ${canary(6)}` } } }],
      ["token", { tokenRequest: { token: canary(7) } }],
      ["top-level data", { data: { x: canary(8) } }],
      ["two levels down", { req: { body: { SecretString: canary(9) } } }],
    ];
    for (const [msg, fields] of cases) logger.info(fields, msg);
    logger.child({ component: "sync" }).warn({ secret: { data: canary(10) } }, "from a child");

    const out = raw();
    for (let n = 1; n <= 10; n++) assert.ok(!out.includes(canary(n)), `canary ${n} leaked`);
    const parsed = lines();
    assert.equal(parsed.length, 10);
    const first = parsed[0]!;
    assert.deepEqual(first.secret, { metadata: { name: "db" }, data: redactCensor }, "non-secret fields survive");
    assert.equal(first.msg, "secret data");
    assert.equal(first.level, "info");
    assert.equal(typeof first.time, "string");
    assert.equal(parsed[9]!.component, "sync");
  });

  test("respects the level", () => {
    const { logger, lines } = capture("info");
    logger.debug("hidden");
    logger.info("shown");
    assert.deepEqual(lines().map((l) => l.msg), ["shown"]);
  });

  test("errorFields keeps type, message and status code, nothing else", () => {
    const err = Object.assign(new Error("conflict"), { statusCode: 409, body: { data: "CANARY" }, headers: { authorization: "x" } });
    assert.deepEqual(errorFields(err), { error: { type: "Error", message: "conflict", code: 409 } });
    assert.deepEqual(errorFields(new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:1") })), {
      error: { type: "TypeError", message: "fetch failed: connect ECONNREFUSED 127.0.0.1:1" },
    });
    assert.deepEqual(errorFields("boom"), { error: { type: "string", message: "boom" } });
  });
});
