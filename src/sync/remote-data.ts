import { NoSecretError, remoteSecretIdKey, type FindQuery, type ReadOutcome, type RemotePayload, type RemoteSecretId } from "../providers/provider.ts";

/** The slice of an ExternalSecret spec that says what to read (ESO v1 field names). */
export interface DataSpec {
  data?: ReadonlyArray<{ secretKey: string; remoteRef: RemoteRefSpec; sourceRef?: { generatorRef?: unknown } | undefined }> | undefined;
  dataFrom?: ReadonlyArray<DataFromSpec> | undefined;
}

/** What the spec's generators produced this refresh (generated-data.ts), by the index of their entry. */
export interface GeneratedData {
  dataFrom: ReadonlyMap<number, Map<string, Uint8Array>>;
  data: ReadonlyMap<number, Map<string, Uint8Array>>;
  /** The earliest expiry among the generated values (ECR tokens, STS sessions), epoch ms. */
  expiresAtMs?: number | undefined;
}

const NO_GENERATED: GeneratedData = { dataFrom: new Map(), data: new Map() };

const fromGenerator = (entry: { sourceRef?: { generatorRef?: unknown } | undefined }) => entry.sourceRef?.generatorRef !== undefined;

/** Whether a spec reads its store at all: not when every entry is generated. */
export function readsStore(spec: DataSpec): boolean {
  return (spec.dataFrom ?? []).some((d) => d.extract || d.find) || (spec.data ?? []).some((d) => !fromGenerator(d));
}

export interface RemoteRefSpec {
  key: string;
  property?: string | undefined;
  version?: string | undefined;
  decodingStrategy?: string | undefined;
  conversionStrategy?: string | undefined;
  metadataPolicy?: string | undefined;
  nullBytePolicy?: string | undefined;
}

export interface DataFromSpec {
  extract?: RemoteRefSpec | undefined;
  find?: {
    path?: string | undefined;
    name?: { regexp?: string | undefined } | undefined;
    tags?: Record<string, string> | undefined;
    conversionStrategy?: string | undefined;
    decodingStrategy?: string | undefined;
    nullBytePolicy?: string | undefined;
  } | undefined;
  rewrite?: ReadonlyArray<unknown> | undefined;
  sourceRef?: { generatorRef?: unknown } | undefined;
}

/** The value operations ESO applies, injected so this module stays pure (implementations in transform/ and lib/gjson). */
export interface ValueTransforms {
  /** gjson `property` over a payload, with ESO's escaped-dot rule. */
  selectProperty(payload: RemotePayload, property: string): { found: true; value: Uint8Array } | { found: false };
  /** dataFrom.extract: the top-level keys of a JSON object. Throws a message-only error when it is not one. */
  extractMap(payload: Uint8Array): Map<string, Uint8Array>;
  decode(value: Uint8Array, strategy: string): Uint8Array;
  /** Key conversion of a whole map, failing on collisions as ESO does ("secret name collision during conversion"). */
  convertKeys(map: Map<string, Uint8Array>, strategy: string): Map<string, Uint8Array>;
  /** dataFrom rewrite[] applied in order to a key set (async: `transform` runs Go templates in the engine). */
  rewrite(map: Map<string, Uint8Array>, rewrites: ReadonlyArray<unknown>): Map<string, Uint8Array> | Promise<Map<string, Uint8Array>>;
}

/** Reads raw payloads; a ReadCoalescer in production. */
export interface PayloadReader {
  read(ids: readonly RemoteSecretId[]): Promise<Map<string, ReadOutcome>>;
  find(query: FindQuery): Promise<Map<string, RemotePayload>>;
}

export type DeletionPolicy = "Retain" | "Delete" | "Merge";

export interface ResolvedData {
  data: Map<string, Uint8Array>;
  /** Remote keys that do not exist and were skipped because deletionPolicy allows it. */
  missing: string[];
}

/**
 * A failure to produce the data. The message names the ExternalSecret field and the remote key and says what
 * is wrong; it never contains a value, so it can go into status, Events and logs as is.
 */
export class RemoteDataError extends Error {
  override readonly name = "RemoteDataError";
  override readonly cause: unknown;
  constructor(message: string, cause?: unknown) {
    super(message);
    this.cause = cause;
  }
}

const idOf = (ref: RemoteRefSpec): RemoteSecretId => ({
  key: ref.key,
  version: ref.version,
  metadataPolicy: ref.metadataPolicy === "Fetch" ? "Fetch" : "None",
});

/** Every remote secret a spec reads by key, deduplicated: one provider call plans them all. */
export function plannedReads(spec: DataSpec): RemoteSecretId[] {
  const ids = new Map<string, RemoteSecretId>();
  for (const from of spec.dataFrom ?? []) if (from.extract) ids.set(remoteSecretIdKey(idOf(from.extract)), idOf(from.extract));
  for (const d of spec.data ?? []) if (!fromGenerator(d)) ids.set(remoteSecretIdKey(idOf(d.remoteRef)), idOf(d.remoteRef));
  return [...ids.values()];
}

/**
 * Resolves a spec into Secret data as ESO does: dataFrom entries in order, then data[] in order, later keys
 * overriding earlier ones. A missing remote secret fails the sync under deletionPolicy Retain and is skipped
 * (reported in `missing`) under Delete and Merge — ESO's NoSecretErr semantics.
 */
export async function resolveRemoteData(
  spec: DataSpec,
  reader: PayloadReader,
  transforms: ValueTransforms,
  deletionPolicy: DeletionPolicy,
  generated: GeneratedData = NO_GENERATED,
): Promise<ResolvedData> {
  const reads = plannedReads(spec);
  const outcomes = reads.length > 0 ? await reader.read(reads) : new Map<string, ReadOutcome>();
  const data = new Map<string, Uint8Array>();
  const missing: string[] = [];

  const payloadFor = (ref: RemoteRefSpec, field: string): RemotePayload | undefined => {
    const outcome = outcomes.get(remoteSecretIdKey(idOf(ref)));
    if (!outcome) throw new RemoteDataError(`${field}: no result for key ${ref.key}`);
    if (outcome.ok) return outcome.payload;
    if (outcome.error instanceof NoSecretError && deletionPolicy !== "Retain") {
      missing.push(ref.key);
      return undefined;
    }
    throw new RemoteDataError(`${field}: ${describe(outcome.error, ref.key)}`, outcome.error);
  };

  for (const [i, from] of (spec.dataFrom ?? []).entries()) {
    const field = `spec.dataFrom[${i}]`;
    let map: Map<string, Uint8Array>;
    if (from.extract) {
      const payload = payloadFor(from.extract, `${field}.extract`);
      if (!payload) continue;
      const source = from.extract.property ? select(payload, from.extract.property, transforms, `${field}.extract`, from.extract.key) : payload.value;
      try {
        map = transforms.extractMap(source);
      } catch (err) {
        throw new RemoteDataError(`${field}.extract: key ${from.extract.key}: ${(err as Error).message}`);
      }
      map = decodeAll(map, from.extract.decodingStrategy, transforms);
      checkNullBytes(map, from.extract.nullBytePolicy, field);
      map = await keyed(map, from.extract.conversionStrategy, from.rewrite, transforms, field);
    } else if (from.find) {
      let found: Map<string, RemotePayload>;
      try {
        found = await reader.find({ path: from.find.path, nameRegexp: from.find.name?.regexp, tags: from.find.tags });
      } catch (err) {
        throw new RemoteDataError(`${field}.find: ${describe(err as Error)}`, err);
      }
      map = decodeAll(new Map([...found].map(([k, p]) => [k, p.value])), from.find.decodingStrategy, transforms);
      checkNullBytes(map, from.find.nullBytePolicy, field);
      map = await keyed(map, from.find.conversionStrategy, from.rewrite, transforms, field);
    } else if (from.sourceRef?.generatorRef) {
      const values = generated.dataFrom.get(i);
      if (!values) throw new RemoteDataError(`${field}.sourceRef.generatorRef: the generator did not run`);
      // ESO (handleGenerateSecrets): rewrite when given, and no conversionStrategy for generated keys.
      try {
        map = from.rewrite && from.rewrite.length > 0 ? await transforms.rewrite(new Map(values), from.rewrite) : new Map(values);
      } catch (err) {
        throw new RemoteDataError(`${field}.rewrite: ${(err as Error).message}`);
      }
    } else {
      throw new RemoteDataError(`${field}: set one of extract, find or sourceRef.generatorRef`);
    }
    for (const [k, v] of map) data.set(k, v);
  }

  for (const [i, d] of (spec.data ?? []).entries()) {
    const field = `spec.data[${i}]`;
    if (fromGenerator(d)) {
      // ESO deprecated data[].sourceRef.generatorRef and never ran it; Ferry runs it and takes the output key
      // remoteRef.key (docs/adr/0015-generators.md), so the manifest does what it says or fails clearly.
      const values = generated.data.get(i);
      const value = values?.get(d.remoteRef.key);
      if (!values || value === undefined) {
        throw new RemoteDataError(`${field}.remoteRef.key: the generator has no key ${JSON.stringify(d.remoteRef.key)} (it produces ${[...(values?.keys() ?? [])].join(", ") || "nothing"})`);
      }
      data.set(d.secretKey, transforms.decode(value, d.remoteRef.decodingStrategy ?? "None"));
      continue;
    }
    const payload = payloadFor(d.remoteRef, `${field}.remoteRef`);
    if (!payload) continue;
    const raw = d.remoteRef.property ? select(payload, d.remoteRef.property, transforms, `${field}.remoteRef`, d.remoteRef.key) : payload.value;
    const value = transforms.decode(raw, d.remoteRef.decodingStrategy ?? "None");
    checkNullBytes(new Map([[d.secretKey, value]]), d.remoteRef.nullBytePolicy, field);
    data.set(d.secretKey, value);
  }
  return { data, missing };
}

function select(payload: RemotePayload, property: string, t: ValueTransforms, field: string, key: string): Uint8Array {
  const r = t.selectProperty(payload, property);
  if (!r.found) throw new RemoteDataError(`${field}: key ${key}: property ${JSON.stringify(property)} not found`);
  return r.value;
}

function decodeAll(map: Map<string, Uint8Array>, strategy: string | undefined, t: ValueTransforms): Map<string, Uint8Array> {
  if (!strategy || strategy === "None") return map;
  return new Map([...map].map(([k, v]) => [k, t.decode(v, strategy)]));
}

/** ESO applies conversionStrategy only when there is no rewrite (externalsecret_controller_secret.go). */
async function keyed(
  map: Map<string, Uint8Array>,
  conversion: string | undefined,
  rewrites: ReadonlyArray<unknown> | undefined,
  t: ValueTransforms,
  field: string,
): Promise<Map<string, Uint8Array>> {
  try {
    if (rewrites && rewrites.length > 0) return await t.rewrite(map, rewrites);
    return t.convertKeys(map, conversion ?? "Default");
  } catch (err) {
    throw new RemoteDataError(`${field}.rewrite: ${(err as Error).message}`);
  }
}

function checkNullBytes(map: Map<string, Uint8Array>, policy: string | undefined, field: string): void {
  if (policy !== "Fail") return;
  for (const [k, v] of map) if (v.includes(0)) throw new RemoteDataError(`${field}: value for ${k} contains a null byte (nullBytePolicy: Fail)`);
}

/** A provider error as a message that names the key; provider errors carry no values by contract. */
function describe(err: Error, key?: string): string {
  const text = err.message || err.name;
  return key && !text.includes(key) ? `key ${key}: ${text}` : text;
}
