import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseQueueFlag } from "./queue-config.ts";

describe("parseQueueFlag", () => {
  const ok: Array<[string, { url: string; region: string }]> = [
    ["https://sqs.us-west-2.amazonaws.com/123456789012/ferry-events", { url: "https://sqs.us-west-2.amazonaws.com/123456789012/ferry-events", region: "us-west-2" }],
    ["https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q", { url: "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q", region: "cn-north-1" }],
    ["https://eu-west-1.queue.amazonaws.com/123456789012/q", { url: "https://eu-west-1.queue.amazonaws.com/123456789012/q", region: "eu-west-1" }],
    ["us-east-1=http://127.0.0.1:4566/000000000000/q", { url: "http://127.0.0.1:4566/000000000000/q", region: "us-east-1" }],
  ];
  for (const [value, want] of ok) test(`accepts ${value}`, () => assert.deepEqual(parseQueueFlag(value), want));

  const bad: Array<[string, RegExp]> = [
    ["not a url", /is not a queue URL/],
    ["http://127.0.0.1:4566/000000000000/q", /the host names no region/],
    ["https://sqs.us-west-2.amazonaws.com/q", /path is \/<account>\/<queue name>/],
    ["mars=https://x/1/q", /is not an AWS region/],
    ["ftp://sqs.us-west-2.amazonaws.com/1/q", /http\(s\)/],
  ];
  for (const [value, message] of bad) test(`rejects ${value}`, () => assert.throws(() => parseQueueFlag(value), message));
});
