/**
 * EventBridge calls in their awsJson1.1 wire form, for tests and the benchmark (the project ships no
 * EventBridge client; these need three calls). moto does not check signatures; the credential scope names
 * the region. With moto, PutEvents is delivered to a matching rule's SQS target, as AWS delivers it.
 */
export async function eventBridge(endpoint: string, region: string, action: "PutRule" | "PutTargets" | "PutEvents", body: object): Promise<unknown> {
  const res = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSEvents.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDFERRYTEST/20260101/${region}/events/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`EventBridge ${action}: ${res.status} ${text.slice(0, 300)}`);
  const out = (text ? JSON.parse(text) : {}) as { FailedEntryCount?: number };
  if (out.FailedEntryCount) throw new Error(`EventBridge ${action}: ${text.slice(0, 300)}`);
  return out;
}

/** An SQS queue fed by an EventBridge rule for Secrets Manager and Parameter Store events. */
export async function routeChangeEventsTo(endpoint: string, region: string, ruleName: string, queueArn: string): Promise<void> {
  await eventBridge(endpoint, region, "PutRule", { Name: ruleName, EventPattern: JSON.stringify({ source: ["aws.secretsmanager", "aws.ssm"] }), State: "ENABLED" });
  await eventBridge(endpoint, region, "PutTargets", { Rule: ruleName, Targets: [{ Id: "ferry", Arn: queueArn }] });
}
