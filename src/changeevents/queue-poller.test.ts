import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Backoff } from "../runtime/backoff.ts";
import { FakeClock, settle } from "../runtime/clock.ts";
import { silentLogger } from "../runtime/logger.ts";
import { MAX_DELETES_IN_FLIGHT, QueuePoller, type MessageOutcome } from "./queue-poller.ts";
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
    await poller.drained();
    assert.equal(queue.lastMax, 10);
    assert.equal(queue.lastWait, 20);
    assert.equal(handled.length, 12);
    assert.deepEqual(queue.deleted, queue.deleted.slice().sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
    assert.equal(queue.deleted.length, 12);
    assert.equal(poller.up, true);
  });

  test("the next receive does not wait for the last batch's delete: a change arriving meanwhile is handled at once", async () => {
    const queue = new FakeQueue();
    // Deletes hang until released, as a slow DeleteMessageBatch would.
    const releases: Array<() => void> = [];
    queue.deleteBatch = (messages) =>
      new Promise<string[]>((resolve) =>
        releases.push(() => {
          queue.deleted.push(...messages.map((m) => m.id));
          resolve([]);
        }),
      );
    const handled: string[] = [];
    const poller = new QueuePoller({ queue: "q", api: queue, logger: silentLogger, handle: (body): MessageOutcome => (handled.push(body), "matched") });
    // A round that waits for its delete never ends here: fail at once instead of hanging.
    const unblocked = async <T>(p: Promise<T>) => {
      const blocked = Symbol("blocked");
      const out = await Promise.race([p, settle().then(() => blocked)]);
      assert.notEqual(out, blocked, "the round waited for the delete");
      return out as T;
    };
    queue.messages = [message("m1", "first")];
    assert.equal(await unblocked(poller.pollOnce()), 1);
    queue.messages = [message("m2", "second")];
    // The first batch's delete is still unanswered; the second change is received and handled anyway.
    assert.equal(await unblocked(poller.pollOnce()), 1);
    assert.deepEqual(handled, ["first", "second"]);
    assert.equal(releases.length, 2, "both deletes were sent");
    for (const release of releases) release();
    await poller.drained();
    assert.deepEqual(queue.deleted, ["m1", "m2"]);
  });

  test("deletes in flight are bounded: a receive waits for the oldest once MAX_DELETES_IN_FLIGHT are unanswered", async () => {
    const queue = new FakeQueue();
    const releases: Array<() => void> = [];
    queue.deleteBatch = () => new Promise<string[]>((resolve) => releases.push(() => resolve([])));
    const poller = new QueuePoller({ queue: "q", api: queue, logger: silentLogger, handle: () => "matched" });
    for (let i = 0; i < MAX_DELETES_IN_FLIGHT; i++) {
      queue.messages = [message(`m${i}`, "{}")];
      assert.equal(await poller.pollOnce(), 1);
    }
    queue.messages = [message("late", "{}")];
    let received = false;
    const next = poller.pollOnce().then((n) => (received = n === 1));
    await settle();
    assert.equal(received, false, "no receive while the deletes are unanswered");
    assert.equal(queue.receives, MAX_DELETES_IN_FLIGHT);
    releases[0]!();
    await next;
    assert.equal(received, true);
    for (const release of releases.slice(1)) release();
    await poller.drained();
  });

  test("a failed delete is logged and the loop keeps receiving (the message comes back after its visibility timeout)", async () => {
    const queue = new FakeQueue();
    queue.deleteBatch = () => Promise.reject(new Error("DeleteMessageBatch: InternalError"));
    const errors: string[] = [];
    const poller = new QueuePoller({ queue: "q", api: queue, logger: silentLogger, handle: () => "matched", onError: (call) => errors.push(call) });
    queue.messages = [message("m1", "{}")];
    assert.equal(await poller.pollOnce(), 1);
    await poller.drained();
    queue.messages = [message("m2", "{}")];
    assert.equal(await poller.pollOnce(), 1);
    await poller.drained();
    assert.deepEqual(errors, ["DeleteMessageBatch", "DeleteMessageBatch"]);
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
