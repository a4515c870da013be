// EventBridge events as AWS documents them, for table tests. Shapes from the Secrets Manager user guide
// ("AWS CloudTrail entries for Secrets Manager", "Match AWS Secrets Manager events with Amazon EventBridge")
// and the Systems Manager user guide ("Amazon EventBridge event examples for Systems Manager", Parameter
// Store events); identifiers are the documentation's example values. CloudTrail never records secret values
// (SecretString is logged as HIDDEN_DUE_TO_SECURITY_REASONS), and neither do these.

const envelope = (detailType: string, source: string, detail: object, extra: object = {}) => ({
  version: "0",
  id: "4725d455-933f-495b-56d9-5ab003cd633f",
  "detail-type": detailType,
  source,
  account: "123456789012",
  time: "2024-03-14T16:43:48Z",
  region: "us-west-2",
  resources: [],
  detail,
  ...extra,
});

const cloudTrail = (eventName: string, requestParameters: object | null, responseElements: object | null, extra: object = {}) => ({
  eventVersion: "1.08",
  userIdentity: {
    type: "AssumedRole",
    principalId: "AROAEXAMPLEID:alice",
    arn: "arn:aws:sts::123456789012:assumed-role/Admin/alice",
    accountId: "123456789012",
    accessKeyId: "ASIAEXAMPLEKEYID",
  },
  eventTime: "2024-03-14T16:43:48Z",
  eventSource: "secretsmanager.amazonaws.com",
  eventName,
  awsRegion: "us-west-2",
  sourceIPAddress: "192.0.2.0",
  userAgent: "aws-cli/2.15.0",
  requestParameters,
  responseElements,
  requestID: "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
  eventID: "a1b2c3d4-5678-90ab-cdef-EXAMPLE22222",
  readOnly: false,
  eventType: "AwsApiCall",
  managementEvent: true,
  recipientAccountId: "123456789012",
  eventCategory: "Management",
  ...extra,
});

export const SECRET_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestSecret-a1b2c3";

export const putSecretValue = envelope(
  "AWS API Call via CloudTrail",
  "aws.secretsmanager",
  cloudTrail(
    "PutSecretValue",
    { secretId: "MyTestSecret", clientRequestToken: "EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE", secretString: "HIDDEN_DUE_TO_SECURITY_REASONS" },
    { arn: SECRET_ARN },
  ),
);

/** Before February 2024 some calls reported "aRN". */
export const updateSecretOldARNKey = envelope(
  "AWS API Call via CloudTrail",
  "aws.secretsmanager",
  cloudTrail("UpdateSecret", { secretId: SECRET_ARN, description: "rotated by hand" }, { aRN: SECRET_ARN, name: "MyTestSecret" }),
);

export const updateSecretVersionStage = envelope(
  "AWS API Call via CloudTrail",
  "aws.secretsmanager",
  cloudTrail("UpdateSecretVersionStage", { secretId: "MyTestSecret", versionStage: "AWSCURRENT", moveToVersionId: "EXAMPLE2-90ab-cdef-fedc-ba987EXAMPLE" }, { arn: SECRET_ARN, name: "MyTestSecret" }),
);

export const rotateSecret = envelope(
  "AWS API Call via CloudTrail",
  "aws.secretsmanager",
  cloudTrail("RotateSecret", { secretId: "MyTestSecret", rotateImmediately: true }, { arn: SECRET_ARN, name: "MyTestSecret", versionId: "EXAMPLE3-90ab-cdef-fedc-ba987EXAMPLE" }),
);

export const rotationSucceeded = envelope(
  "AWS Service Event via CloudTrail",
  "aws.secretsmanager",
  cloudTrail("RotationSucceeded", null, null, {
    userIdentity: { accountId: "123456789012", invokedBy: "secretsmanager.amazonaws.com" },
    sourceIPAddress: "secretsmanager.amazonaws.com",
    userAgent: "secretsmanager.amazonaws.com",
    additionalEventData: { SecretId: SECRET_ARN },
    eventType: "AwsServiceEvent",
    managementEvent: true,
  }),
);

export const deleteSecret = envelope(
  "AWS API Call via CloudTrail",
  "aws.secretsmanager",
  cloudTrail("DeleteSecret", { secretId: "MyTestSecret", recoveryWindowInDays: 30 }, { arn: SECRET_ARN, name: "MyTestSecret", deletionDate: "Apr 13, 2024 4:43:48 PM" }),
);

export const restoreSecret = envelope(
  "AWS API Call via CloudTrail",
  "aws.secretsmanager",
  cloudTrail("RestoreSecret", { secretId: "MyTestSecret" }, { arn: SECRET_ARN, name: "MyTestSecret" }),
);

export const tagResource = envelope(
  "AWS API Call via CloudTrail",
  "aws.secretsmanager",
  cloudTrail("TagResource", { secretId: SECRET_ARN, tags: [{ key: "team", value: "payments" }] }, null),
);

/** A read: never a change. */
export const getSecretValue = envelope(
  "AWS API Call via CloudTrail",
  "aws.secretsmanager",
  cloudTrail("GetSecretValue", { secretId: "MyTestSecret" }, null, { readOnly: true }),
);

export const failedPutSecretValue = envelope(
  "AWS API Call via CloudTrail",
  "aws.secretsmanager",
  cloudTrail("PutSecretValue", { secretId: "MyTestSecret" }, null, { errorCode: "AccessDenied", errorMessage: "not allowed" }),
);

/** The China regions' detail-type ("Amazon API Call via CloudTrail", EventBridge events reference for Secrets Manager). */
export const putSecretValueChina = envelope(
  "Amazon API Call via CloudTrail",
  "aws.secretsmanager",
  cloudTrail("PutSecretValue", { secretId: "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:MyTestSecret-a1b2c3" }, null, { awsRegion: "cn-north-1" }),
  { region: "cn-north-1" },
);

/** The Systems Manager user guide's Parameter Store Change example (a one-level name). */
export const parameterCreate = {
  version: "0",
  id: "6a7e4feb-b491-4cf7-a9f1-bf3703497718",
  "detail-type": "Parameter Store Change",
  source: "aws.ssm",
  account: "123456789012",
  time: "2017-05-22T16:43:48Z",
  region: "us-east-1",
  resources: ["arn:aws:ssm:us-east-1:123456789012:parameter/foo"],
  detail: { operation: "Create", name: "foo", type: "String", description: "Sample Parameter" },
};

export const parameterUpdateHierarchical = {
  ...parameterCreate,
  resources: ["arn:aws:ssm:us-east-1:123456789012:parameter/app/prod/db-url"],
  detail: { operation: "Update", name: "/app/prod/db-url", type: "SecureString", description: "" },
};

export const parameterDelete = { ...parameterUpdateHierarchical, detail: { ...parameterUpdateHierarchical.detail, operation: "Delete" } };

export const parameterLabel = { ...parameterUpdateHierarchical, detail: { ...parameterUpdateHierarchical.detail, operation: "LabelParameterVersion" } };

export const parameterPolicyAction = {
  ...parameterCreate,
  "detail-type": "Parameter Store Policy Action",
  detail: { "parameter-name": "/app/prod/db-url", "parameter-type": "SecureString", "policy-type": "Expiration", "action-status": "Finished" },
};

/** What moto's EventBridge delivers to an SQS target: the same envelope without `account`. */
export const motoPutSecretValue = {
  id: "345eeb93-5d65-4660-b712-529fd5e2e886",
  time: "2026-12-03T13:30:40Z",
  version: "0",
  "detail-type": "AWS API Call via CloudTrail",
  source: "aws.secretsmanager",
  region: "us-east-1",
  resources: [],
  detail: { eventName: "PutSecretValue", eventSource: "secretsmanager.amazonaws.com", requestParameters: { secretId: "app/db" } },
};
