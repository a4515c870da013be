// Change events on the real control plane and moto: an SQS queue fed by an EventBridge rule (moto delivers
// PutEvents to an SQS target), read by Ferry's ChangeEvents beside the real SyncManager. Every AWS call goes
// through the counting fault proxy, SQS and EventBridge included.
import { Writable } from "node:stream";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { ChangeEvents } from "../../../src/changeevents/change-events.ts";
import type { MessageOutcome } from "../../../src/changeevents/queue-poller.ts";
import { AwsProvider } from "../../../src/providers/aws/index.ts";
import { createLogger } from "../../../src/runtime/logger.ts";
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
  const ruleName = `${name}-rule`;
  await events(h.aws.url, region, "PutRule", {
    Name: ruleName,
    EventPattern: JSON.stringify({ source: ["aws.secretsmanager", "aws.ssm"] }),
    State: "ENABLED",
  });
  await events(h.aws.url, region, "PutTargets", { Rule: ruleName, Targets: [{ Id: "ferry", Arn: queueArn }] });

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
  changeEvents.handle = (queue, body) => {
    const outcome = handle(queue, body);
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
      const out = (await events(h.aws.url, region, "PutEvents", { Entries: [{ Source: source, DetailType: detailType, Detail: JSON.stringify(detail), Resources: resources }] })) as { FailedEntryCount?: number };
      if (out.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(out)}`);
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

/**
 * One EventBridge call in its awsJson1.1 wire form (the project has no EventBridge SDK client; the test
 * only needs three calls). moto does not check signatures; the credential scope names the region.
 */
async function events(endpoint: string, region: string, action: string, body: object): Promise<unknown> {
  const res = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSEvents.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDFERRYTEST/20261203/${region}/events/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`EventBridge ${action}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}
