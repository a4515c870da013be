/**
 * Semantic checks of `spec.provider.aws` (ESO ValidateStore), beyond the structure the CRD schema checks:
 * every message names the field path, so the admission webhook's answer says what to fix.
 */
import { parseDuration } from "../../apis/duration.ts";
import type { StoreContext, StoreValidation } from "../provider.ts";
import { AWS_SPEC_PATH, type AwsStoreSpec, type SecretKeySelector, type ServiceAccountSelector } from "./spec.ts";

/** Commercial, GovCloud, China, ISO and sovereign partitions: `us-east-1`, `us-gov-west-1`, `cn-north-1`, `eusc-de-east-1`. */
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const RESERVED_SESSION_TAGS = ["esoNamespace", "esoStoreName", "esoStoreKind"];
const SERVICES = ["SecretsManager", "ParameterStore"];

export function validateAwsStore(spec: AwsStoreSpec, store?: StoreContext): StoreValidation {
  const errors: string[] = [];
  const warnings: string[] = [];
  const error = (path: string, message: string) => errors.push(`${path}: ${message}`);
  const aws = spec.provider?.aws;
  const p = AWS_SPEC_PATH;
  if (!aws) return { errors: [`${p}: required`], warnings };

  if (!aws.service) error(`${p}.service`, "required");
  else if (aws.service === ("CertificateManager" as string)) error(`${p}.service`, "CertificateManager is not supported by Ferry (SecretsManager or ParameterStore)");
  else if (!SERVICES.includes(aws.service)) error(`${p}.service`, `must be one of ${SERVICES.join(", ")}`);

  if (!aws.region) error(`${p}.region`, "required");
  else if (!REGION.test(aws.region)) error(`${p}.region`, `"${aws.region}" is not an AWS region (e.g. eu-west-1)`);

  const auth = aws.auth;
  if (auth) {
    if (auth.secretRef && auth.jwt) error(`${p}.auth`, "set only one of secretRef and jwt");
    else if (!auth.secretRef && !auth.jwt) warnings.push(`${p}.auth: empty; the SDK default credential chain (the controller's own identity) is used`);
    if (auth.secretRef) {
      const base = `${p}.auth.secretRef`;
      checkSelector(`${base}.accessKeyIDSecretRef`, auth.secretRef.accessKeyIDSecretRef, true);
      checkSelector(`${base}.secretAccessKeySecretRef`, auth.secretRef.secretAccessKeySecretRef, true);
      checkSelector(`${base}.sessionTokenSecretRef`, auth.secretRef.sessionTokenSecretRef, false);
    }
    if (auth.jwt) checkServiceAccount(`${p}.auth.jwt.serviceAccountRef`, auth.jwt.serviceAccountRef);
  }

  if (aws.role !== undefined && !ROLE_ARN.test(aws.role)) error(`${p}.role`, `"${aws.role}" is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)`);
  (aws.additionalRoles ?? []).forEach((role, i) => {
    if (!ROLE_ARN.test(role)) error(`${p}.additionalRoles[${i}]`, `"${role}" is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)`);
  });

  if (aws.externalID !== undefined) {
    if (!EXTERNAL_ID.test(aws.externalID)) error(`${p}.externalID`, "must be 2 to 1224 characters of letters, digits and +=,.@:/-");
    if (!aws.role) warnings.push(`${p}.externalID: used only when assuming ${p}.role, which is not set`);
  }

  const tagKeys = new Set<string>();
  (aws.sessionTags ?? []).forEach((tag, i) => {
    if (!tag.key || tag.key.length > 128) error(`${p}.sessionTags[${i}].key`, "required, at most 128 characters");
    if ((tag.value ?? "").length > 256) error(`${p}.sessionTags[${i}].value`, "at most 256 characters");
    if (tag.key) tagKeys.add(tag.key.toLowerCase());
  });
  if ((aws.sessionTags ?? []).length > 50) error(`${p}.sessionTags`, "at most 50 tags");
  (aws.transitiveTagKeys ?? []).forEach((key, i) => {
    if (!tagKeys.has(key.toLowerCase())) error(`${p}.transitiveTagKeys[${i}]`, `"${key}" is not a key of ${p}.sessionTags (STS requires it)`);
  });
  if ((aws.sessionTags?.length || aws.transitiveTagKeys?.length) && !aws.role) warnings.push(`${p}.sessionTags: used only when assuming ${p}.role, which is not set`);

  const policy = aws.sessionTagsPolicy;
  if (policy !== undefined && !["None", "Simple", "Custom"].includes(policy)) error(`${p}.sessionTagsPolicy`, "must be one of None, Simple, Custom");
  if ((policy === "Simple" || policy === "Custom") && !aws.role) warnings.push(`${p}.sessionTagsPolicy: used only when assuming ${p}.role, which is not set`);
  for (const key of Object.keys(aws.customSessionTags ?? {})) {
    if (RESERVED_SESSION_TAGS.includes(key)) error(`${p}.customSessionTags.${key}`, `reserved (${RESERVED_SESSION_TAGS.join(", ")} are set by the operator)`);
  }
  if (aws.customSessionTags && Object.keys(aws.customSessionTags).length > 0 && policy !== "Custom") {
    warnings.push(`${p}.customSessionTags: used only with sessionTagsPolicy: Custom`);
  }

  const sm = aws.secretsManager;
  if (sm) {
    const window = sm.recoveryWindowInDays;
    if (window !== undefined && window !== 0 && (!Number.isInteger(window) || window < 7 || window > 30)) {
      error(`${p}.secretsManager.recoveryWindowInDays`, "must be an integer from 7 to 30");
    }
    if (sm.forceDeleteWithoutRecovery && window) error(`${p}.secretsManager`, "set forceDeleteWithoutRecovery or recoveryWindowInDays, not both");
  }

  const retry = spec.retrySettings;
  if (retry) {
    if (retry.maxRetries !== undefined && (!Number.isInteger(retry.maxRetries) || retry.maxRetries < 0)) error("spec.retrySettings.maxRetries", "must be a non-negative integer");
    if (retry.retryInterval !== undefined) {
      try {
        if (parseDuration(retry.retryInterval) < 0) error("spec.retrySettings.retryInterval", "must not be negative");
      } catch {
        error("spec.retrySettings.retryInterval", `"${retry.retryInterval}" is not a duration (e.g. "10s")`);
      }
    }
  }
  return { errors, warnings };

  function checkSelector(path: string, selector: SecretKeySelector | undefined, required: boolean): void {
    if (!selector) {
      if (required) error(path, "required");
      return;
    }
    if (!selector.name) error(`${path}.name`, "required");
    if (!selector.key) error(`${path}.key`, "required");
    checkNamespace(path, selector.namespace);
  }

  function checkServiceAccount(path: string, selector: ServiceAccountSelector | undefined): void {
    if (!selector) return void error(path, "required");
    if (!selector.name) error(`${path}.name`, "required");
    checkNamespace(path, selector.namespace);
    (selector.audiences ?? []).forEach((audience, i) => {
      if (!audience) error(`${path}.audiences[${i}]`, "must not be empty");
    });
  }

  /** ESO: a SecretStore may only reference its own namespace. */
  function checkNamespace(path: string, namespace: string | undefined): void {
    if (store?.kind === "SecretStore" && namespace && store.namespace && namespace !== store.namespace) {
      error(`${path}.namespace`, `a SecretStore can only reference its own namespace "${store.namespace}"`);
    }
  }
}
