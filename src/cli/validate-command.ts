import { Command } from "commander";
import { parseAllDocuments } from "yaml";
import {
  API_VERSION_V1ALPHA1,
  API_VERSIONS,
  GROUP,
  KIND_CLUSTER_EXTERNAL_SECRET,
  KIND_CLUSTER_PUSH_SECRET,
  KIND_CLUSTER_SECRET_STORE,
  KIND_EXTERNAL_SECRET,
  KIND_PUSH_SECRET,
  KIND_SECRET_STORE,
} from "../apis/constants.ts";
import type { ClusterExternalSecret } from "../apis/cluster-external-secret.ts";
import type { ExternalSecret } from "../apis/external-secret.ts";
import { templateTexts, unsupportedTargetFields, type TemplateText } from "../sync/template/index.ts";
import { TemplateEngine } from "../lib/gotemplate/index.ts";
import type { ClusterPushSecret, PushSecret } from "../apis/push-secret.ts";
import { unsupportedPushSecretFields } from "../pushsecret/unsupported.ts";
import { formatIssue, parseObject, type FieldIssue } from "../apis/parse.ts";
import type { ClusterSecretStore, SecretStore } from "../apis/secret-store.ts";
import { validateAwsStore } from "../providers/aws/validate-store.ts";
import type { AwsStoreSpec } from "../providers/aws/spec.ts";
import { collect, readInputs, reportErrors } from "./cli-support.ts";
import { GENERATOR_KINDS, GENERATORS_API_VERSION, GENERATORS_GROUP, KIND_CLUSTER_GENERATOR, type ClusterGenerator, type GeneratorDefinition } from "../apis/generators.ts";
import type { GeneratorObject } from "../apis/parse.ts";
import { clusterGeneratorProblems, generatorSpecProblems } from "../generators/validate.ts";
import { generatorRefProblems } from "../sync/generated-data.ts";

export interface ValidateFlags {
  filename: string[];
}

const FERRY_KINDS = new Set([KIND_EXTERNAL_SECRET, KIND_SECRET_STORE, KIND_CLUSTER_SECRET_STORE, KIND_CLUSTER_EXTERNAL_SECRET, KIND_PUSH_SECRET, KIND_CLUSTER_PUSH_SECRET]);
/** The push kinds exist only as v1alpha1 in ESO; the others as v1 and v1beta1. */
const PUSH_KINDS = new Set([KIND_PUSH_SECRET, KIND_CLUSTER_PUSH_SECRET]);
/** generators.external-secrets.io/v1alpha1 kinds Ferry runs. */
const GENERATOR_OBJECT_KINDS = new Set<string>([...GENERATOR_KINDS, KIND_CLUSTER_GENERATOR]);

/** What `ferry validate` found in one document. */
export interface DocumentReport {
  /** `file:doc-index kind/name`, doc-index counting from 0. */
  location: string;
  errors: string[];
  warnings: string[];
  /** Set when the document is not one of Ferry's kinds and was not checked. */
  skipped?: string;
  /** Go templates in the object, parsed by runValidate with the controller's engine. */
  templates?: TemplateText[];
}

export function validateCommand(): Command {
  return new Command("validate")
    .description("Check ExternalSecret, SecretStore, ClusterSecretStore, ClusterExternalSecret, PushSecret, ClusterPushSecret and generator (ECRAuthorizationToken, STSSessionToken, Password, UUID, ClusterGenerator) manifests against Ferry's schemas, offline.")
    .requiredOption("-f, --filename <path>", "a YAML/JSON file (multi-document), a directory of them, or - for stdin; repeatable", collect)
    .addHelpText(
      "after",
      "\nEach problem is printed as `file:doc-index kind/name: field.path: message` (doc-index counts from 0)." +
        "\nWarnings (unknown fields the apiserver would drop, unsupported providers, …) do not fail the check;" +
        "\nother groups' kinds are skipped with a note (an unserved external-secrets.io kind is an error); the items of a List (kubectl get -o yaml) are checked one by one." +
        "\nExit status: 1 when any document has an error, else 0.",
    )
    .action(reportErrors(async (flags: ValidateFlags) => runValidate(flags)));
}

export async function runValidate(flags: ValidateFlags): Promise<void> {
  const reports = readInputs(flags.filename).flatMap((input) => validateText(input.source, input.text));
  await checkTemplates(reports);
  let errors = 0;
  let warnings = 0;
  let checked = 0;
  for (const r of reports) {
    if (r.skipped) {
      process.stdout.write(`${r.location}: skipped: ${r.skipped}\n`);
      continue;
    }
    checked++;
    for (const e of r.errors) process.stdout.write(`${r.location}: ${e}\n`);
    for (const w of r.warnings) process.stdout.write(`${r.location}: warning: ${w}\n`);
    errors += r.errors.length;
    warnings += r.warnings.length;
  }
  const skipped = reports.length - checked;
  const failed = reports.filter((r) => r.errors.length > 0).length;
  process.stdout.write(
    `${checked} checked, ${failed} invalid (${errors} ${errors === 1 ? "error" : "errors"}, ${warnings} ${warnings === 1 ? "warning" : "warnings"}), ${skipped} skipped\n`,
  );
  if (errors > 0) process.exitCode = 1;
}

/** Validates every document of one YAML/JSON stream. */
export function validateText(source: string, text: string): DocumentReport[] {
  const reports: DocumentReport[] = [];
  const docs = parseAllDocuments(text);
  for (const [index, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (doc.errors.length > 0) {
      reports.push({ location: `${source}:${index}`, errors: doc.errors.map((e) => `invalid YAML: ${e.message.split("\n")[0]}`), warnings: [] });
      continue;
    }
    const obj: unknown = doc.toJS();
    if (obj === null || obj === undefined) continue; // an empty document, e.g. after a trailing ---
    // `kubectl get … -o yaml` prints a List: check its items.
    const list = obj as { kind?: unknown; items?: unknown };
    if (typeof list.kind === "string" && list.kind.endsWith("List") && Array.isArray(list.items)) {
      for (const [i, item] of list.items.entries()) reports.push(validateObject(`${source}:${index}.items[${i}]`, item));
      continue;
    }
    reports.push(validateObject(`${source}:${index}`, obj));
  }
  return reports;
}

export function validateObject(at: string, obj: unknown): DocumentReport {
  if (typeof obj !== "object" || Array.isArray(obj) || obj === null) {
    return { location: at, errors: ["not a Kubernetes object (expected a mapping with apiVersion and kind)"], warnings: [] };
  }
  const o = obj as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const kind = typeof o.kind === "string" ? o.kind : "";
  const name = typeof o.metadata?.name === "string" ? o.metadata.name : "<no name>";
  const location = `${at} ${kind || "<no kind>"}/${name}`;
  const apiVersion = typeof o.apiVersion === "string" ? o.apiVersion : "";
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  if (group === GENERATORS_GROUP) return validateGenerator(location, kind, apiVersion, obj);
  // A kind of ESO's own group that Ferry does not serve (a newer ESO kind, a typo) would do nothing once
  // applied, so it fails the check rather than pass as "skipped"; other groups are not Ferry's business.
  if (group === GROUP && !FERRY_KINDS.has(kind)) {
    return { location, errors: [`kind: Unsupported value: ${JSON.stringify(kind)}: ${apiVersion} kinds Ferry serves: ${[...FERRY_KINDS].join(", ")}`], warnings: [] };
  }
  if (!FERRY_KINDS.has(kind) || (group !== GROUP && apiVersion !== "")) {
    return { location, errors: [], warnings: [], skipped: `not a Ferry kind (${apiVersion || "no apiVersion"})` };
  }
  const versions: readonly string[] = PUSH_KINDS.has(kind) ? [API_VERSION_V1ALPHA1] : API_VERSIONS;
  if (!versions.includes(apiVersion)) {
    return {
      location,
      errors: [formatIssue({ path: "apiVersion", message: `Unsupported value: ${JSON.stringify(o.apiVersion ?? null)}: supported values: ${versions.map((v) => `"${v}"`).join(", ")}` })],
      warnings: [],
    };
  }
  const parsed = parseObject(obj);
  const warnings = parsed.warnings.map(formatIssue);
  if (!parsed.ok) return { location, errors: parsed.errors.map(formatIssue), warnings };
  const errors: string[] = [];
  let templates: TemplateText[] = [];
  if (kind === KIND_EXTERNAL_SECRET) {
    // What the controller would refuse with a condition.
    errors.push(...unsupportedTargetFields((parsed.value as ExternalSecret).spec).map(formatIssue));
    templates = templateTexts((parsed.value as ExternalSecret).spec);
    errors.push(...generatorRefProblems((parsed.value as ExternalSecret).spec));
  } else if (kind === KIND_CLUSTER_EXTERNAL_SECRET) {
    const { spec } = parsed.value as ClusterExternalSecret;
    templates = templateTexts(spec.externalSecretSpec, "spec.externalSecretSpec.");
    errors.push(...unsupportedTargetFields(spec.externalSecretSpec).map((u) => formatIssue({ path: u.path.replace(/^spec\./, "spec.externalSecretSpec."), message: u.message })));
    errors.push(...generatorRefProblems(spec.externalSecretSpec).map((p) => p.replace(/^spec\./, "spec.externalSecretSpec.")));
    if (!spec.namespaceSelector && (spec.namespaceSelectors ?? []).length === 0 && (spec.namespaces ?? []).length === 0) {
      warnings.push("spec: selects no namespace: set namespaceSelectors (an empty selector {} selects every namespace)");
    }
  } else if (PUSH_KINDS.has(kind)) {
    // What the controller would refuse with a condition: unsupported fields are errors here too.
    const spec = kind === KIND_PUSH_SECRET ? (parsed.value as PushSecret).spec : (parsed.value as ClusterPushSecret).spec.pushSecretSpec;
    const base = kind === KIND_PUSH_SECRET ? "" : "spec.pushSecretSpec.";
    errors.push(...unsupportedPushSecretFields(spec).map((u) => formatIssue({ path: base ? u.path.replace(/^spec\./, base) : u.path, message: u.message })));
  } else if (kind === KIND_SECRET_STORE || kind === KIND_CLUSTER_SECRET_STORE) {
    // The provider's own checks, as the store controller and the admission webhook run them.
    const store = parsed.value as SecretStore | ClusterSecretStore;
    const provider = store.spec.provider as { aws?: unknown };
    if (provider.aws) {
      const result = validateAwsStore(store.spec as unknown as AwsStoreSpec, {
        kind: kind === KIND_SECRET_STORE ? "SecretStore" : "ClusterSecretStore",
        namespace: store.metadata.namespace,
      });
      errors.push(...result.errors);
      warnings.push(...result.warnings);
    } else if (!parsed.warnings.some((w: FieldIssue) => w.path.startsWith("spec.provider."))) {
      errors.push("spec.provider: Required: Ferry serves the aws provider only");
    }
  }
  return { location, errors, warnings, ...(templates.length > 0 ? { templates } : {}) };
}

/**
 * Parses every template with ESO's engine, offline (syntax errors, unknown functions), adding an error with
 * the field path to its document. The engine starts only when a document has a template.
 */
export async function checkTemplates(reports: DocumentReport[]): Promise<void> {
  if (!reports.some((r) => r.templates?.length)) return;
  const engine = new TemplateEngine();
  try {
    for (const report of reports) {
      for (const t of report.templates ?? []) {
        const failed = (await engine.parse({ [t.name]: t.text }))[t.name];
        if (failed !== undefined) report.errors.push(formatIssue({ path: t.path, message: failed }));
      }
    }
  } finally {
    await engine.close();
  }
}

/** A generators.external-secrets.io object: its schema, then what the generator would refuse at its first run. */
function validateGenerator(location: string, kind: string, apiVersion: string, obj: unknown): DocumentReport {
  // An error, not a skip: ESO's other generator kinds (Webhook, VaultDynamicSecret, ACRAccessToken, …) are part
  // of the manifests users migrate, and on Ferry they do nothing (no CRD, so no apply; a generatorRef to them fails).
  if (!GENERATOR_OBJECT_KINDS.has(kind)) {
    return {
      location,
      errors: [formatIssue({ path: "kind", message: `Unsupported value: ${JSON.stringify(kind)}: Ferry runs the generator kinds ${[...GENERATOR_OBJECT_KINDS].join(", ")} (its CRD is not installed, and a generatorRef to it fails)` })],
      warnings: [],
    };
  }
  if (apiVersion !== GENERATORS_API_VERSION) {
    return { location, errors: [formatIssue({ path: "apiVersion", message: `Unsupported value: ${JSON.stringify(apiVersion)}: supported values: "${GENERATORS_API_VERSION}"` })], warnings: [] };
  }
  const parsed = parseObject(obj);
  const warnings = parsed.warnings.map(formatIssue);
  if (!parsed.ok) return { location, errors: parsed.errors.map(formatIssue), warnings };
  const value = parsed.value as GeneratorObject;
  const errors = kind === KIND_CLUSTER_GENERATOR ? clusterGeneratorProblems(value as ClusterGenerator) : generatorSpecProblems({ kind, spec: value.spec } as GeneratorDefinition);
  return { location, errors, warnings };
}
