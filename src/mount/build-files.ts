/**
 * From read objects to what MountResponse carries: the files for the driver to write (driver-writes mode,
 * driver issue #551) and one ObjectVersion per file, id = file name, as ASCP reports them (server.go: the
 * current-version map is keyed by file name; jmesPath files carry their parent's version).
 */
import { search, type JSONValue } from "@jmespath-community/jmespath";
import type { ObjectFailure } from "./errors.ts";
import { filePathProblem, type MountObject } from "./parameters.ts";
import type { ObjectRead } from "./read-objects.ts";

export interface MountFile {
  path: string;
  mode: number;
  contents: Uint8Array;
}

export interface ObjectVersion {
  id: string;
  version: string;
}

export interface SkippedObject {
  object: string;
  fileName: string;
  cause: string;
}

export interface BuiltMount {
  files: MountFile[];
  objectVersions: ObjectVersion[];
  skipped: SkippedObject[];
  failures: ObjectFailure[];
}

/**
 * The version reported for an optional object that was skipped. The driver stores object versions in the
 * SecretProviderClassPodStatus, so `kubectl get secretproviderclasspodstatus -o yaml` shows which optional
 * objects were absent, and the list is never empty (the driver fails an empty one, driver #1933).
 */
export const SKIPPED_VERSION = "ferry:skipped:not-found";

export function buildFiles(objects: readonly MountObject[], reads: ReadonlyMap<MountObject, ObjectRead>, translate: string | undefined): BuiltMount {
  const out: BuiltMount = { files: [], objectVersions: [], skipped: [], failures: [] };
  const owners = new Map<string, string>();

  for (const object of objects) {
    const name = object.primary.objectName;
    const read = reads.get(object);
    if (!read || !read.ok) {
      const kind = read?.kind ?? "unavailable";
      const cause = read && !read.ok ? read.cause : "not read";
      if (kind === "not-found" && object.optional) {
        out.skipped.push({ object: name, fileName: object.fileName, cause });
        out.objectVersions.push({ id: object.fileName, version: SKIPPED_VERSION });
      } else out.failures.push({ object: name, kind, cause });
      continue;
    }

    const version = read.payload.versionId ?? "";
    const value = read.payload.value;
    const files: MountFile[] = [{ path: object.fileName, mode: object.mode, contents: value }];
    const problems: string[] = [];

    if (object.jmesPath.length > 0 || object.expandJson) {
      const json = parseJson(value);
      if (json === undefined) problems.push(object.jmesPath.length > 0 ? "jmesPath needs a JSON value, and this object's value is not JSON" : "expandJson needs a JSON value, and this object's value is not JSON");
      else {
        for (const entry of object.jmesPath) {
          const result = evaluate(json, entry.path);
          if (!result.ok) problems.push(`jmesPath ${JSON.stringify(entry.path)} (objectAlias "${entry.objectAlias}"): ${result.reason}`);
          else files.push({ path: entry.fileName, mode: entry.mode, contents: result.bytes });
        }
        if (object.expandJson) {
          if (typeof json !== "object" || json === null || Array.isArray(json)) problems.push("expandJson needs a JSON object value");
          else {
            for (const [key, member] of Object.entries(json)) {
              const path = translate !== undefined ? key.split("/").join(translate) : key.replace(/^\/+/, "");
              const problem = filePathProblem(path);
              // The key is a name, not a value, but it is still the secret's content: quote it only by position.
              if (problem) problems.push(`expandJson: a key of the JSON object cannot be a file name (${problem})`);
              else files.push({ path, mode: object.mode, contents: asBytes(member) });
            }
          }
        }
      }
    }
    if (problems.length > 0) {
      out.failures.push({ object: name, kind: "invalid", cause: problems.join("; ") });
      continue;
    }

    for (const file of files) {
      const clash = clashOf(file.path, owners);
      if (clash) {
        out.failures.push({ object: name, kind: "invalid", cause: `file "${file.path}" collides with "${clash.path}" of object "${clash.owner}"` });
        continue;
      }
      owners.set(file.path, name);
      out.files.push(file);
      out.objectVersions.push({ id: file.path, version });
    }
  }
  return out;
}

/** Same path, or one path a directory of the other ("a" and "a/b", possible with pathTranslation "False"). */
function clashOf(path: string, owners: ReadonlyMap<string, string>): { path: string; owner: string } | undefined {
  for (const [other, owner] of owners) {
    if (other === path || other.startsWith(`${path}/`) || path.startsWith(`${other}/`)) return { path: other, owner };
  }
  return undefined;
}

function parseJson(value: Uint8Array): JSONValue | undefined {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(value)) as JSONValue;
  } catch {
    return undefined;
  }
}

/**
 * ASCP accepts only string results ("Invalid JMES search result type ... Only string is allowed", ASCP #552
 * hides even that). Ferry writes strings as they are and other JSON values (numbers, booleans, objects,
 * arrays) as JSON text, which users asked for; null (no match) is an error, as in ASCP.
 */
function evaluate(json: JSONValue, path: string): { ok: true; bytes: Uint8Array } | { ok: false; reason: string } {
  let result: JSONValue;
  try {
    result = search(json, path);
  } catch (err) {
    // Evaluation errors name types, never values; the message is still not passed on, to be sure.
    const kind = err instanceof Error ? err.name : "Error";
    return { ok: false, reason: `evaluation failed (${kind}: a function argument has the wrong type or the expression does not apply to this value)` };
  }
  if (result === null) return { ok: false, reason: "matched nothing in the value" };
  return { ok: true, bytes: asBytes(result) };
}

function asBytes(value: JSONValue): Uint8Array {
  return new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
}

/**
 * The MountResponse's encoded size, from above: the driver refuses responses over its
 * --max-call-recv-msg-size (4 MiB by default) with an opaque gRPC error.
 */
export function responseSize(files: readonly MountFile[], versions: readonly ObjectVersion[]): number {
  let size = 0;
  const utf8 = (s: string) => Buffer.byteLength(s, "utf8");
  // Tag + length prefix (up to 5 bytes each) per field and per nested message.
  for (const f of files) size += 6 + 6 + utf8(f.path) + 6 + f.contents.length + 6;
  for (const v of versions) size += 6 + 6 + utf8(v.id) + 6 + utf8(v.version);
  return size;
}
