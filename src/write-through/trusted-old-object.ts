import { RECORDED, WRITE_THROUGH_LABEL } from "./names.ts";
import type { Recorded } from "./plan.ts";
import { annotation, label, type SecretObject } from "./secret-object.ts";

/**
 * What the webhook may believe of an UPDATE's old object. The request's `oldObject` steers the AWS write
 * (which secret, which version is replaced, which values are kept), so before any AWS call it is checked
 * against the live object, and the annotations it carries count only where the webhook itself wrote them.
 * See docs/security.md ("write-through").
 */

/**
 * Why the live Secret is not the object the request claims to replace, or undefined when it is. Same uid
 * (not a deleted-and-recreated namesake) and same resourceVersion (not a stale or replayed review): the
 * object then is, byte for byte, what the apiserver holds. A concurrent write that moved the
 * resourceVersion would make this UPDATE fail its own precondition anyway; refusing it costs a retry.
 */
export function staleOldObjectProblem(claimed: SecretObject | undefined, live: SecretObject | undefined): string | undefined {
  const uid = claimed?.metadata?.uid;
  const resourceVersion = claimed?.metadata?.resourceVersion;
  if (!uid || !resourceVersion) return "the request's old object has no uid or resourceVersion";
  if (!live) return "the Secret no longer exists";
  if (live.metadata?.uid !== uid) return `the Secret was replaced (uid ${live.metadata?.uid ?? "none"}, the request says ${uid})`;
  if (live.metadata?.resourceVersion !== resourceVersion) {
    return `the Secret changed meanwhile (resourceVersion ${live.metadata?.resourceVersion ?? "none"}, the request says ${resourceVersion})`;
  }
  return undefined;
}

/**
 * Why the annotations recorded on an old object cannot be trusted, or undefined when they can (or there are
 * none). Only a labelled Secret has been through the webhook, which overwrites these annotations on every
 * write; on an unlabelled one anybody with `update` on Secrets wrote them. And the recorded AWS name must be
 * what the name template yields for this Secret: a Secret never chooses its AWS name, not even by pretending
 * an earlier write chose it (the adoption forgery: a remote key for `ferry/<other-namespace>/<name>`).
 */
export function untrustedRecordProblem(old: SecretObject | undefined, recorded: Recorded | undefined, expectedRemoteKey: string): string | undefined {
  const carried = Object.values(RECORDED).filter((key) => annotation(old, key) !== undefined);
  if (carried.length === 0) return undefined;
  if (label(old, WRITE_THROUGH_LABEL) === undefined) {
    return `this Secret carries write-through annotations (${carried.join(", ")}) but was never written through; remove them before labelling it ${WRITE_THROUGH_LABEL}`;
  }
  if (recorded && recorded.remoteKey !== expectedRemoteKey) {
    return `the recorded AWS name "${recorded.remoteKey}" is not what the name template yields for this Secret ("${expectedRemoteKey}"); refusing to write to it`;
  }
  return undefined;
}

/**
 * Whether a recorded ARN names this AWS secret (`…:secret:<name>-<6 random characters>`): the ARN is passed
 * to AWS as the secret's id, so it must not point anywhere the recorded name does not.
 */
export function arnNamesSecret(arn: string, remoteName: string): boolean {
  const at = arn.indexOf(":secret:");
  if (!arn.startsWith("arn:") || at < 0) return false;
  const resource = arn.slice(at + ":secret:".length);
  return resource.length === remoteName.length + 7 && resource.startsWith(`${remoteName}-`);
}
