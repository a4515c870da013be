import { AccessDeniedError, InvalidStoreError, NoSecretError, NotManagedError, ThrottledError, WriteConflictError, type SecretsWriter } from "../providers/provider.ts";
import type { AdmissionDecision, AdmissionRequest } from "../runtime/webhook/admission-review.ts";
import type { AdmissionContext, AdmissionHandler } from "../runtime/webhook/webhook-server.ts";
import type { ContentHasher } from "./content-hash.ts";
import { decodeDocument, encodeDocument, oversizeMessage, SECRETS_MANAGER_MAX_BYTES } from "./document.ts";
import { MANAGED_BY_VALUE, RECORDED, TAGS } from "./names.ts";
import { planAdmission, type Recorded } from "./plan.ts";
import { remoteNameProblem, renderRemoteKey } from "./remote-name.ts";
import { asSecret, type SecretObject } from "./secret-object.ts";
import { arnNamesSecret, staleOldObjectProblem } from "./trusted-old-object.ts";
import type { WriteStore, WriteStoreLookup } from "./store-lookup.ts";
import { strippedSecretPatch } from "./strip.ts";

export interface WriteThroughSettings {
  /** `--name-template`, checked at startup. */
  nameTemplate: string;
  /** `--cluster-name`: tagged on every AWS secret (and usable in the template) so clusters sharing an account never overwrite each other. */
  cluster: string;
  hasher: ContentHasher;
  systemNamespaces: ReadonlySet<string>;
}

export interface WriteThroughDependencies {
  lookupStore: WriteStoreLookup;
  writerFor(store: WriteStore, namespace: string): Promise<SecretsWriter>;
  /** A live read: does this Secret exist? A CREATE of an existing name fails only after admission. */
  secretExists(namespace: string, name: string, signal: AbortSignal): Promise<boolean>;
  /** A live read of the Secret (undefined when it does not exist): the old object of an UPDATE is checked against it. */
  getSecret(namespace: string, name: string, signal: AbortSignal): Promise<SecretObject | undefined>;
}

/**
 * The AWS tags that make a secret ours: every one must match before an existing secret is written or deleted.
 * The cluster is always one of them (an explicit name or the kube-system UID): with it missing, a secret
 * tagged by another cluster would match too, and two clusters sharing an account would own each other's.
 */
export function ownerTags(namespace: string, name: string, cluster: string): Record<string, string> {
  if (!cluster) throw new Error("ownerTags: a cluster identity is required");
  return { [TAGS.managedBy]: MANAGED_BY_VALUE, [TAGS.namespace]: namespace, [TAGS.name]: name, [TAGS.cluster]: cluster };
}

const DESCRIPTION = "Written through from a Kubernetes Secret by Ferry; the Secret's deletion policy decides this secret's lifetime";

/**
 * The mutating admission handler for labelled Secrets: plan (no I/O), resolve the store, write the values
 * to Secrets Manager, and answer with the patch that leaves only the reference in etcd. Every refusal
 * happens before the AWS write, so a denied request writes nothing; an AWS failure denies the request
 * (failurePolicy Fail semantics), so nothing reaches etcd that AWS does not hold. Dry runs do everything
 * except calling AWS. Log lines carry names, sizes and versions, never values.
 */
export function writeThroughHandler(settings: WriteThroughSettings, deps: WriteThroughDependencies): AdmissionHandler {
  return async (request, context) => {
    const namespace = request.namespace ?? "";
    const object = asSecret(request.object);
    const name = object?.metadata?.name ?? request.name ?? "";
    const planFor = (oldObject: unknown) =>
      planAdmission({
        operation: request.operation,
        namespace,
        object: request.object,
        oldObject,
        systemNamespaces: settings.systemNamespaces,
        expectedRemoteKey: renderRemoteKey(settings.nameTemplate, { namespace, name, cluster: settings.cluster }),
      });
    let plan = planFor(request.oldObject);
    if (plan.action === "write" && request.operation === "UPDATE" && request.dryRun !== true) {
      // The old object steers the AWS write; it must be the one the apiserver holds, not one a replayed or
      // forged review made up. Planned again from the live object, so only what is stored counts.
      let live: SecretObject | undefined;
      try {
        live = await deps.getSecret(namespace, name, context.signal);
      } catch (err) {
        return deny(503, "ServiceUnavailable", `write-through: cannot read Secret ${namespace}/${name} to check the update: ${messageOf(err)}`);
      }
      const stale = staleOldObjectProblem(asSecret(request.oldObject), live);
      if (stale) {
        context.logger.warn({ why: stale }, "write-through refused: the old object is not the stored one");
        return deny(409, "Conflict", `write-through: ${stale}; retry the update`);
      }
      plan = planFor(live);
    }
    switch (plan.action) {
      case "ignore":
        if (plan.why === "not labelled") context.logger.warn({}, "received a Secret without the write-through label: the webhook's objectSelector should not send these");
        return { allowed: true };
      case "allow":
        return { allowed: true };
      case "deny":
        context.logger.info({ code: plan.code, reason: plan.reason }, "write-through refused");
        return deny(plan.code, plan.reason, plan.message);
      case "restore":
        return { allowed: true, patch: strippedSecretPatch(object!, plan.recorded.keys, recordedAnnotations(plan.recorded)) };
      case "write":
        return await write(request, context, object!, plan, settings, deps);
    }
  };
}

type WritePlan = Extract<ReturnType<typeof planAdmission>, { action: "write" }>;

async function write(
  request: AdmissionRequest,
  context: AdmissionContext,
  object: SecretObject,
  plan: WritePlan,
  settings: WriteThroughSettings,
  deps: WriteThroughDependencies,
): Promise<AdmissionDecision> {
  const namespace = request.namespace ?? "";
  const name = object.metadata?.name ?? request.name ?? "";
  const dryRun = request.dryRun === true;
  const { recorded } = plan;

  const found = deps.lookupStore(namespace, plan.store);
  if (!found.ok) {
    const code = found.reason === "Forbidden" ? 403 : found.reason === "NotReady" ? 503 : 400;
    return deny(code, found.reason === "NotReady" ? "ServiceUnavailable" : found.reason === "Forbidden" ? "Forbidden" : "Invalid", `write-through: ${found.message}`);
  }
  const store = found.store;
  // Always the template's name: a recorded one was checked to equal it (planAdmission).
  const remoteKey = renderRemoteKey(settings.nameTemplate, { namespace, name, cluster: settings.cluster });
  const remoteName = store.prefix + remoteKey;
  const nameProblem = remoteNameProblem(remoteName);
  if (nameProblem) return deny(400, "Invalid", `write-through: ${nameProblem}`);
  if (recorded && !arnNamesSecret(recorded.arn, remoteName)) {
    return deny(403, "Forbidden", `write-through: the recorded ARN does not name secret "${remoteName}"; refusing to write to it`);
  }
  const log = context.logger.child({ store: `${store.ref.kind} ${store.ref.name}`, awsSecret: remoteName });

  try {
    if (request.operation === "CREATE" && (await deps.secretExists(namespace, name, context.signal))) {
      // The apiserver would refuse the create after admission, with AWS already written: refuse first.
      return deny(409, "AlreadyExists", `secrets "${name}" already exists`);
    }
  } catch (err) {
    return deny(503, "ServiceUnavailable", `write-through: cannot check whether Secret ${namespace}/${name} exists: ${messageOf(err)}`);
  }

  let writer: SecretsWriter | undefined;
  const values = new Map(plan.values);
  if (plan.keep.length > 0 && recorded) {
    if (dryRun) {
      // Merging needs the current values from AWS; a dry run checks the rest and writes nothing.
      const patch = strippedSecretPatch(object, [...values.keys(), ...plan.keep], { ...recordedAnnotations(recorded) });
      return { allowed: true, patch, warnings: ["dry run: nothing was written to AWS Secrets Manager (keys sent empty keep their current values)"] };
    }
    try {
      writer = await deps.writerFor(store, namespace);
      const payload = await writer.readVersion(recorded.arn, recorded.version, context.signal);
      const current = decodeDocument(payload.value, recorded.encoding);
      for (const key of plan.keep) values.set(key, current.get(key) ?? new Uint8Array());
    } catch (err) {
      return awsFailure(err, "read the current values of", remoteName, log);
    }
  }

  const document = encodeDocument(values);
  if (document.bytes.length > SECRETS_MANAGER_MAX_BYTES) return deny(413, "RequestEntityTooLarge", `write-through: ${oversizeMessage(document.bytes.length)}`);
  const contentHash = settings.hasher.contentHash(document);
  const keys = [...values.keys()].sort();
  const described = { keys: keys.length, bytes: document.bytes.length, encoding: document.encoding };

  if (recorded && contentHash === recorded.contentHash) {
    // A re-apply of the same values (GitOps, `kubectl apply`): no new version.
    log.info({ ...described, version: recorded.version }, "write-through: content unchanged");
    return { allowed: true, patch: strippedSecretPatch(object, keys, recordedAnnotations(recorded)) };
  }

  const base = { remoteKey, keys, contentHash, encoding: document.encoding };
  if (dryRun) {
    const annotations = recordedAnnotations(recorded ? { ...recorded, ...base } : undefined, base);
    log.info(described, "write-through dry run: nothing written");
    return { allowed: true, patch: strippedSecretPatch(object, keys, annotations), warnings: ["dry run: nothing was written to AWS Secrets Manager"] };
  }

  const versionToken = settings.hasher.versionToken(remoteName, recorded?.version, contentHash);
  let result;
  try {
    writer ??= await deps.writerFor(store, namespace);
    result = await writer.pushSecret(
      {
        remoteKey,
        existingId: recorded?.arn,
        value: document.bytes,
        format: "string",
        ownerTags: ownerTags(namespace, name, settings.cluster),
        tags: { [TAGS.encoding]: document.encoding },
        description: DESCRIPTION,
        versionToken,
      },
      context.signal,
    );
  } catch (err) {
    return awsFailure(err, "write", remoteName, log);
  }

  const written: Recorded = { ...base, arn: result.arn, version: result.versionId };
  log.info({ ...described, version: result.versionId, outcome: result.outcome, calls: result.calls, adoption: plan.adoption }, "write-through: written");
  const warnings = plan.adoption ? ["the values are now in AWS Secrets Manager; the earlier plaintext stays in etcd's history until the next compaction"] : [];
  return {
    allowed: true,
    patch: strippedSecretPatch(object, keys, recordedAnnotations(written)),
    warnings,
    auditAnnotations: { "aws-secret-arn": result.arn, "aws-version-id": result.versionId, outcome: result.outcome },
  };
}

function recordedAnnotations(recorded: Recorded | undefined, partial?: Pick<Recorded, "remoteKey" | "keys" | "contentHash" | "encoding">): Record<string, string> {
  const r = recorded ?? partial;
  if (!r) return {};
  return {
    [RECORDED.remoteKey]: r.remoteKey,
    [RECORDED.keys]: r.keys.join(","),
    [RECORDED.contentHash]: r.contentHash,
    [RECORDED.encoding]: r.encoding,
    ...(recorded ? { [RECORDED.arn]: recorded.arn, [RECORDED.version]: recorded.version } : {}),
  };
}

function deny(code: number, reason: string, message: string): AdmissionDecision {
  return { allowed: false, code, reason, message };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * An AWS failure as a denial the user can act on. Nothing was written to Kubernetes; when AWS could not be
 * reached, nothing was written to AWS either (or, if a write landed before the connection broke, the retry
 * finds it by its version id and adds nothing).
 */
function awsFailure(err: unknown, action: string, remoteName: string, log: AdmissionContext["logger"]): AdmissionDecision {
  const detail = messageOf(err);
  log.warn({ action, error: { type: err instanceof Error ? err.name : typeof err, message: detail } }, "write-through: AWS call failed");
  if (err instanceof NotManagedError) return deny(403, "Forbidden", `write-through: ${detail}`);
  if (err instanceof WriteConflictError) return deny(409, "Conflict", `write-through: ${detail}`);
  if (err instanceof AccessDeniedError) return deny(403, "Forbidden", `write-through: AWS refused to ${action} secret "${remoteName}": ${detail}`);
  if (err instanceof InvalidStoreError) return deny(400, "Invalid", `write-through: ${detail}`);
  if (err instanceof NoSecretError) return deny(409, "Conflict", `write-through: the recorded AWS version is gone (${detail}); send every value to write a new version`);
  const why = err instanceof ThrottledError ? "throttled" : isAbort(err) ? "did not answer in time" : "unavailable";
  return deny(
    503,
    "ServiceUnavailable",
    `write-through: AWS Secrets Manager ${why}, could not ${action} secret "${remoteName}" (${detail}); the Secret was not changed: retry when AWS is reachable`,
  );
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError" || /abort|deadline/i.test(err.message));
}
