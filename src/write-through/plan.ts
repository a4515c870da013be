import type { Encoding } from "./document.ts";
import {
  DELETION_POLICY_ANNOTATION,
  FINALIZER,
  READ_BACK_LABEL,
  RECORDED,
  STORE_KIND_ANNOTATION,
  SYNC_MANAGED_LABELS,
  WRITE_THROUGH_LABEL,
} from "./names.ts";
import { untrustedRecordProblem } from "./trusted-old-object.ts";
import { annotation, asSecret, invalidKeys, label, UNSUPPORTED_TYPES, valuesOf, type SecretObject } from "./secret-object.ts";

export type StoreKind = "SecretStore" | "ClusterSecretStore";

export interface StoreChoice {
  kind: StoreKind;
  name: string;
}

/** What a previous write recorded on the Secret. */
export interface Recorded {
  remoteKey: string;
  arn: string;
  version: string;
  keys: string[];
  contentHash: string;
  encoding: Encoding;
}

export type Plan =
  /** Not a write-through Secret (a misconfigured selector sent it): allowed untouched. */
  | { action: "ignore"; why: string }
  | { action: "deny"; code: number; reason: string; message: string }
  /** A write-through Secret with nothing to do (being deleted, no values sent): allowed untouched. */
  | { action: "allow"; why: string }
  /** No value changed (a metadata edit, or the stripped form sent back): keep the record, strip again, no AWS call. */
  | { action: "restore"; store: StoreChoice; recorded: Recorded }
  /**
   * Values to write. `keep` are keys sent empty on an UPDATE: their values stay as in the recorded
   * version (a client that read the stripped Secret and changed one key sends the others empty).
   */
  | { action: "write"; store: StoreChoice; values: Map<string, Uint8Array>; keep: string[]; recorded: Recorded | undefined; adoption: boolean };

export interface PlanInput {
  operation: string;
  namespace: string;
  object: unknown;
  oldObject: unknown;
  systemNamespaces: ReadonlySet<string>;
  /** The AWS name (without the store's prefix) the name template yields for this Secret. */
  expectedRemoteKey: string;
}

const deny = (code: number, reason: string, message: string): Plan => ({ action: "deny", code, reason, message });

/** The recorded reference, or undefined unless every part of it is there. */
export function recordedOf(secret: SecretObject | undefined): Recorded | undefined {
  const get = (key: string) => annotation(secret, key);
  const [remoteKey, arn, version, keys, contentHash, encoding] = [
    get(RECORDED.remoteKey),
    get(RECORDED.arn),
    get(RECORDED.version),
    get(RECORDED.keys),
    get(RECORDED.contentHash),
    get(RECORDED.encoding),
  ];
  if (!remoteKey || !arn || !version || keys === undefined || !contentHash || (encoding !== "text" && encoding !== "base64")) return undefined;
  return { remoteKey, arn, version, keys: keys === "" ? [] : keys.split(","), contentHash, encoding };
}

/** The store a labelled Secret names, or why it names none. */
export function storeOf(secret: SecretObject): StoreChoice | string {
  const name = label(secret, WRITE_THROUGH_LABEL) ?? "";
  const kind = annotation(secret, STORE_KIND_ANNOTATION) ?? "SecretStore";
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) return `label ${WRITE_THROUGH_LABEL} must name a SecretStore or ClusterSecretStore, got "${name}"`;
  if (kind !== "SecretStore" && kind !== "ClusterSecretStore") return `annotation ${STORE_KIND_ANNOTATION} must be SecretStore or ClusterSecretStore, got "${kind}"`;
  return { kind, name };
}

/**
 * Decides what an admission request for a Secret needs, from the request alone (no I/O): every refusal that
 * does not depend on AWS or the store happens here, before anything is written. Validation runs after
 * mutating webhooks, so what the apiserver would reject later (bad keys, a type change, a generated name) is
 * refused now: an AWS write for a Secret that then fails validation would be half-written.
 */
export function planAdmission(input: PlanInput): Plan {
  const { operation, namespace } = input;
  const object = asSecret(input.object);
  const old = asSecret(input.oldObject);
  if ((operation !== "CREATE" && operation !== "UPDATE") || !object) return { action: "ignore", why: `operation ${operation}` };

  const labelled = label(object, WRITE_THROUGH_LABEL) !== undefined;
  const wasLabelled = operation === "UPDATE" && label(old, WRITE_THROUGH_LABEL) !== undefined;
  if (!labelled) {
    if (wasLabelled) {
      return deny(403, "Forbidden", `label ${WRITE_THROUGH_LABEL} cannot be removed: this Secret's values live in AWS Secrets Manager; delete the Secret instead (its deletion policy decides what happens to the AWS secret)`);
    }
    return { action: "ignore", why: "not labelled" };
  }

  if (input.systemNamespaces.has(namespace)) return deny(403, "Forbidden", `write-through is not available in system namespace ${namespace}`);
  const store = storeOf(object);
  if (typeof store === "string") return deny(400, "Invalid", store);
  if (wasLabelled && old) {
    const before = storeOf(old);
    if (typeof before !== "string" && (before.kind !== store.kind || before.name !== store.name)) {
      return deny(403, "Forbidden", `the store of a written-through Secret cannot change (was ${before.kind} ${before.name}); delete and recreate the Secret to move it`);
    }
  }
  if (SYNC_MANAGED_LABELS.some((l) => label(object, l) !== undefined)) {
    return deny(400, "Invalid", "this Secret is written by an ExternalSecret; writing it through would loop (read back a Secret under another name instead)");
  }
  const type = object.type ?? "Opaque";
  if (UNSUPPORTED_TYPES.has(type)) return deny(400, "Invalid", `Secrets of type ${type} cannot be written through: the apiserver or kubelet reads their values from the Secret itself`);
  if (operation === "CREATE" && !object.metadata?.name) {
    return deny(400, "Invalid", "write-through needs metadata.name: with generateName the name, hence the AWS secret's name, is only chosen after admission");
  }
  if (operation === "UPDATE" && old && (old.type ?? "Opaque") !== type) return deny(400, "Invalid", "a Secret's type cannot change");
  const readBack = label(object, READ_BACK_LABEL);
  if (readBack !== undefined && (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(readBack) || readBack === object.metadata?.name)) {
    return deny(400, "Invalid", `label ${READ_BACK_LABEL} must name another Secret for the read-back, got "${readBack}"`);
  }
  const policy = annotation(object, DELETION_POLICY_ANNOTATION);
  if (policy !== undefined && policy !== "Delete" && policy !== "Retain") return deny(400, "Invalid", `annotation ${DELETION_POLICY_ANNOTATION} must be Delete or Retain, got "${policy}"`);

  const values = valuesOf(object);
  const bad = invalidKeys(values.keys());
  if (bad.length > 0) return deny(400, "Invalid", `invalid data keys ${bad.map((k) => JSON.stringify(k)).join(", ")}: keys must consist of alphanumerics, '-', '_' or '.'`);

  const sentValues = [...values.values()].some((v) => v.length > 0);
  if (object.metadata?.deletionTimestamp) {
    // The finalizer's removal and other edits while terminating: allowed, but never with values.
    if (sentValues) return deny(409, "Conflict", "this Secret is being deleted; its values can no longer be changed");
    return { action: "allow", why: "being deleted" };
  }

  const recorded = wasLabelled ? recordedOf(old) : undefined;
  if (operation === "UPDATE") {
    const untrusted = untrustedRecordProblem(old, recorded, input.expectedRemoteKey);
    if (untrusted) return deny(403, "Forbidden", untrusted);
  }
  if (!recorded) {
    // CREATE, or an existing Secret labelled now (adoption): every value is as sent, empty ones included.
    return { action: "write", store, values, keep: [], recorded: undefined, adoption: operation === "UPDATE" };
  }

  const keep = [...values].filter(([key, v]) => v.length === 0 && recorded.keys.includes(key)).map(([key]) => key);
  const sameKeys = values.size === recorded.keys.length && recorded.keys.every((k) => values.has(k));
  if (!sentValues && sameKeys) return { action: "restore", store, recorded };
  if (old?.immutable === true) return deny(403, "Forbidden", "this Secret is immutable: its values cannot change");
  for (const key of keep) values.delete(key);
  return { action: "write", store, values, keep, recorded, adoption: false };
}

/** Whether the finalizer must be (re)added: every live write-through Secret holds it. */
export function needsFinalizer(secret: SecretObject): boolean {
  return !secret.metadata?.deletionTimestamp && !(secret.metadata?.finalizers ?? []).includes(FINALIZER);
}
