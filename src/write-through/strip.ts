import type { JsonPatchOperation } from "../runtime/webhook/admission-review.ts";
import { FINALIZER, LAST_APPLIED_ANNOTATION, RECORDED } from "./names.ts";
import { needsFinalizer } from "./plan.ts";
import type { SecretObject } from "./secret-object.ts";

/**
 * The patch that leaves etcd without plaintext: every key kept with an empty value (a Secret stays valid for
 * its type, and mounts show which keys exist), `stringData` dropped, the reference recorded in annotations,
 * kubectl's last-applied copy of the manifest emptied of values, and the finalizer that ties the AWS
 * secret's deletion to the Secret's. Whole fields are replaced (`add` replaces an existing member), so the
 * patch holds whatever the object looked like.
 */
export function strippedSecretPatch(object: SecretObject, keys: Iterable<string>, recorded: Record<string, string>): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  const data: Record<string, string> = {};
  for (const key of [...keys].sort()) data[key] = "";
  ops.push({ op: "add", path: "/data", value: data });
  if (object.stringData !== undefined) ops.push({ op: "remove", path: "/stringData" });

  const annotations: Record<string, string> = { ...object.metadata?.annotations };
  // Whatever a client sent under our names is replaced by what the webhook knows.
  for (const key of Object.values(RECORDED)) delete annotations[key];
  Object.assign(annotations, recorded);
  const lastApplied = annotations[LAST_APPLIED_ANNOTATION];
  if (lastApplied !== undefined) {
    const scrubbed = scrubLastApplied(lastApplied);
    if (scrubbed === undefined) delete annotations[LAST_APPLIED_ANNOTATION];
    else annotations[LAST_APPLIED_ANNOTATION] = scrubbed;
  }
  if (!object.metadata) ops.push({ op: "add", path: "/metadata", value: {} });
  ops.push({ op: "add", path: "/metadata/annotations", value: annotations });

  if (needsFinalizer(object)) ops.push({ op: "add", path: "/metadata/finalizers", value: [...(object.metadata?.finalizers ?? []), FINALIZER] });
  return ops;
}

/**
 * kubectl's last-applied-configuration with every `data` and `stringData` value emptied, keys kept: the
 * next `kubectl apply` then still sends the values (they differ from ""), and still deletes keys removed
 * from the manifest (they are in the record). Unparseable records are dropped (undefined): they may hold
 * values and cannot be cleaned.
 */
export function scrubLastApplied(text: string): string | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) return undefined;
  const m = manifest as Record<string, unknown>;
  for (const field of ["data", "stringData"]) {
    const values = m[field];
    if (values === undefined || values === null) continue;
    if (typeof values !== "object" || Array.isArray(values)) {
      delete m[field];
      continue;
    }
    m[field] = Object.fromEntries(Object.keys(values).map((k) => [k, ""]));
  }
  return `${JSON.stringify(m)}\n`;
}
