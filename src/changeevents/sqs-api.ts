import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { CredentialSource } from "../providers/aws/auth/credentials.ts";
import type { ApiCallObserver } from "../providers/provider.ts";
import { observeApiCalls, requestHandlerConfig, retryConfig, sdkCredentials, type AwsTimeouts } from "../providers/aws/sdk-clients.ts";

export interface QueueMessage {
  id: string;
  body: string;
  receiptHandle: string;
  /** When SQS accepted the message (its SentTimestamp attribute, epoch ms): where a change's latency starts in SQS. */
  sentAt?: number | undefined;
}

/** The two SQS calls the poller makes; the SDK in production, a counting fake in unit tests. */
export interface QueueApi {
  /** Long-polls for up to `maxMessages`, waiting up to `waitSeconds`. */
  receive(input: { maxMessages: number; waitSeconds: number }, signal: AbortSignal): Promise<QueueMessage[]>;
  /** Deletes handled messages; returns the ids SQS did not delete. */
  deleteBatch(messages: readonly QueueMessage[], signal: AbortSignal): Promise<string[]>;
}

/**
 * An SQS client for one queue, with the provider's credentials (a cached CredentialSource), retries and
 * deadlines. The request deadline covers the long poll: SQS holds a ReceiveMessage up to `waitSeconds`.
 * `useQueueUrlAsEndpoint: false`: the endpoint comes from the region and the SDK's standard variables
 * (AWS_ENDPOINT_URL_SQS), as for every other client (sdk-clients.ts), not from the queue URL's host.
 */
export function sdkQueueApi(options: { url: string; region: string; credentials: CredentialSource; onApiCall?: ApiCallObserver | undefined; timeouts: AwsTimeouts; waitSeconds: number }): QueueApi & { destroy(): void } {
  const client = new SQSClient({
    region: options.region,
    credentials: sdkCredentials(options.credentials),
    useQueueUrlAsEndpoint: false,
    ...retryConfig(undefined),
    ...requestHandlerConfig({ connectMs: options.timeouts.connectMs, requestMs: options.timeouts.requestMs + options.waitSeconds * 1000 }),
  });
  observeApiCalls(client.middlewareStack, "AWS/SQS", options.onApiCall);
  return {
    async receive({ maxMessages, waitSeconds }, signal) {
      const out = await client.send(new ReceiveMessageCommand({ QueueUrl: options.url, MaxNumberOfMessages: maxMessages, WaitTimeSeconds: waitSeconds, MessageSystemAttributeNames: ["SentTimestamp"] }), { abortSignal: signal });
      return (out.Messages ?? []).map((m) => ({ id: m.MessageId ?? "", body: m.Body ?? "", receiptHandle: m.ReceiptHandle ?? "", sentAt: sentAtOf(m.Attributes?.SentTimestamp) }));
    },
    async deleteBatch(messages, signal) {
      if (messages.length === 0) return [];
      const out = await client.send(
        new DeleteMessageBatchCommand({ QueueUrl: options.url, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })) }),
        { abortSignal: signal },
      );
      return (out.Failed ?? []).map((f) => messages[Number(f.Id)]?.id ?? "");
    },
    destroy: () => client.destroy(),
  };
}

/** SQS's SentTimestamp (epoch milliseconds as a string); undefined when absent or not a number. */
export function sentAtOf(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : undefined;
}
