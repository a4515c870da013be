import { NotManagedError, type SecretsWriter } from "../providers/provider.ts";
import type { ReconcileResult, Request } from "../runtime/controller.ts";
import type { EventRecorder, EventTarget } from "../runtime/event-recorder.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import { errorFields, type Logger } from "../runtime/logger.ts";
import { ownerTags } from "./admission-handler.ts";
import type { WriteThroughKube } from "./kube-calls.ts";
import { DELETION_POLICY_ANNOTATION, FINALIZER, READ_BACK_LABEL, RECORDED, SOURCE_LABEL } from "./names.ts";
import { recordedOf, storeOf } from "./plan.ts";
import { readBackExternalSecret } from "./read-back.ts";
import type { SecretObject } from "./secret-object.ts";
import type { WriteStore, WriteStoreLookup } from "./store-lookup.ts";

export type DeletionPolicy = "Delete" | "Retain";

export interface SecretReconcilerOptions {
  /** The labelled Secrets, from the informer cache. */
  getSecret(namespace: string, name: string): KubeObject | undefined;
  /** Whether a namespace is being deleted: then nothing can wait for a store that is going away too. */
  namespaceTerminating(namespace: string): boolean;
  lookupStore: WriteStoreLookup;
  writerFor(store: WriteStore, namespace: string): Promise<SecretsWriter>;
  kube: WriteThroughKube;
  events: EventRecorder;
  logger: Logger;
  defaultDeletionPolicy: DeletionPolicy;
  /** Used when the store sets no `secretsManager.recoveryWindowInDays`; AWS's own default is 30. */
  defaultRecoveryWindowDays: number | undefined;
  cluster: string;
}

/**
 * The half of write-through that must not run in admission (ADR 0003). For a labelled Secret:
 *
 * - being deleted and holding Ferry's finalizer: apply the deletion policy to the AWS secret (schedule its
 *   deletion with the recovery window, or keep it), then release the finalizer. Done here, after the
 *   apiserver committed the deletion, because a DELETE admitted by a webhook can still fail afterwards.
 *   AWS failures retry with backoff, holding the finalizer, so a Secret is never gone while its AWS secret
 *   was meant to be deleted and was not, except when that cannot be done at all (store gone, secret not
 *   ours, namespace terminating): then the AWS secret is kept and an Event says so.
 * - otherwise, with the read-back label: keep the read-back ExternalSecret at the recorded version.
 */
export class SecretReconciler {
  readonly #o: SecretReconcilerOptions;

  constructor(options: SecretReconcilerOptions) {
    this.#o = options;
  }

  async reconcile(request: Request): Promise<ReconcileResult> {
    const namespace = request.namespace ?? "";
    const secret = this.#o.getSecret(namespace, request.name) as SecretObject | undefined;
    if (!secret?.metadata) return {};
    if (secret.metadata.deletionTimestamp) {
      if ((secret.metadata.finalizers ?? []).includes(FINALIZER)) await this.#release(namespace, secret);
      return {};
    }
    await this.#ensureReadBack(namespace, secret);
    return {};
  }

  async #release(namespace: string, secret: SecretObject): Promise<void> {
    const name = secret.metadata!.name!;
    const target = eventTarget(namespace, secret);
    const recorded = recordedOf(secret);
    const policy = (secret.metadata?.annotations?.[DELETION_POLICY_ANNOTATION] as DeletionPolicy | undefined) ?? this.#o.defaultDeletionPolicy;
    const log = this.#o.logger.child({ namespace, name, policy, awsSecret: recorded?.arn });

    if (!recorded) {
      log.info({}, "write-through Secret deleted before anything was written");
    } else if (policy === "Retain") {
      this.#o.events.event(target, "Normal", "AWSSecretRetained", `AWS secret ${recorded.arn} kept (deletion policy Retain)`);
    } else {
      await this.#deleteRemote(namespace, name, secret, recorded.arn, target, log);
    }

    const finalizers = (secret.metadata?.finalizers ?? []).filter((f) => f !== FINALIZER);
    await this.#o.kube.setFinalizers(namespace, name, finalizers, (secret.metadata as { resourceVersion?: string }).resourceVersion ?? "");
    log.info({}, "write-through finalizer released");
  }

  async #deleteRemote(namespace: string, name: string, secret: SecretObject, arn: string, target: EventTarget, log: Logger): Promise<void> {
    const keep = (why: string) => {
      log.warn({ why }, "AWS secret kept");
      this.#o.events.event(target, "Warning", "AWSSecretKept", `AWS secret ${arn} was not deleted: ${why}`);
    };
    const choice = storeOf(secret);
    if (typeof choice === "string") return keep(choice);
    const found = this.#o.lookupStore(namespace, choice);
    if (!found.ok) return keep(found.message);
    try {
      const writer = await this.#o.writerFor(found.store, namespace);
      const result = await writer.deleteSecret({
        remoteId: arn,
        ownerTags: ownerTags(namespace, name, this.#o.cluster),
        recoveryWindowInDays: found.store.recoveryWindowInDays ?? this.#o.defaultRecoveryWindowDays,
        forceDeleteWithoutRecovery: found.store.forceDeleteWithoutRecovery,
      });
      const when = result.deletionDate ? ` (recoverable until ${result.deletionDate.toISOString()})` : "";
      const message =
        result.outcome === "deleted" ? `AWS secret ${arn} deleted without recovery window`
        : result.outcome === "not-found" ? `AWS secret ${arn} was already gone`
        : `AWS secret ${arn} scheduled for deletion${when}`;
      log.info({ outcome: result.outcome, calls: result.calls }, "AWS secret deletion handled");
      this.#o.events.event(target, "Normal", "AWSSecretDeleted", message);
    } catch (err) {
      if (err instanceof NotManagedError) return keep(err.message);
      // A namespace being deleted takes its stores and credentials with it: retrying could block it forever.
      if (this.#o.namespaceTerminating(namespace)) return keep(`namespace is being deleted and AWS failed: ${errorFields(err).error.message}`);
      this.#o.events.event(target, "Warning", "AWSSecretDeleteFailed", `deleting AWS secret ${arn} failed, retrying: ${errorFields(err).error.message}`);
      throw err;
    }
  }

  async #ensureReadBack(namespace: string, secret: SecretObject): Promise<void> {
    const target = secret.metadata?.labels?.[READ_BACK_LABEL];
    const recorded = recordedOf(secret);
    const choice = storeOf(secret);
    if (!target || !recorded || typeof choice === "string" || !secret.metadata?.uid) return;
    const name = secret.metadata.name!;
    const existing = await this.#o.kube.getExternalSecret(namespace, target);
    if (existing) {
      if (existing.metadata?.labels?.[SOURCE_LABEL] !== name) {
        this.#o.events.event(eventTarget(namespace, secret), "Warning", "ReadBackConflict", `ExternalSecret ${target} exists and is not the read-back of this Secret; not touching it`);
        return;
      }
      const owned = (existing.metadata as { ownerReferences?: Array<{ uid?: string }> }).ownerReferences?.some((r) => r.uid === secret.metadata?.uid);
      if (existing.metadata?.annotations?.[RECORDED.version] === recorded.version && owned) return;
    }
    await this.#o.kube.applyExternalSecret(readBackExternalSecret({ namespace, name, uid: secret.metadata.uid, type: secret.type }, target, choice, recorded));
    this.#o.logger.info({ namespace, name, externalSecret: target, version: recorded.version }, "read-back ExternalSecret applied");
  }
}

function eventTarget(namespace: string, secret: SecretObject): EventTarget {
  return { apiVersion: "v1", kind: "Secret", name: secret.metadata?.name ?? "", namespace, uid: secret.metadata?.uid };
}
