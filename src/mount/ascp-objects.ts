/**
 * A SecretProviderClass's `objects`, decoded exactly as ASCP decodes it: sigs.k8s.io/yaml.Unmarshal into
 * `[]*SecretDescriptor` (aws/secrets-store-csi-driver-provider-aws provider/secret_descriptor.go). So
 * ASCP's own end-to-end manifests that write `jmesPath: [{Path: …, ObjectAlias: …}]` mount the same files
 * under Ferry, `objectVersion: 3` is the string "3", and `objectAlias: y` is, as in ASCP, "true".
 *
 * The field set is ASCP's (SecretDescriptor, JMESPathEntry, FailoverObjectEntry) plus Ferry's `optional` and
 * `expandJson`, which ASCP ignores as unknown fields. `objectTemplate` is decoded so that it can be refused
 * rather than ignored.
 */
import { decodeStruct, zeroStruct, type DecodedString, type DecodedStruct, type FieldSchema } from "./go-struct-decode.ts";
import { parseGoYaml, type GoValue } from "./go-yaml.ts";

const STRING = { kind: "string" } as const;
const BOOL = { kind: "bool" } as const;

const JMES_PATH_ENTRY = { kind: "struct", fields: { path: STRING, objectAlias: STRING, filePermission: STRING } } as const satisfies FieldSchema;
const FAILOVER_OBJECT = { kind: "struct", fields: { objectName: STRING, objectVersion: STRING, objectVersionLabel: STRING } } as const satisfies FieldSchema;
const SECRET_DESCRIPTOR = {
  kind: "struct",
  fields: {
    objectName: STRING,
    objectAlias: STRING,
    objectVersion: STRING,
    objectVersionLabel: STRING,
    objectType: STRING,
    filePermission: STRING,
    objectTemplate: STRING,
    jmesPath: { kind: "list", of: JMES_PATH_ENTRY },
    failoverObject: FAILOVER_OBJECT,
    optional: BOOL,
    expandJson: BOOL,
  },
} as const satisfies FieldSchema;

export interface AscpJmesPathEntry {
  path: DecodedString;
  objectAlias: DecodedString;
  filePermission: DecodedString;
}

/** One decoded entry: every string at its Go zero value "" when absent. */
export interface AscpDescriptor {
  objectName: DecodedString;
  objectAlias: DecodedString;
  objectVersion: DecodedString;
  objectVersionLabel: DecodedString;
  objectType: DecodedString;
  filePermission: DecodedString;
  objectTemplate: DecodedString;
  jmesPath: AscpJmesPathEntry[];
  failoverObject: { objectName: DecodedString; objectVersion: DecodedString; objectVersionLabel: DecodedString };
  optional?: boolean | undefined;
  expandJson?: boolean | undefined;
}

/** An entry, or why it could not be decoded (ASCP fails the whole mount; Ferry names the entry). */
export type DecodedEntry = { ok: true; descriptor: AscpDescriptor } | { ok: false; label: string; error: string };

/** The top level: absent (null or empty document), not a list, or the entries. */
export type DecodedObjects = { kind: "absent" } | { kind: "notAList"; shape: string } | { kind: "list"; entries: DecodedEntry[] };

/** Decodes `objects`; throws GoYamlError (with a position, never the text) when it is not YAML at all. */
export function decodeAscpObjects(text: string): DecodedObjects {
  const root = parseGoYaml(text);
  if (root.kind === "null") return { kind: "absent" };
  if (root.kind !== "seq") return { kind: "notAList", shape: root.kind === "map" ? "a mapping" : "a scalar" };
  return { kind: "list", entries: root.items.map((item, index) => decodeEntry(item, index)) };
}

function decodeEntry(item: GoValue, index: number): DecodedEntry {
  const label = labelOf(item, index);
  if (item.kind !== "map") return { ok: false, label, error: "each entry must be a mapping with objectName" };
  const target = zeroStruct(SECRET_DESCRIPTOR);
  try {
    decodeStruct(target, item, SECRET_DESCRIPTOR, "");
  } catch (err) {
    return { ok: false, label, error: err instanceof Error ? err.message : String(err) };
  }
  return { ok: true, descriptor: target as unknown as AscpDescriptor & DecodedStruct };
}

/** The entry's objectName for messages, when it has a plain one; its position otherwise. */
function labelOf(item: GoValue, index: number): string {
  if (item.kind === "map") {
    const name = item.entries.find((e) => e.key.kind === "string" && e.key.value.toLowerCase() === "objectname");
    if (name?.value.kind === "string" && name.value.value !== "") return name.value.value;
  }
  return `objects[${index}]`;
}
