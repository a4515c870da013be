// Change events on the real control plane and moto: an SQS queue fed by an EventBridge rule (moto delivers
// PutEvents to an SQS target), read by Ferry's ChangeEvents beside the real SyncManager. Every AWS call goes
// through the counting fault proxy, SQS and EventBridge included.
import { Writable } from "node:stream";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { ChangeEvents } from "../../../src/changeevents/change-events.ts";
import type { MessageOutcome } from "../../../src/changeevents/queue-poller.ts";
import { AwsProvider } from "../../../src/providers/aws/index.ts";
import { createLogger } from "../../../src/runtime/logger.ts";
import { eventBridge, routeChangeEventsTo } from "../../env/eventbridge.ts";
import { startSync, type SyncHarness } from "../sync/sync-harness.ts";

export interface ChangeEventsHarness extends SyncHarness {
  changeEvents: ChangeEvents;
  queueUrl: string;
  sqs: SQSClient;
  /** Every message outcome, in order. */
  outcomes: MessageOutcome[];
  /** Sends an event through EventBridge (PutEvents → rule → SQS target), as AWS would deliver it. */
  putEvent(source: string, detailType: string, detail: object, resources?: string[]): Promise<void>;
  /** Sends a raw body straight to the queue. */
  sendRaw(body: string): Promise<void>;
  /** Messages visible or in flight. */
  queueDepth(): Promise<number>;
}

export async function startChangeEvents(name: string): Promise<ChangeEventsHarness> {
  const apiCalls: Array<{ provider: string; call: string; status: string }> = [];
  const provider = new AwsProvider({ onApiCall: (e) => apiCalls.push(e) });
  const h = await startSync({ provider });
  const region = h.env.state.region;
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "30" } }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  await routeChangeEventsTo(h.aws.url, region, `${name}-rule`, queueArn);

  const outcomes: MessageOutcome[] = [];
  const changeEvents = new ChangeEvents({
    queues: [{ url: queueUrl, region }],
    sync: h.manager,
    credentials: (r) => provider.defaultCredentials(r),
    timeouts: provider.timeouts,
    onApiCall: (e) => apiCalls.push(e),
    logger: loggerOf(h),
  });
  const handle = changeEvents.handle.bind(changeEvents);
  changeEvents.handle = (queue, body, sentAt) => {
    const outcome = handle(queue, body, sentAt);
    outcomes.push(outcome);
    return outcome;
  };
  changeEvents.start();
  const stop = h.stop.bind(h);
  return Object.assign(h, {
    changeEvents,
    queueUrl,
    sqs,
    outcomes,
    apiCalls,
    async putEvent(source: string, detailType: string, detail: object, resources: string[] = []) {
      await eventBridge(h.aws.url, region, "PutEvents", { Entries: [{ Source: source, DetailType: detailType, Detail: JSON.stringify(detail), Resources: resources }] });
    },
    async sendRaw(body: string) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
    async queueDepth() {
      const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }))).Attributes ?? {};
      return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
    },
    async stop() {
      await changeEvents.stop();
      sqs.destroy();
      await stop();
    },
  });
}

/** A logger writing into the harness's log lines, which the tests scan for canaries. */
function loggerOf(h: SyncHarness) {
  const lines = h.logs;
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  return createLogger({ level: "debug", destination });
}
