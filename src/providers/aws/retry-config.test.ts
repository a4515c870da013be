import { test } from "node:test";
import assert from "node:assert/strict";
import { FixedDelayRetryStrategy, retryConfig } from "./sdk-clients.ts";

test("retrySettings map to SDK attempts as ESO maps them to its retryer", () => {
  const cases = [
    { settings: undefined, maxAttempts: 3, fixed: false },
    { settings: {}, maxAttempts: 4, fixed: false },
    { settings: { maxRetries: 0 }, maxAttempts: 1, fixed: false },
    { settings: { maxRetries: 5, retryInterval: "2s" }, maxAttempts: 6, fixed: true },
  ];
  for (const { settings, maxAttempts, fixed } of cases) {
    const config = retryConfig(settings);
    assert.equal(config.maxAttempts, maxAttempts, JSON.stringify(settings));
    assert.equal(config.retryMode, "standard");
    assert.equal(config.retryStrategy instanceof FixedDelayRetryStrategy, fixed);
  }
});

test("the fixed-delay strategy waits retryInterval between attempts and stops after maxAttempts", async () => {
  const strategy = new FixedDelayRetryStrategy(3, 2000);
  const first = await strategy.acquireInitialRetryToken("scope");
  const second = await strategy.refreshRetryTokenForRetry(first, { errorType: "THROTTLING" });
  assert.equal(second.getRetryDelay(), 2000);
  const third = await strategy.refreshRetryTokenForRetry(second, { errorType: "TRANSIENT" });
  assert.equal(third.getRetryCount(), 2);
  await assert.rejects(strategy.refreshRetryTokenForRetry(third, { errorType: "THROTTLING" }));
  await assert.rejects(strategy.refreshRetryTokenForRetry(first, { errorType: "CLIENT_ERROR" }));
});
