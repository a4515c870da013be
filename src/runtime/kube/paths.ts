/** A REST path for a resource: a collection (no name), an object, or an object's subresource (status). */
export interface ResourcePath {
  /** "" for the core group (/api/v1). */
  group: string;
  version: string;
  plural: string;
  namespace?: string | undefined;
  name?: string | undefined;
  subresource?: string | undefined;
}

/** /api/v1/namespaces/a/secrets/b, /apis/external-secrets.io/v1/clusterexternalsecrets/c/status, … */
export function resourcePath(p: ResourcePath): string {
  const segment = encodeURIComponent;
  let path = p.group ? `/apis/${p.group}/${p.version}` : `/api/${p.version}`;
  if (p.namespace) path += `/namespaces/${segment(p.namespace)}`;
  path += `/${p.plural}`;
  if (p.name !== undefined) path += `/${segment(p.name)}`;
  if (p.subresource) path += `/${p.subresource}`;
  return path;
}

/** A core/v1 path: corePath("secrets", "a", "b") is /api/v1/namespaces/a/secrets/b. */
export const corePath = (plural: string, namespace?: string, name?: string, subresource?: string): string =>
  resourcePath({ group: "", version: "v1", plural, namespace, name, subresource });
