/**
 * The AWS secret's name, derived from the Secret's coordinates by a template (`--name-template`). Never taken
 * from the Secret itself: a Secret cannot choose to write into another namespace's secret.
 */

export interface Coordinates {
  namespace: string;
  name: string;
  /** `--cluster-name`; empty when not set. */
  cluster: string;
}

export const DEFAULT_NAME_TEMPLATE = "ferry/{namespace}/{name}";

const PLACEHOLDER = /\{([a-z]+)\}/g;
const KNOWN = new Set(["namespace", "name", "cluster"]);
/** Characters Secrets Manager allows in a name. */
const NAME_CHARS = /^[A-Za-z0-9/_+=.@-]+$/;
const MAX_NAME = 512;

/** Throws unless the template names both the namespace and the name (else two Secrets would share one AWS secret). */
export function checkNameTemplate(template: string, cluster = ""): void {
  const used = new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!));
  for (const p of used) if (!KNOWN.has(p)) throw new Error(`name template: unknown placeholder {${p}}; use {namespace}, {name} and {cluster}`);
  if (!used.has("namespace") || !used.has("name")) throw new Error("name template: must contain {namespace} and {name}");
  if (used.has("cluster") && !cluster) throw new Error("name template: {cluster} needs a cluster name");
  const sample = renderRemoteKey(template, { namespace: "ns", name: "n", cluster: "c" });
  if (!NAME_CHARS.test(sample)) throw new Error("name template: only letters, digits and /_+=.@- are allowed in Secrets Manager names");
}

export function renderRemoteKey(template: string, c: Coordinates): string {
  return template.replace(PLACEHOLDER, (_, p: string) => (p === "namespace" ? c.namespace : p === "name" ? c.name : p === "cluster" ? c.cluster : `{${p}}`));
}

/** Why a rendered name (with the store's prefix) cannot be a Secrets Manager name, or undefined when it can. */
export function remoteNameProblem(fullName: string): string | undefined {
  if (fullName.length > MAX_NAME) return `the Secrets Manager name would be ${fullName.length} characters, over ${MAX_NAME}`;
  if (!NAME_CHARS.test(fullName)) return "the Secrets Manager name would contain characters other than letters, digits and /_+=.@-";
  return undefined;
}
