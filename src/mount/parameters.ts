/**
 * ASCP's SecretProviderClass `parameters`, accepted unchanged (aws/secrets-store-csi-driver-provider-aws
 * README "SecretProviderClass options", provider/secret_descriptor.go), plus two Ferry fields per object:
 * `optional` and `expandJson`. Everything is checked before any AWS call, and every problem names the object.
 *
 * The attribute keys come from the driver (see shared/reference/csi-ascp-nase.md §1.4): the SPC parameters
 * merged with the kubelet volume context, all strings.
 */
import { compile, tokenize } from "@jmespath-community/jmespath";
import { decodeAscpObjects, type AscpDescriptor, type DecodedObjects } from "./ascp-objects.ts";
import type { DecodedString } from "./go-struct-decode.ts";
import { GoYamlError } from "./go-yaml.ts";
import { MountError, type ObjectFailure } from "./errors.ts";

export const ATTR_OBJECTS = "objects";
export const ATTR_REGION = "region";
export const ATTR_FAILOVER_REGION = "failoverRegion";
export const ATTR_PATH_TRANSLATION = "pathTranslation";
export const ATTR_USE_POD_IDENTITY = "usePodIdentity";
export const ATTR_PREFERRED_ADDRESS_TYPE = "preferredAddressType";
export const ATTR_POD_NAME = "csi.storage.k8s.io/pod.name";
export const ATTR_POD_NAMESPACE = "csi.storage.k8s.io/pod.namespace";
export const ATTR_POD_UID = "csi.storage.k8s.io/pod.uid";
export const ATTR_SERVICE_ACCOUNT = "csi.storage.k8s.io/serviceAccount.name";
export const ATTR_TOKENS = "csi.storage.k8s.io/serviceAccount.tokens";

export type ObjectType = "secretsmanager" | "ssmparameter";

/** One jmesPath entry: a JSON value inside the object, mounted as its own file. */
export interface JmesPathEntry {
  path: string;
  objectAlias: string;
  fileName: string;
  mode: number;
}

/** Where the object is read from in one region. */
export interface ObjectSource {
  objectName: string;
  objectVersion?: string | undefined;
  objectVersionLabel?: string | undefined;
}

/** One entry of `objects`, validated, with its file name resolved. */
export interface MountObject {
  /** Position in `objects`, for messages about unnamed entries. */
  index: number;
  objectType: ObjectType;
  primary: ObjectSource;
  /** `failoverObject`, or the primary's name and versions again when only `failoverRegion` is set. */
  failover: ObjectSource;
  objectAlias?: string | undefined;
  fileName: string;
  mode: number;
  jmesPath: JmesPathEntry[];
  /** Ferry: a missing object is skipped and reported instead of failing the mount. */
  optional: boolean;
  /** Ferry: a JSON object's top-level keys become one file each (ASCP #46, #9). */
  expandJson: boolean;
}

/** The request-wide parameters, read before the regions are known. */
export interface GlobalParameters {
  region?: string | undefined;
  failoverRegion?: string | undefined;
  /** The substitution for "/" in file names; undefined when pathTranslation is "False". */
  translate: string | undefined;
  usePodIdentity: boolean;
  preferredAddressType?: "ipv4" | "ipv6" | undefined;
}

/** `pathTranslation`: default "_" (README: "My/Path/Secret will be mounted as My_Path_Secret"), "False" turns it off. */
export function parseGlobalParameters(attributes: Readonly<Record<string, string>>): GlobalParameters {
  const translationRaw = attributes[ATTR_PATH_TRANSLATION] ?? "";
  let translate: string | undefined;
  if (translationRaw === "") translate = "_";
  else if (translationRaw.toLowerCase() === "false") translate = undefined;
  else if ([...translationRaw].length === 1) translate = translationRaw;
  else throw MountError.request("invalid", `pathTranslation must be either "False" or a single character, got ${JSON.stringify(translationRaw)}`);

  const podIdentityRaw = attributes[ATTR_USE_POD_IDENTITY] ?? "";
  const usePodIdentity = podIdentityRaw === "" ? false : parseGoBool(podIdentityRaw);
  if (usePodIdentity === undefined) throw MountError.request("invalid", `usePodIdentity must be true or false, got ${JSON.stringify(podIdentityRaw)}`);

  const addressRaw = (attributes[ATTR_PREFERRED_ADDRESS_TYPE] ?? "").toLowerCase();
  if (addressRaw !== "" && addressRaw !== "ipv4" && addressRaw !== "ipv6") {
    throw MountError.request("invalid", `preferredAddressType must be ipv4 or ipv6, got ${JSON.stringify(attributes[ATTR_PREFERRED_ADDRESS_TYPE])}`);
  }
  return {
    region: attributes[ATTR_REGION] || undefined,
    failoverRegion: attributes[ATTR_FAILOVER_REGION] || undefined,
    translate,
    usePodIdentity,
    preferredAddressType: addressRaw === "" ? undefined : addressRaw,
  };
}

/** Go's strconv.ParseBool, which ASCP uses for usePodIdentity. */
function parseGoBool(value: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
}

export interface ParseObjectsOptions {
  /** The primary region, and the failover region when one is set (ASCP: at most two). */
  regions: readonly [string] | readonly [string, string];
  translate: string | undefined;
  /** The driver's default file mode (MountRequest.permission), 0644 when absent. */
  defaultMode: number;
}

const FILE_PERMISSION = /^[0-7]{4}$/;

/**
 * Parses and validates `objects`. All problems are collected, so one failed mount lists every mistake in
 * the SecretProviderClass rather than the first one only.
 */
export function parseObjects(objectsYaml: string | undefined, options: ParseObjectsOptions): MountObject[] {
  if (objectsYaml === undefined || objectsYaml.trim() === "") throw MountError.request("invalid", `the "objects" parameter is required`);
  let decoded: DecodedObjects;
  try {
    // ASCP's decoder, not a strict YAML 1.2 parser: see ascp-objects.ts.
    decoded = decodeAscpObjects(objectsYaml);
  } catch (err) {
    // The message carries only a position: the text may hold anything the author pasted.
    throw MountError.request("invalid", `objects: ${err instanceof GoYamlError ? err.message : "not valid YAML"}`);
  }
  if (decoded.kind === "absent") throw MountError.request("invalid", `the "objects" parameter is required`);
  if (decoded.kind === "notAList") throw MountError.request("invalid", `objects: must be a YAML list of objects, got ${decoded.shape}`);
  if (decoded.entries.length === 0) {
    // The driver fails an empty object_version list with "missing object versions" (driver #1933, ASCP #529);
    // say why here instead.
    throw MountError.request("invalid", "objects: the list is empty; list at least one object");
  }

  const failures: ObjectFailure[] = [];
  const objects: MountObject[] = [];
  decoded.entries.forEach((entry, index) => {
    if (!entry.ok) return void failures.push({ object: entry.label, kind: "invalid", cause: entry.error });
    const label = entry.descriptor.objectName.value || `objects[${index}]`;
    try {
      objects.push(parseObject(entry.descriptor, index, options));
    } catch (err) {
      if (err instanceof InvalidObject) failures.push({ object: label, kind: "invalid", cause: err.message });
      else throw err;
    }
  });

  // File names (objects, aliases, jmesPath aliases) must be unique: ASCP rejects duplicate aliases and
  // duplicate object names without a distinguishing alias (secret_descriptor.go).
  const owners = new Map<string, string>();
  const claim = (fileName: string, owner: string) => {
    const previous = owners.get(fileName);
    if (previous !== undefined) failures.push({ object: owner, kind: "invalid", cause: `file name "${fileName}" is already used by object "${previous}"; set a distinct objectAlias` });
    else owners.set(fileName, owner);
  };
  for (const o of objects) {
    claim(o.fileName, o.primary.objectName);
    for (const j of o.jmesPath) claim(j.fileName, o.primary.objectName);
  }
  if (failures.length > 0) throw new MountError(failures);
  return objects;
}

class InvalidObject extends Error {}

/** A decoded string field; "" (Go's zero value, what ASCP's len() checks see) is absent. */
function text(field: DecodedString): string | undefined {
  return field.value === "" ? undefined : field.value;
}

function parseObject(entry: AscpDescriptor, index: number, options: ParseObjectsOptions): MountObject {
  const objectName = text(entry.objectName);
  if (!objectName) throw new InvalidObject("objectName is required");
  if (text(entry.objectTemplate)) throw new InvalidObject("objectTemplate is not supported by Ferry; mount the value and template it in the workload");
  const objectTypeRaw = text(entry.objectType);
  const objectType = resolveObjectType(objectName, objectTypeRaw, options.regions[0]);
  const objectVersion = text(entry.objectVersion);
  const objectVersionLabel = text(entry.objectVersionLabel);
  const objectAlias = text(entry.objectAlias);
  if (objectType === "ssmparameter" && objectVersion && objectVersionLabel) {
    throw new InvalidObject("ssm parameters can not specify both objectVersion and objectVersionLabel");
  }

  const mode = fileMode(entry.filePermission, "filePermission") ?? options.defaultMode;
  const fileName = toFileName(objectAlias ?? objectName, options.translate);

  const jmesPath: JmesPathEntry[] = entry.jmesPath.map((j, i) => {
    const path = text(j.path);
    const alias = text(j.objectAlias);
    if (!path) throw new InvalidObject(`jmesPath[${i}].path is required`);
    if (!alias) throw new InvalidObject(`jmesPath[${i}].objectAlias is required`);
    const problem = jmesPathProblem(path);
    if (problem) throw new InvalidObject(`jmesPath[${i}].path ${JSON.stringify(path)} is not a valid JMESPath expression: ${problem}`);
    const entryMode = fileMode(j.filePermission, `jmesPath[${i}].filePermission`) ?? mode;
    return { path, objectAlias: alias, fileName: toFileName(alias, options.translate), mode: entryMode };
  });

  const primary: ObjectSource = { objectName, objectVersion, objectVersionLabel };
  let failover: ObjectSource = primary;
  const f = entry.failoverObject;
  const failoverName = text(f.objectName);
  if (failoverName) {
    if (!objectAlias) throw new InvalidObject("objectAlias must be specified for objects with failoverObject");
    if (options.regions.length < 2) throw new InvalidObject("failoverObject is allowed only when failoverRegion is set");
    const failoverType = resolveObjectType(failoverName, objectTypeRaw, options.regions[1]!, "failoverObject.objectName");
    if (failoverType !== objectType) throw new InvalidObject("failoverObject.objectName is of another type than objectName");
    const fVersion = text(f.objectVersion);
    const fLabel = text(f.objectVersionLabel);
    if (objectType === "ssmparameter" && fVersion && fLabel) throw new InvalidObject("ssm parameters can not specify both objectVersion and objectVersionLabel");
    if ((fVersion ?? "") !== (objectVersion ?? "")) throw new InvalidObject("object versions must match between primary and failover regions");
    failover = { objectName: failoverName, objectVersion: fVersion, objectVersionLabel: fLabel };
  }

  return {
    index,
    objectType,
    primary,
    failover,
    objectAlias,
    fileName,
    mode,
    jmesPath,
    optional: entry.optional ?? false,
    expandJson: entry.expandJson ?? false,
  };
}

/**
 * objectType, or the service of an ARN (ASCP: optional for ARNs; "ssm" accepted only from an ARN). An ARN's
 * region must be the region it is read from.
 */
function resolveObjectType(objectName: string, objectType: string | undefined, region: string, field = "objectName"): ObjectType {
  const arn = objectName.startsWith("arn:") ? parseArn(objectName) : undefined;
  if (objectName.startsWith("arn:") && !arn) throw new InvalidObject(`${field}: invalid ARN format`);
  if (arn && arn.region !== region) throw new InvalidObject(`${field}: ARN region must match region ${region}`);
  const fromArn = arn ? ({ secretsmanager: "secretsmanager", ssm: "ssmparameter" } as const)[arn.service as "secretsmanager" | "ssm"] : undefined;
  if (objectType === undefined) {
    if (!arn) throw new InvalidObject("objectType is required unless objectName is a full ARN (secretsmanager or ssmparameter)");
    if (!fromArn) throw new InvalidObject(`${field}: invalid service in ARN: ${arn.service}`);
    return fromArn;
  }
  if (objectType !== "secretsmanager" && objectType !== "ssmparameter") {
    throw new InvalidObject(`invalid objectType ${JSON.stringify(objectType)}: use secretsmanager or ssmparameter`);
  }
  if (arn && fromArn !== objectType) throw new InvalidObject(`objectType does not match the ARN's service (${arn.service})`);
  return objectType;
}

/** `arn:partition:service:region:account:resource`; the resource may contain ":". */
export function parseArn(value: string): { service: string; region: string } | undefined {
  const parts = value.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || !parts[1] || !parts[2]) return undefined;
  return { service: parts[2], region: parts[3] ?? "" };
}

/**
 * The file an object (or a jmesPath alias) is mounted as: "/" replaced by the translation character, or,
 * with translation off, leading slashes stripped (ASCP GetFileName). The result must be a path the driver
 * accepts: relative, clean, no ".." element (driver pkg/secrets-store/utils.go).
 */
export function toFileName(name: string, translate: string | undefined): string {
  const fileName = translate !== undefined ? name.split("/").join(translate) : name.replace(/^\/+/, "");
  const problem = filePathProblem(fileName);
  if (problem) throw new InvalidObject(`file name ${JSON.stringify(fileName)} ${problem}`);
  return fileName;
}

/** Why the driver would refuse this File.path, or undefined. */
export function filePathProblem(path: string): string | undefined {
  if (path === "") return "is empty";
  if (path.startsWith("/")) return "must be relative";
  const parts = path.split("/");
  if (parts.includes("..")) return `may not contain ".."`;
  if (parts.some((p) => p === "" || p === ".")) return "is not a clean path (empty or \".\" element)";
  return undefined;
}

/**
 * A 4-digit octal string (ASCP: "0644"). An unquoted number is refused: YAML 1.1 reads 0644 as octal, and
 * ASCP then sees the string "420" — a different mode from the one written.
 */
function fileMode(field: DecodedString, name: string): number | undefined {
  if (field.value === "") return undefined;
  if (field.fromNumber || !FILE_PERMISSION.test(field.value)) {
    const shown = field.fromNumber ? "an unquoted number" : JSON.stringify(field.value);
    throw new InvalidObject(`${name} must be a quoted 4-digit octal string such as "0640", got ${shown}`);
  }
  const mode = Number.parseInt(field.value, 8);
  if (mode > 0o777) throw new InvalidObject(`${name} ${field.value}: only permission bits (up to 0777) can be set`);
  return mode;
}

/**
 * Standard JMESPath, as ASCP's go-jmespath implements it. The library here is the community edition, which
 * adds arithmetic, `let` and `$`: under it `api-key` would parse as a subtraction, where ASCP refuses it.
 * Those tokens are refused, so one SecretProviderClass means the same to both.
 */
function jmesPathProblem(path: string): string | undefined {
  // Hyphenated keys must be quoted: '"api-key"' (ASCP README; ASCP #66, #251).
  const hint = /-/.test(path) && !path.includes('"') ? ` (keys with "-" must be quoted, e.g. '"${path}"')` : "";
  try {
    const extension = tokenize(path).find((t) => NON_STANDARD_TOKENS.has(String(t.type)));
    const text = typeof extension?.value === "string" ? extension.value : String(extension?.type);
    if (extension) return `"${text}" is not part of JMESPath${hint}`;
    compile(path);
    return undefined;
  } catch (err) {
    return `${err instanceof Error ? err.message.slice(0, 200) : String(err)}${hint}`;
  }
}

const NON_STANDARD_TOKENS = new Set(["Minus", "Plus", "Divide", "Modulo", "Div", "Variable", "Assign", "Root"]);

/** The driver's default mode: MountRequest.permission is a JSON number ("420" for 0644). */
export function parseDefaultMode(permission: string): number {
  if (permission.trim() === "") return 0o644;
  let mode: unknown;
  try {
    mode = JSON.parse(permission);
  } catch {
    throw MountError.request("invalid", `permission ${JSON.stringify(permission)} is not a JSON number`);
  }
  if (typeof mode !== "number" || !Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw MountError.request("invalid", `permission ${JSON.stringify(permission)} is not a file mode (0-511)`);
  }
  return mode;
}
