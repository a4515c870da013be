import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Backoff } from "../runtime/backoff.ts";
import { FakeClock, settle } from "../runtime/clock.ts";
import { silentLogger } from "../runtime/logger.ts";
import { QueuePoller, type MessageOutcome } from "./queue-poller.ts";
import type { QueueApi, QueueMessage } from "./sqs-api.ts";

/** An SQS queue in memory that counts calls and fails the next `failures` receives. */
class FakeQueue implements QueueApi {
  messages: QueueMessage[] = [];
  deleted: string[] = [];
  receives = 0;
  failures = 0;
  lastWait = -1;
  lastMax = -1;

  async receive(input: { maxMessages: number; waitSeconds: number }, _signal?: AbortSignal): Promise<QueueMessage[]> {
    this.receives++;
    this.lastWait = input.waitSeconds;
    this.lastMax = input.maxMessages;
    if (this.failures > 0) {
      this.failures--;
      throw Object.assign(new Error("connect ECONNREFUSED"), { name: "Error" });
    }
    return this.messages.splice(0, input.maxMessages);
  }

  async deleteBatch(messages: readonly QueueMessage[]): Promise<string[]> {
    this.deleted.push(...messages.map((m) => m.id));
    return [];
  }
}

const message = (id: string, body: string): QueueMessage => ({ id, body, receiptHandle: `rh-${id}` });

describe("QueuePoller", () => {
  test("long-polls batches of 10, handles every message and deletes all of them, malformed ones too", async () => {
    const queue = new FakeQueue();
    queue.messages = Array.from({ length: 12 }, (_, i) => message(`m${i}`, i === 3 ? "{broken" : `{"n":${i}}`));
    const handled: string[] = [];
    const poller = new QueuePoller({
      queue: "q",
      api: queue,
      logger: silentLogger,
      handle: (body): MessageOutcome => {
        handled.push(body);
        return body.startsWith("{broken") ? "malformed" : "unmatched";
      },
    });
    assert.equal(await poller.pollOnce(), 10);
    assert.equal(await poller.pollOnce(), 2);
    assert.equal(await poller.pollOnce(), 0);
    assert.equal(queue.lastMax, 10);
    assert.equal(queue.lastWait, 20);
    assert.equal(handled.length, 12);
    assert.deepEqual(queue.deleted, queue.deleted.slice().sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
    assert.equal(queue.deleted.length, 12);
    assert.equal(poller.up, true);
  });

  test("a failing queue is retried after a growing backoff and reported down, then up", async () => {
    const clock = new FakeClock();
    const queue = new FakeQueue();
    queue.failures = 3;
    const health: boolean[] = [];
    const errors: string[] = [];
    const poller = new QueuePoller({
      queue: "q",
      api: queue,
      logger: silentLogger,
      clock,
      backoff: new Backoff({ initialMs: 1_000, maxMs: 60_000, jitter: 0 }),
      handle: () => "unmatched",
      onHealth: (up) => health.push(up),
      onError: (call) => errors.push(call),
    });
    // Block receives once the queue is back, so the loop parks on a pending receive.
    const receive = queue.receive.bind(queue);
    queue.receive = async (input: { maxMessages: number; waitSeconds: number }, signal?: AbortSignal) => {
      const out = await receive(input);
      if (queue.failures === 0 && queue.receives > 4) await new Promise<void>((r) => signal?.addEventListener("abort", () => r(), { once: true }));
      return out;
    };
    poller.start();
    await settle();
    assert.equal(queue.receives, 1);
    await clock.advanceAsync(1_000);
    assert.equal(queue.receives, 2);
    await clock.advanceAsync(1_999);
    assert.equal(queue.receives, 2, "the second wait is 2 s");
    await clock.advanceAsync(1);
    assert.equal(queue.receives, 3);
    await clock.advanceAsync(4_000);
    await settle();
    assert.equal(queue.receives, 5, "the fourth succeeds and the next poll follows at once");
    assert.deepEqual(health, [false, true]);
    assert.deepEqual(errors, ["ReceiveMessage", "ReceiveMessage", "ReceiveMessage"]);
    await poller.stop();
  });
});
