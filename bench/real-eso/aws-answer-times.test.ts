import { test } from "node:test";
import assert from "node:assert/strict";
import { awsAnswerTimes, formatAnswerTimes } from "./aws-answer-times.ts";

const entry = (awsAction: string | undefined, ms: number, status = 200) => ({ awsAction, ms, status });

test("awsAnswerTimes: per action, Kubernetes requests left out, failures counted", () => {
  const times = awsAnswerTimes([
    ...Array.from({ length: 100 }, (_, i) => entry("BatchGetSecretValue", i + 1)),
    entry("GetSecretValue", 7, 500),
    entry(undefined, 9_999),
  ]);
  assert.deepEqual(times, {
    BatchGetSecretValue: { calls: 100, p50Ms: 50, p99Ms: 99, maxMs: 100, failed: 0 },
    GetSecretValue: { calls: 1, p50Ms: 7, p99Ms: 7, maxMs: 7, failed: 1 },
  });
  assert.equal(formatAnswerTimes(times), "BatchGetSecretValue 100 calls p50 50 / p99 99 / max 100 ms; GetSecretValue 1 calls p50 7 / p99 7 / max 7 ms, 1 failed");
});

test("awsAnswerTimes: no calls", () => {
  assert.deepEqual(awsAnswerTimes([]), {});
  assert.equal(formatAnswerTimes({}), "no AWS calls");
});
