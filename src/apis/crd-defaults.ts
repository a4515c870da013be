/**
 * The defaults a CRD's OpenAPI schema declares, by field path: what the apiserver writes into every stored
 * object, and so what `kubectl get -o yaml` and the printer columns show. Used to compare Ferry's generated
 * CRDs with ESO's, field by field.
 */
export type SchemaNode = {
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
};

/** `path → JSON of the default`, paths like `.spec.data[].remoteRef.decodingStrategy`. */
export function schemaDefaults(schema: SchemaNode | undefined, path = ""): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (node: SchemaNode | undefined, at: string) => {
    if (!node || typeof node !== "object") return;
    if ("default" in node) out.set(at, JSON.stringify(node.default));
    for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, `${at}.${key}`);
    if (node.items) walk(node.items, `${at}[]`);
    if (node.additionalProperties && typeof node.additionalProperties === "object") walk(node.additionalProperties, `${at}{}`);
  };
  walk(schema, path);
  return out;
}

/** ESO's stores carry ~45 providers; Ferry serves AWS only, so only the AWS provider's defaults are comparable. */
export function isComparableDefaultPath(path: string): boolean {
  return !/\.provider\.(?!aws(\.|$))/.test(path);
}
