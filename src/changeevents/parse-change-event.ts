import type { ChangeService, ParsedMessage, RemoteChange } from "./change-event.ts";
import { namesOfArn } from "./remote-names.ts";

/**
 * Secrets Manager API calls that can change what an ExternalSecret reads: the value (PutSecretValue,
 * UpdateSecret, UpdateSecretVersionStage, RotateSecret), its existence (DeleteSecret, RestoreSecret,
 * CreateSecret) and its tags (TagResource, UntagResource: `dataFrom.find.tags` and `metadataPolicy: Fetch`).
 */
const SECRETS_MANAGER_CALLS = new Set([
  "PutSecretValue",
  "UpdateSecret",
  "UpdateSecretVersionStage",
  "RotateSecret",
  "DeleteSecret",
  "RestoreSecret",
  "CreateSecret",
  "TagResource",
  "UntagResource",
]);
/** Events Secrets Manager itself records ("AWS Service Event via CloudTrail"): a rotation that changed the value. */
const SECRETS_MANAGER_SERVICE_EVENTS = new Set(["RotationSucceeded"]);
/** Parameter Store Change operations (the SSM user guide's event examples). */
const PARAMETER_OPERATIONS = new Set(["Create", "Update", "Delete", "LabelParameterVersion"]);

/** SQS takes messages up to 1 MiB; a body beyond that is not from EventBridge. */
export const MAX_MESSAGE_BYTES = 1 << 20;
/** Names taken from one event; a real event names one secret in a handful of fields. */
const MAX_NAMES = 16;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/**
 * Reads one SQS message body: an EventBridge event as AWS documents it (delivered by a rule with an SQS
 * target, or the same event inside an SNS notification). Pure: no I/O, no clock, and the result never holds
 * anything but names, region, account and the action — never a value from the event.
 */
export function parseChangeMessage(body: string): ParsedMessage {
  if (body.length > MAX_MESSAGE_BYTES) return { kind: "malformed", reason: `body of ${body.length} bytes is larger than an event can be` };
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return { kind: "malformed", reason: "body is not JSON" };
  }
  // Through SNS (a rule targeting a topic the queue subscribes to, without raw delivery): the event is the Message.
  if (isObject(event) && event.Type === "Notification" && typeof event.Message === "string") return parseChangeMessage(event.Message);
  if (!isObject(event)) return { kind: "malformed", reason: "body is not a JSON object" };
  const source = str(event.source);
  const detailType = str(event["detail-type"]);
  if (!source || !detailType) return { kind: "malformed", reason: "not an EventBridge event (no source or detail-type)" };
  if (!isObject(event.detail)) return { kind: "malformed", reason: `${source} event without a detail object` };
  if (source === "aws.secretsmanager") return secretsManagerChange(event, detailType, event.detail);
  if (source === "aws.ssm") return parameterChange(event, detailType, event.detail);
  return { kind: "ignored", reason: `source ${source.slice(0, 64)}` };
}

/** "AWS API Call via CloudTrail" (China regions say "Amazon …"), or the service's own "… Service Event via CloudTrail". */
function secretsManagerChange(event: Json, detailType: string, detail: Json): ParsedMessage {
  const apiCall = /^(AWS|Amazon) API Call via CloudTrail$/.test(detailType);
  const serviceEvent = /^(AWS|Amazon) Service Event via CloudTrail$/.test(detailType);
  if (!apiCall && !serviceEvent) return { kind: "ignored", reason: `detail-type ${detailType.slice(0, 64)}` };
  const action = str(detail.eventName);
  if (!action) return { kind: "malformed", reason: "CloudTrail event without eventName" };
  if (!(apiCall ? SECRETS_MANAGER_CALLS : SECRETS_MANAGER_SERVICE_EVENTS).has(action)) return { kind: "ignored", reason: `eventName ${action.slice(0, 64)}` };
  // A call that failed changed nothing.
  if (str(detail.errorCode)) return { kind: "ignored", reason: `${action} failed` };

  const request = isObject(detail.requestParameters) ? detail.requestParameters : {};
  const response = isObject(detail.responseElements) ? detail.responseElements : {};
  const additional = isObject(detail.additionalEventData) ? detail.additionalEventData : {};
  // Before February 2024 some calls reported the ARN as "aRN" (Secrets Manager user guide, CloudTrail entries).
  const identifiers = [request.secretId, request.name, response.arn, response.aRN, response.name, additional.SecretId, additional.secretId];
  for (const r of Array.isArray(detail.resources) ? detail.resources : []) if (isObject(r)) identifiers.push(r.ARN, r.arn);
  return changeOf("SecretsManager", event, detail, action, identifiers);
}

function parameterChange(event: Json, detailType: string, detail: Json): ParsedMessage {
  if (detailType !== "Parameter Store Change") return { kind: "ignored", reason: `detail-type ${detailType.slice(0, 64)}` };
  const action = str(detail.operation);
  if (!action) return { kind: "malformed", reason: "Parameter Store Change without operation" };
  if (!PARAMETER_OPERATIONS.has(action)) return { kind: "ignored", reason: `operation ${action.slice(0, 64)}` };
  const identifiers: unknown[] = [detail.name];
  for (const r of Array.isArray(event.resources) ? event.resources : []) identifiers.push(r);
  return changeOf("ParameterStore", event, detail, action, identifiers);
}

function changeOf(service: ChangeService, event: Json, detail: Json, action: string, identifiers: unknown[]): ParsedMessage {
  const names = new Set<string>();
  let region = str(event.region) ?? str(detail.awsRegion);
  let account = str(event.account) ?? str(detail.recipientAccountId);
  for (const id of identifiers) {
    const value = str(id);
    if (!value || names.size >= MAX_NAMES) continue;
    const arn = namesOfArn(value);
    if (arn) {
      if (arn.service !== service) continue;
      region ??= arn.region;
      account ??= arn.account;
      for (const n of arn.names) names.add(n);
    } else if (!value.startsWith("arn:")) {
      names.add(value);
    }
  }
  if (!region) return { kind: "malformed", reason: `${action} event without a region` };
  if (names.size === 0) return { kind: "malformed", reason: `${action} event names no ${service === "SecretsManager" ? "secret" : "parameter"}` };
  const change: RemoteChange = { service, region, account, names: [...names].slice(0, MAX_NAMES), action };
  return { kind: "change", change };
}
