/**
 * From a `generatorRef` to a generator kind and parsed spec, as ESO's resolvers.GeneratorRef: only the
 * generators group; a namespaced generator is read from the referrer's namespace; a ClusterGenerator becomes
 * a "virtual" generator of its `kind` with the matching spec (clusterGeneratorToVirtual). Decisions are pure
 * functions over what the source returned; the source does the one GET.
 */
import {
  CLUSTER_GENERATOR_SPEC_FIELD,
  GENERATOR_KINDS,
  GENERATORS_GROUP,
  GENERATORS_VERSION,
  KIND_CLUSTER_GENERATOR,
  type GeneratorDefinition,
  type GeneratorKind,
} from "../apis/generators.ts";
import { parseClusterGenerator, parseGeneratorSpec, formatIssues } from "../apis/parse.ts";
import type { GeneratorIdentity } from "./aws-clients.ts";
import { GeneratorError, InvalidGeneratorError } from "./errors.ts";

export interface GeneratorRefLike {
  apiVersion?: string | undefined;
  kind: string;
  name: string;
}

/** A generator object as read from the apiserver (unparsed). */
export interface GeneratorObject {
  metadata?: { name?: string; namespace?: string; uid?: string; generation?: number };
  spec?: unknown;
}

/** Reads one generator object; undefined when it does not exist. */
export interface GeneratorSource {
  get(kind: string, namespace: string | undefined, name: string, signal?: AbortSignal): Promise<GeneratorObject | undefined>;
}

export interface ResolvedGenerator {
  identity: GeneratorIdentity;
  definition: GeneratorDefinition;
}

export function supportedKindsText(): string {
  return [...GENERATOR_KINDS, KIND_CLUSTER_GENERATOR].join(", ");
}

/** The checks that need no API call: group, version, kind. Throws InvalidGeneratorError. */
export function checkGeneratorRef(ref: GeneratorRefLike): void {
  const apiVersion = ref.apiVersion ?? `${GENERATORS_GROUP}/${GENERATORS_VERSION}`;
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  // ESO's words (pkg/esutils/resolvers/generator.go).
  if (group !== GENERATORS_GROUP) throw new InvalidGeneratorError(`generatorRef may only reference the generators group, but got ${group}`);
  if (version !== GENERATORS_VERSION) throw new InvalidGeneratorError(`generatorRef references unknown GVK ${group}/${version}, Kind=${ref.kind}`);
  if (ref.kind !== KIND_CLUSTER_GENERATOR && !(GENERATOR_KINDS as readonly string[]).includes(ref.kind)) {
    throw new InvalidGeneratorError(`generatorRef kind ${ref.kind} is not supported by Ferry (supported: ${supportedKindsText()})`);
  }
}

export async function resolveGenerator(ref: GeneratorRefLike, namespace: string, source: GeneratorSource, signal?: AbortSignal): Promise<ResolvedGenerator> {
  checkGeneratorRef(ref);
  const cluster = ref.kind === KIND_CLUSTER_GENERATOR;
  const obj = await source.get(ref.kind, cluster ? undefined : namespace, ref.name, signal);
  // Not terminal: the generator may be created after the ExternalSecret (ESO retries too).
  if (!obj) throw new GeneratorError(`unable to get generator: ${ref.kind} ${cluster ? "" : `${namespace}/`}${ref.name} not found`);
  const identity: GeneratorIdentity = {
    kind: ref.kind,
    name: ref.name,
    namespace: cluster ? undefined : namespace,
    uid: obj.metadata?.uid ?? "",
    generation: obj.metadata?.generation ?? 0,
  };
  return { identity, definition: cluster ? clusterGeneratorDefinition(identity, obj) : namespacedDefinition(identity, ref.kind as GeneratorKind, obj) };
}

function namespacedDefinition(identity: GeneratorIdentity, kind: GeneratorKind, obj: GeneratorObject): GeneratorDefinition {
  const parsed = parseGeneratorSpec(kind, obj.spec ?? {});
  if (!parsed.ok) throw new InvalidGeneratorError(`invalid ${kind} ${identity.namespace}/${identity.name}: ${formatIssues(parsed.errors.map((e) => ({ ...e, path: e.path ? `spec.${e.path}` : "spec" })))}`);
  return { kind, spec: parsed.value } as GeneratorDefinition;
}

/** ESO's clusterGeneratorToVirtual, with its messages. */
function clusterGeneratorDefinition(identity: GeneratorIdentity, obj: GeneratorObject): GeneratorDefinition {
  const parsed = parseClusterGenerator({ apiVersion: `${GENERATORS_GROUP}/${GENERATORS_VERSION}`, kind: KIND_CLUSTER_GENERATOR, metadata: obj.metadata ?? {}, spec: obj.spec });
  if (!parsed.ok) throw new InvalidGeneratorError(`invalid ClusterGenerator ${identity.name}: ${formatIssues(parsed.errors)}`);
  const { kind, generator } = parsed.value.spec;
  const field = CLUSTER_GENERATOR_SPEC_FIELD[kind];
  const spec = (generator as Record<string, unknown>)[field];
  // ESO's Go field names are the kind plus "Spec" (ECRAuthorizationTokenSpec).
  const goField = `${kind}Spec`;
  if (spec === undefined) throw new InvalidGeneratorError(`invalid ClusterGenerator ${identity.name}: when kind is ${kind}, ${goField} must be set`);
  if (!(GENERATOR_KINDS as readonly string[]).includes(kind)) {
    throw new InvalidGeneratorError(`ClusterGenerator ${identity.name}: kind ${kind} is not supported by Ferry (supported: ${GENERATOR_KINDS.join(", ")})`);
  }
  return { kind: kind as GeneratorKind, spec } as GeneratorDefinition;
}
