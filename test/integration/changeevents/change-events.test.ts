// Change events end to end (issue 15): AWS writes a secret, EventBridge delivers the event to SQS, Ferry reads
// the queue and refreshes exactly the ExternalSecrets that read the secret, long before their 1 h refresh.
// Bounds here are generous (30 s); the propagation latency itself is measured in `npm run bench`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { faults, waitUntil } from "../../env/index.ts";
import { decode } from "../sync/sync-harness.ts";
import { startChangeEvents, type ChangeEventsHarness } from "./change-events-harness.ts";

const READS = ["BatchGetSecretValue", "GetSecretValue", "GetParameters", "GetParameter"];
const CANARY = "CANARY-ce-9d41";
let h: ChangeEventsHarness;
let ns: { name: string; delete: () => Promise<void> };
let sm: SecretsManagerClient;
let ssm: SSMClient;

const cloudTrail = (eventName: string, secretId: string) => ({
  eventVersion: "1.08",
  eventSource: "secretsmanager.amazonaws.com",
  eventName,
  awsRegion: h.env.state.region,
  requestParameters: { secretId, secretString: "HIDDEN_DUE_TO_SECURITY_REASONS" },
  responseElements: null,
  readOnly: false,
  eventType: "AwsApiCall",
});
const reads = () => READS.reduce((n, a) => n + h.aws.count(a), 0);

async function externalSecret(name: string, key: string, refreshInterval: string, store = "sm") {
  await h.apply(
    { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name }, spec: { refreshInterval, secretStoreRef: { name: store }, target: { name }, data: [{ secretKey: "v", remoteRef: { key } }] } },
    { namespace: ns.name },
  );
}

before(async () => {
  h = await startChangeEvents(`ferry-ce-${process.pid}`);
  ns = await h.env.createNamespace("change-events");
  sm = new SecretsManagerClient({});
  ssm = new SSMClient({});
  const region = h.env.state.region;
  await h.apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "sm" }, spec: { provider: { aws: { service: "SecretsManager", region } } } }, { namespace: ns.name });
  await h.apply({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "ssm" }, spec: { provider: { aws: { service: "ParameterStore", region } } } }, { namespace: ns.name });
});
after(async () => {
  h.aws.clearFaults();
  await h.stop();
  await ns.delete();
});

describe("change events", () => {
  test("a changed secret reaches its Secret after the event, though refreshInterval is 1h", async () => {
    await sm.send(new CreateSecretCommand({ Name: "ce/db", SecretString: `${CANARY}-v1` }));
    await externalSecret("db", "ce/db", "1h");
    await h.waitForSecret(ns.name, "db", (s) => decode(s, "v") === `${CANARY}-v1`);

    await sm.send(new PutSecretValueCommand({ SecretId: "ce/db", SecretString: `${CANARY}-v2` }));
    await h.putEvent("aws.secretsmanager", "AWS API Call via CloudTrail", cloudTrail("PutSecretValue", "ce/db"));
    await h.waitForSecret(ns.name, "db", (s) => decode(s, "v") === `${CANARY}-v2`, 30_000);
    assert.ok(h.outcomes.includes("matched"));
  });

  test("a Parameter Store Change event refreshes the parameter's readers", async () => {
    await ssm.send(new PutParameterCommand({ Name: "/ce/flag", Value: `${CANARY}-p1`, Type: "SecureString" }));
    await externalSecret("flag", "/ce/flag", "1h", "ssm");
    await h.waitForSecret(ns.name, "flag", (s) => decode(s, "v") === `${CANARY}-p1`);

    await ssm.send(new PutParameterCommand({ Name: "/ce/flag", Value: `${CANARY}-p2`, Type: "SecureString", Overwrite: true }));
    const arn = `arn:aws:ssm:${h.env.state.region}:${h.aws.accountId ?? "123456789012"}:parameter/ce/flag`;
    await h.putEvent("aws.ssm", "Parameter Store Change", { operation: "Update", name: "/ce/flag", type: "SecureString", description: "" }, [arn]);
    await h.waitForSecret(ns.name, "flag", (s) => decode(s, "v") === `${CANARY}-p2`, 30_000);
  });

  test("events for secrets nobody reads cost no read", async () => {
    await waitUntil("earlier events handled", async () => (await h.queueDepth()) === 0, { timeoutMs: 30_000 });
    const before = h.outcomes.length;
    h.aws.resetCounts();
    for (let i = 0; i < 5; i++) await h.putEvent("aws.secretsmanager", "AWS API Call via CloudTrail", cloudTrail("PutSecretValue", `ce/unread-${i}`));
    await waitUntil("5 events handled", async () => h.outcomes.length >= before + 5, { timeoutMs: 30_000 });
    assert.deepEqual(h.outcomes.slice(before), ["unmatched", "unmatched", "unmatched", "unmatched", "unmatched"]);
    assert.equal(reads(), 0, `reads: ${JSON.stringify(h.aws.counts())}`);
    assert.ok(h.aws.count("ReceiveMessage") > 0, "SQS calls go through the counting proxy");
  });

  test("a malformed event is logged without its content and deleted; the queue keeps flowing", async () => {
    await sm.send(new CreateSecretCommand({ Name: "ce/after-malformed", SecretString: `${CANARY}-m1` }));
    await externalSecret("after-malformed", "ce/after-malformed", "1h");
    await h.waitForSecret(ns.name, "after-malformed", (s) => decode(s, "v") === `${CANARY}-m1`);

    const before = h.outcomes.length;
    await h.sendRaw(`{"source":"aws.secretsmanager","detail-type":"AWS API Call via CloudTrail","detail":"${CANARY}-in-a-broken-event"`);
    await h.sendRaw(JSON.stringify({ source: "aws.secretsmanager", "detail-type": "AWS API Call via CloudTrail", region: h.env.state.region, detail: { eventName: "PutSecretValue", requestParameters: { secretString: CANARY } } }));
    await sm.send(new PutSecretValueCommand({ SecretId: "ce/after-malformed", SecretString: `${CANARY}-m2` }));
    await h.putEvent("aws.secretsmanager", "AWS API Call via CloudTrail", cloudTrail("PutSecretValue", "ce/after-malformed"));
    await h.waitForSecret(ns.name, "after-malformed", (s) => decode(s, "v") === `${CANARY}-m2`, 30_000);

    assert.deepEqual(h.outcomes.slice(before).filter((o) => o === "malformed").length, 2);
    await waitUntil("the queue drained", async () => (await h.queueDepth()) === 0, { timeoutMs: 30_000 });
    const dropped = h.logs.filter((l) => l.includes("malformed change event dropped"));
    assert.equal(dropped.length, 2, "each malformed event is logged once");
    assert.ok(!h.logs.some((l) => l.includes(CANARY)), "no value or event content in any log line");
  });

  test("a queue outage falls back to polling with no loss, and events flow again after it", async () => {
    await sm.send(new CreateSecretCommand({ Name: "ce/outage", SecretString: `${CANARY}-o1` }));
    await externalSecret("outage", "ce/outage", "15s");
    await h.waitForSecret(ns.name, "outage", (s) => decode(s, "v") === `${CANARY}-o1`);

    h.aws.inject({ match: faults.awsAction("ReceiveMessage", "DeleteMessageBatch"), fault: faults.awsError(500, "InternalError", "SQS is down") });
    const failedBefore = h.logs.filter((l) => l.includes("change event queue call failed")).length;
    await sm.send(new PutSecretValueCommand({ SecretId: "ce/outage", SecretString: `${CANARY}-o2` }));
    await h.putEvent("aws.secretsmanager", "AWS API Call via CloudTrail", cloudTrail("PutSecretValue", "ce/outage"));
    // The periodic refresh (15 s plus jitter) carries the change while no event can be read.
    await h.waitForSecret(ns.name, "outage", (s) => decode(s, "v") === `${CANARY}-o2`, 60_000);
    await waitUntil("the queue failure logged", async () => h.logs.filter((l) => l.includes("change event queue call failed")).length > failedBefore, { timeoutMs: 30_000 });
    assert.equal(h.changeEvents.queuesUp, false);

    h.aws.clearFaults();
    // The event kept in the queue is read once SQS answers (the poller's backoff is at most a minute).
    await waitUntil("the queue read again and drained", async () => h.changeEvents.queuesUp && (await h.queueDepth()) === 0, { timeoutMs: 120_000 });
    assert.ok(!h.logs.some((l) => l.includes(CANARY)), "no value in any log line");
  });
});
