/**
 * Parsing of ExternalSecret / SecretStore / ClusterSecretStore objects from untrusted input (the apiserver,
 * manifests given to `ferry validate`): either the typed object with the CRD defaults applied, or every
 * problem as a field path and a message in the apiserver's wording, e.g.
 * `spec.data[1].remoteRef.key: Required`. Messages are meant for status conditions and CLI output.
 */
import type { z } from "zod";
import { KIND_CLUSTER_EXTERNAL_SECRET, KIND_CLUSTER_PUSH_SECRET, KIND_CLUSTER_SECRET_STORE, KIND_EXTERNAL_SECRET, KIND_PUSH_SECRET, KIND_SECRET_STORE } from "./constants.ts";
import { KINDS, openApiSchemaFor } from "./crds.ts";
import { ClusterExternalSecretSchema, type ClusterExternalSecret } from "./cluster-external-secret.ts";
import { ExternalSecretSchema, type ExternalSecret } from "./external-secret.ts";
import { ClusterPushSecretSchema, PushSecretSchema, type ClusterPushSecret, type PushSecret } from "./push-secret.ts";
import { ClusterSecretStoreSchema, SecretStoreSchema, type ClusterSecretStore, type SecretStore } from "./secret-store.ts";
import { unknownFields, type JsonSchema } from "./structural-schema.ts";
import {
  ClusterGeneratorSchema,
  ECRAuthorizationTokenSchema,
  GENERATOR_SPEC_SCHEMAS,
  KIND_CLUSTER_GENERATOR,
  KIND_ECR_AUTHORIZATION_TOKEN,
  KIND_PASSWORD,
  KIND_STS_SESSION_TOKEN,
  KIND_UUID,
  PasswordSchema,
  STSSessionTokenSchema,
  UUIDSchema,
  type ClusterGenerator,
  type ECRAuthorizationToken,
  type GeneratorKind,
  type Password,
  type STSSessionToken,
  type UUID,
} from "./generators.ts";

/** One problem with an object: where (`spec.target.creationPolicy`) and what. */
export interface FieldIssue {
  path: string;
  message: string;
}

export type ParseResult<T> =
  | { ok: true; value: T; warnings: FieldIssue[] }
  | { ok: false; errors: FieldIssue[]; warnings: FieldIssue[] };

/** Any kind this module parses. */
export type ExternalSecretsObject = ExternalSecret | SecretStore | ClusterSecretStore | ClusterExternalSecret | PushSecret | ClusterPushSecret | GeneratorObject;

/** The generators.external-secrets.io kinds Ferry runs. */
export type GeneratorObject = ECRAuthorizationToken | STSSessionToken | Password | UUID | ClusterGenerator;

const GENERATOR_OBJECT_SCHEMAS = {
  [KIND_ECR_AUTHORIZATION_TOKEN]: ECRAuthorizationTokenSchema,
  [KIND_STS_SESSION_TOKEN]: STSSessionTokenSchema,
  [KIND_PASSWORD]: PasswordSchema,
  [KIND_UUID]: UUIDSchema,
  [KIND_CLUSTER_GENERATOR]: ClusterGeneratorSchema,
} as const;

/** A generator object of one of the kinds Ferry runs (the schema by `kind`). */
export function parseGenerator(obj: unknown): ParseResult<GeneratorObject> {
  const kind = (obj as { kind?: unknown } | null)?.kind as keyof typeof GENERATOR_OBJECT_SCHEMAS;
  const schema = GENERATOR_OBJECT_SCHEMAS[kind];
  if (!schema) return { ok: false, errors: [{ path: "kind", message: `Unsupported value: ${render(kind)}` }], warnings: [] };
  return parseWith(schema as typeof UUIDSchema, kind, obj);
}

export function parseClusterGenerator(obj: unknown): ParseResult<ClusterGenerator> {
  return parseWith(ClusterGeneratorSchema, KIND_CLUSTER_GENERATOR, obj);
}

/** A namespaced generator's spec alone (paths relative to spec), with the CRD defaults applied. */
export function parseGeneratorSpec<K extends GeneratorKind>(kind: K, spec: unknown): ParseResult<z.output<(typeof GENERATOR_SPEC_SCHEMAS)[K]>> {
  const result = (GENERATOR_SPEC_SCHEMAS[kind] as z.ZodType).safeParse(spec, { reportInput: true });
  if (result.success) return { ok: true, value: result.data as z.output<(typeof GENERATOR_SPEC_SCHEMAS)[K]>, warnings: [] };
  return { ok: false, errors: result.error.issues.map(toFieldIssue), warnings: [] };
}

/** The message the store controller and `ferry validate` use for providers other than aws. */
export function unsupportedProviderMessage(provider: string): string {
  return `provider ${JSON.stringify(provider)} is not supported by Ferry`;
}

export function parseExternalSecret(obj: unknown): ParseResult<ExternalSecret> {
  return parseWith(ExternalSecretSchema, KIND_EXTERNAL_SECRET, obj);
}

export function parseSecretStore(obj: unknown): ParseResult<SecretStore> {
  return parseWith(SecretStoreSchema, KIND_SECRET_STORE, obj);
}

export function parseClusterSecretStore(obj: unknown): ParseResult<ClusterSecretStore> {
  return parseWith(ClusterSecretStoreSchema, KIND_CLUSTER_SECRET_STORE, obj);
}

export function parseClusterExternalSecret(obj: unknown): ParseResult<ClusterExternalSecret> {
  return parseWith(ClusterExternalSecretSchema, KIND_CLUSTER_EXTERNAL_SECRET, obj);
}

export function parsePushSecret(obj: unknown): ParseResult<PushSecret> {
  return parseWith(PushSecretSchema, KIND_PUSH_SECRET, obj);
}

export function parseClusterPushSecret(obj: unknown): ParseResult<ClusterPushSecret> {
  return parseWith(ClusterPushSecretSchema, KIND_CLUSTER_PUSH_SECRET, obj);
}

/** Parses any of the kinds, chosen by `kind` (for `ferry validate` over a manifest stream). */
export function parseObject(obj: unknown): ParseResult<ExternalSecretsObject> {
  const kind = (obj as { kind?: unknown } | null)?.kind;
  if (kind === KIND_EXTERNAL_SECRET) return parseExternalSecret(obj);
  if (kind === KIND_SECRET_STORE) return parseSecretStore(obj);
  if (kind === KIND_CLUSTER_SECRET_STORE) return parseClusterSecretStore(obj);
  if (kind === KIND_CLUSTER_EXTERNAL_SECRET) return parseClusterExternalSecret(obj);
  if (kind === KIND_PUSH_SECRET) return parsePushSecret(obj);
  if (kind === KIND_CLUSTER_PUSH_SECRET) return parseClusterPushSecret(obj);
  if (typeof kind === "string" && kind in GENERATOR_OBJECT_SCHEMAS) return parseGenerator(obj);
  const supported = [KIND_EXTERNAL_SECRET, KIND_SECRET_STORE, KIND_CLUSTER_SECRET_STORE, KIND_CLUSTER_EXTERNAL_SECRET, KIND_PUSH_SECRET, KIND_CLUSTER_PUSH_SECRET, ...Object.keys(GENERATOR_OBJECT_SCHEMAS)].map((k) => `"${k}"`).join(", ");
  return { ok: false, errors: [{ path: "kind", message: `Unsupported value: ${render(kind)}: supported values: ${supported}` }], warnings: [] };
}

/** Like parse*, but throws a ParseError; for callers that already trust the object (tests, builders). */
export function mustParse<T>(result: ParseResult<T>): T {
  if (result.ok) return result.value;
  throw new ParseError(result.errors);
}

export class ParseError extends Error {
  override name = "ParseError";
  readonly issues: readonly FieldIssue[];
  constructor(issues: readonly FieldIssue[]) {
    super(formatIssues(issues));
    this.issues = issues;
  }
}

/** `path: message` per issue, joined with "; " (one line, for a condition message). */
export function formatIssues(issues: readonly FieldIssue[]): string {
  return issues.map(formatIssue).join("; ");
}

export function formatIssue(issue: FieldIssue): string {
  return issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`;
}

function parseWith<S extends z.ZodType>(schema: S, kind: string, obj: unknown): ParseResult<z.output<S>> {
  const warnings = [...unknownFieldWarnings(kind, obj), ...providerWarnings(obj)];
  const result = schema.safeParse(obj, { reportInput: true });
  if (result.success) return { ok: true, value: result.data, warnings };
  return { ok: false, errors: result.error.issues.map(toFieldIssue), warnings };
}

const structuralSchemas = new Map<string, JsonSchema>();

/** Fields the apiserver would prune, i.e. typos or fields of a newer ESO than Ferry knows. */
function unknownFieldWarnings(kind: string, obj: unknown): FieldIssue[] {
  let schema = structuralSchemas.get(kind);
  if (!schema) {
    const definition = KINDS.find((k) => k.kind === kind);
    if (!definition) return [];
    schema = openApiSchemaFor(definition);
    structuralSchemas.set(kind, schema);
  }
  if (typeof obj !== "object" || obj === null) return [];
  // Only spec and status: the apiserver validates metadata itself, and apiVersion/kind are checked by parse.
  const properties = schema.properties as Record<string, JsonSchema>;
  return (["spec", "status"] as const)
    .filter((key) => properties[key] !== undefined)
    .flatMap((key) => unknownFields(properties[key]!, (obj as Record<string, unknown>)[key], key))
    .map((path) => ({ path, message: "unknown field (the apiserver drops it)" }));
}

function providerWarnings(obj: unknown): FieldIssue[] {
  const provider = (obj as { spec?: { provider?: unknown } } | null)?.spec?.provider;
  if (typeof provider !== "object" || provider === null) return [];
  return Object.keys(provider)
    .filter((name) => name !== "aws")
    .map((name) => ({ path: `spec.provider.${name}`, message: unsupportedProviderMessage(name) }));
}

/** `["spec", "data", 1, "remoteRef", "key"]` → `spec.data[1].remoteRef.key`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** A zod issue in the apiserver's words (field.Required, field.NotSupported, field.Invalid). */
function toFieldIssue(issue: z.core.$ZodIssue): FieldIssue {
  return { path: formatPath(issue.path), message: issueMessage(issue) };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "Required";
      return `Invalid value: ${render(issue.input)}: must be of type ${issue.expected === "int" ? "integer" : issue.expected}`;
    case "invalid_value":
      return `Unsupported value: ${render(issue.input)}: supported values: ${issue.values.map((v) => render(v)).join(", ")}`;
    case "invalid_format":
      if (issue.format === "regex" && issue.pattern) {
        return `Invalid value: ${render(issue.input)}: should match '${issue.pattern.replace(/^\/|\/[a-z]*$/g, "")}'`;
      }
      return `Invalid value: ${render(issue.input)}: must be a valid ${issue.format}`;
    case "too_small":
      if (issue.origin === "string") return `Invalid value: ${render(issue.input)}: should be at least ${issue.minimum} chars long`;
      if (issue.origin === "array") return `Invalid value: should have at least ${issue.minimum} items`;
      return `Invalid value: ${render(issue.input)}: should be greater than or equal to ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "string") return `Too long: may not be more than ${issue.maximum} bytes`;
      if (issue.origin === "array") return `Too many: must have at most ${issue.maximum} items`;
      return `Invalid value: ${render(issue.input)}: should be less than or equal to ${issue.maximum}`;
    case "invalid_union": {
      // Only int-or-string fields are unions: say what each branch wanted.
      const branches = issue.errors.map((errors) => errors.map(issueMessage).join(", ")).filter((m) => m !== "");
      return branches.length > 0 ? branches.join(" or ") : `Invalid value: ${render(issue.input)}`;
    }
    case "custom":
      return issue.message;
    default:
      return issue.message;
  }
}

function render(value: unknown): string {
  if (value === undefined) return "null";
  if (typeof value === "object" && value !== null) return `"${Array.isArray(value) ? "array" : "object"}"`;
  return JSON.stringify(value);
}
