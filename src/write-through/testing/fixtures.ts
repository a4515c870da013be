// Test support: Secrets and AdmissionReview requests as the apiserver sends them, and a JSON patch applier.
import type { AdmissionRequest, JsonPatchOperation } from "../../runtime/webhook/admission-review.ts";
import { WRITE_THROUGH_LABEL } from "../names.ts";
import type { SecretObject } from "../secret-object.ts";

export const NAMESPACE = "team-a";

export interface SecretSpec {
  name?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Values as text; encoded to base64 as the apiserver sends them. */
  data?: Record<string, string | Uint8Array>;
  stringData?: Record<string, string>;
  type?: string;
  finalizers?: string[];
  deletionTimestamp?: string;
  immutable?: boolean;
  store?: string | null;
}

/** A Secret labelled for write-through to SecretStore "aws" unless `store` says otherwise (null: unlabelled). */
export function secret(spec: SecretSpec = {}): SecretObject {
  const labels = { ...(spec.store === null ? {} : { [WRITE_THROUGH_LABEL]: spec.store ?? "aws" }), ...spec.labels };
  const data = Object.fromEntries(Object.entries(spec.data ?? {}).map(([k, v]) => [k, Buffer.from(v).toString("base64")]));
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: spec.name ?? "db",
      namespace: NAMESPACE,
      // As stored: an UPDATE's old object is checked against the live Secret by these two.
      uid: `uid-${spec.name ?? "db"}`,
      resourceVersion: "1",
      labels,
      ...(spec.annotations ? { annotations: spec.annotations } : {}),
      ...(spec.finalizers ? { finalizers: spec.finalizers } : {}),
      ...(spec.deletionTimestamp ? { deletionTimestamp: spec.deletionTimestamp } : {}),
    },
    type: spec.type ?? "Opaque",
    data,
    ...(spec.stringData ? { stringData: spec.stringData } : {}),
    ...(spec.immutable ? { immutable: true } : {}),
  };
}

let uid = 0;
export function review(operation: "CREATE" | "UPDATE" | "DELETE", object: SecretObject | undefined, oldObject?: SecretObject, options: { dryRun?: boolean } = {}): AdmissionRequest {
  return {
    uid: `review-${++uid}`,
    kind: { group: "", version: "v1", kind: "Secret" },
    resource: { group: "", version: "v1", resource: "secrets" },
    namespace: object?.metadata?.namespace ?? oldObject?.metadata?.namespace ?? NAMESPACE,
    name: object?.metadata?.name ?? oldObject?.metadata?.name ?? "",
    operation,
    userInfo: { username: "alice" },
    ...(object ? { object } : {}),
    ...(oldObject ? { oldObject } : {}),
    dryRun: options.dryRun === true,
  };
}

/** Applies the operations write-through emits (add / remove / replace on object paths) to a copy, as the apiserver would. */
export function applyPatch<T>(value: T, ops: readonly JsonPatchOperation[] | undefined): T {
  const doc = structuredClone(value) as unknown as Record<string, unknown>;
  for (const op of ops ?? []) {
    const tokens = op.path.split("/").slice(1).map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
    const last = tokens.pop()!;
    let parent: Record<string, unknown> = doc;
    for (const t of tokens) {
      const next = parent[t];
      if (typeof next !== "object" || next === null) throw new Error(`patch path ${op.path}: ${t} is missing`);
      parent = next as Record<string, unknown>;
    }
    if (op.op === "remove") {
      if (!(last in parent)) throw new Error(`patch path ${op.path}: nothing to remove`);
      delete parent[last];
    } else if (op.op === "add" || op.op === "replace") parent[last] = structuredClone(op.value);
  }
  return doc as unknown as T;
}

export const b64 = (s: string) => Buffer.from(s).toString("base64");
export const text = (s: string | undefined) => Buffer.from(s ?? "", "base64").toString("utf8");
