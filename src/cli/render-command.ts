import { readFileSync } from "node:fs";
import { Command } from "commander";
import { parseAllDocuments, stringify } from "yaml";
import type { V1Secret } from "@kubernetes/client-node";
import { KIND_EXTERNAL_SECRET } from "../apis/constants.ts";
import type { ExternalSecret } from "../apis/external-secret.ts";
import { formatIssues, parseExternalSecret } from "../apis/parse.ts";
import { compileGoRegexp } from "../lib/goregexp/index.ts";
import { NoSecretError, remoteSecretIdKey, type FindQuery, type ReadOutcome, type RemotePayload, type RemoteSecretId } from "../providers/provider.ts";
import { TemplateEngine } from "../lib/gotemplate/index.ts";
import { renderedSecretOf } from "../sync/externalsecret/reconciler.ts";
import { resolveRemoteData, type PayloadReader } from "../sync/remote-data.ts";
import { defaultValueTransforms } from "../sync/value-transforms.ts";
import { unsupportedTargetFields, type TemplateSources } from "../sync/template/index.ts";
import { collect, readInputs, reportErrors, UserError } from "./cli-support.ts";

export interface RenderFlags {
  filename: string;
  values: string;
  namespace?: string;
  decode: boolean;
  templateFrom?: string[];
}

export function renderCommand(): Command {
  return new Command("render")
    .description("Show the Secret an ExternalSecret would produce from given remote values, offline, with the controller's sync code.")
    .requiredOption("-f, --filename <path>", "the ExternalSecret manifest (YAML or JSON; every ExternalSecret in it is rendered), or - for stdin")
    .requiredOption("--values <path>", 'a JSON object of remote values: {"<remote key>": "<string>" or <JSON value>, …}')
    .option("-n, --namespace <name>", "namespace when the manifest has none", "default")
    .option("--decode", "print the values as stringData (plain text) instead of base64 data", false)
    .option("--template-from <path>", "ConfigMap and Secret manifests that templateFrom reads (those in --filename are read too); repeatable", collect, [])
    .addHelpText(
      "after",
      "\nA JSON value that is not a string is stored as its JSON text, as Secrets Manager holds a JSON SecretString." +
        "\nremoteRef.version and metadataPolicy are ignored (every version reads the given value); dataFrom.find" +
        "\nmatches name.regexp and path over the given keys (tags cannot be matched offline). The Secret is" +
        "\nrendered as if it did not exist yet. Templates run in ESO's own template engine, as in the controller;" +
        "\ntemplateFrom reads the ConfigMaps and Secrets given in the files." +
        "\nExit status: 1 when the ExternalSecret is invalid or a sync would fail.",
    )
    .action(reportErrors(async (flags: RenderFlags) => runRender(flags)));
}

export async function runRender(flags: RenderFlags): Promise<void> {
  const values = readValues(flags.values);
  const externalSecrets: ExternalSecret[] = [];
  const sources = { configMaps: new Map<string, Record<string, string>>(), secrets: new Map<string, Record<string, Uint8Array>>() };
  for (const input of readInputs([flags.filename, ...(flags.templateFrom ?? [])])) {
    for (const [index, doc] of parseAllDocuments(input.text).entries()) {
      if (doc.errors.length > 0) throw new UserError(`${input.source}:${index}: invalid YAML: ${doc.errors[0]!.message.split("\n")[0]}`);
      const obj = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
      if (obj && addTemplateSource(sources, obj)) continue;
      if (!obj || obj.kind !== KIND_EXTERNAL_SECRET) continue;
      const parsed = parseExternalSecret(obj);
      const name = typeof obj.metadata?.name === "string" ? obj.metadata.name : "<no name>";
      if (!parsed.ok) throw new UserError(`${input.source}:${index} ExternalSecret/${name}: ${formatIssues(parsed.errors)}`);
      externalSecrets.push(parsed.value);
    }
  }
  if (externalSecrets.length === 0) throw new UserError(`${flags.filename}: no ExternalSecret found`);

  const out: string[] = [];
  for (const es of externalSecrets) {
    const secret = await renderSecret(es, values, flags.namespace ?? "default", sources);
    out.push(stringify(flags.decode ? decoded(secret) : secret, { lineWidth: 0 }));
  }
  process.stdout.write(out.join("---\n"));
}

/** The Secret the controller would write for `es` when the remote holds `values` and the Secret does not exist yet. */
export async function renderSecret(es: ExternalSecret, values: ReadonlyMap<string, Uint8Array>, defaultNamespace: string, sources?: TemplateSources): Promise<V1Secret> {
  const name = es.metadata.name ?? "";
  const namespace = es.metadata.namespace ?? defaultNamespace;
  const label = `ExternalSecret ${namespace}/${name}`;
  const spec = es.spec;
  const resolved = await resolveRemoteData(spec, new InMemoryReader(values), defaultValueTransforms, spec.target.deletionPolicy).catch((err: unknown) => {
    throw new UserError(`${label}: ${(err as Error).message}`);
  });
  for (const key of resolved.missing) process.stderr.write(`note: ${label}: remote key ${key} is missing and skipped (deletionPolicy ${spec.target.deletionPolicy})\n`);
  if (spec.target.creationPolicy === "None") throw new UserError(`${label}: creationPolicy None: the controller writes no Secret`);
  if (resolved.data.size === 0 && spec.target.deletionPolicy === "Delete") throw new UserError(`${label}: no data: the Secret would be deleted (deletionPolicy Delete)`);
  const unsupported = unsupportedTargetFields(spec);
  if (unsupported.length > 0) throw new UserError(`${label}: ${unsupported.map((u) => `${u.path}: ${u.message}`).join("; ")}`);
  const engine = new TemplateEngine();
  const desired = await renderedSecretOf(es, { namespace, name }, resolved.data, undefined, engine, sources)
    .catch((err: unknown) => {
      throw new UserError(`${label}: ${(err as Error).message}`);
    })
    .finally(() => engine.close());
  if (!desired.ok) throw new UserError(`${label}: ${desired.message}`);
  const secret = desired.secret;
  // Offline there is no uid: leave it out rather than print an empty one.
  for (const ref of secret.metadata?.ownerReferences ?? []) if (ref.uid === "") delete (ref as { uid?: string }).uid;
  return secret;
}

/** A ConfigMap or Secret document: kept for templateFrom (data, binaryData ignored as ESO does; stringData over data). */
function addTemplateSource(sources: { configMaps: Map<string, Record<string, string>>; secrets: Map<string, Record<string, Uint8Array>> }, obj: object): boolean {
  const o = obj as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown }; data?: Record<string, unknown>; stringData?: Record<string, unknown> };
  if (o.apiVersion !== "v1" || (o.kind !== "ConfigMap" && o.kind !== "Secret") || typeof o.metadata?.name !== "string") return false;
  const text = (m: Record<string, unknown> | undefined) => Object.entries(m ?? {}).map(([k, v]) => [k, String(v)] as const);
  if (o.kind === "ConfigMap") sources.configMaps.set(o.metadata.name, Object.fromEntries(text(o.data)));
  else {
    const data = text(o.data).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, "base64"))] as const);
    const stringData = text(o.stringData).map(([k, v]) => [k, new TextEncoder().encode(v)] as const);
    sources.secrets.set(o.metadata.name, Object.fromEntries([...data, ...stringData]));
  }
  return true;
}

function decoded(secret: V1Secret): Record<string, unknown> {
  const { data, ...rest } = secret;
  const stringData = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
  return { ...rest, stringData };
}

/** `{"key": "text" | JSON}` → remote payloads. */
function readValues(path: string): Map<string, Uint8Array> {
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch {
    throw new UserError(`--values ${path}: no such file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`--values ${path}: invalid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UserError(`--values ${path}: must be a JSON object of remote key → value`);
  }
  return new Map(
    Object.entries(json as Record<string, unknown>).map(([k, v]) => [k, new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v))]),
  );
}

/** The PayloadReader the controller gets from a provider, over a fixed map of remote values. */
class InMemoryReader implements PayloadReader {
  readonly #values: ReadonlyMap<string, Uint8Array>;

  constructor(values: ReadonlyMap<string, Uint8Array>) {
    this.#values = values;
  }

  async read(ids: readonly RemoteSecretId[]): Promise<Map<string, ReadOutcome>> {
    const out = new Map<string, ReadOutcome>();
    for (const id of ids) {
      const value = this.#values.get(id.key);
      out.set(remoteSecretIdKey(id), value ? { ok: true, payload: { value, binary: false } } : { ok: false, error: new NoSecretError(id.key, "not in --values") });
    }
    return out;
  }

  async find(query: FindQuery): Promise<Map<string, RemotePayload>> {
    if (query.tags && Object.keys(query.tags).length > 0) throw new Error("find.tags cannot be matched offline (--values has no tags)");
    const pattern = query.nameRegexp ? compileGoRegexp(query.nameRegexp) : undefined;
    const out = new Map<string, RemotePayload>();
    for (const [key, value] of this.#values) {
      if (query.path && !key.startsWith(query.path)) continue;
      if (pattern && !pattern.matchString(key)) continue;
      out.set(key, { value, binary: false });
    }
    return out;
  }
}
