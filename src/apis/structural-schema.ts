/**
 * Turns the OpenAPI 3.0 output of z.toJSONSchema into a *structural* schema the apiserver accepts in a
 * CRD (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema):
 * a `type` on every node, no $ref, no anyOf/oneOf except the int-or-string form, `additionalProperties`
 * only as a map's value schema and never next to `properties`. Anything it does not know how to make
 * structural is an error, so a new zod construct fails generation instead of producing a CRD the
 * apiserver rejects (or silently prunes).
 */

export type JsonSchema = { [key: string]: unknown };

const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/** Keywords the apiserver accepts in a structural schema (besides x-kubernetes-* extensions). */
const ALLOWED_KEYWORDS = new Set([
  "type",
  "format",
  "description",
  "default",
  "nullable",
  "enum",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "required",
  "properties",
  "items",
  "additionalProperties",
  "anyOf",
]);

export class StructuralSchemaError extends Error {
  override name = "StructuralSchemaError";
}

/** Returns a structural copy of `schema`; `path` names the node in errors. */
export function toStructural(schema: JsonSchema, path = ""): JsonSchema {
  const node: JsonSchema = { ...schema };
  delete node.$schema;
  delete node.id;
  if ("$ref" in node || "definitions" in node || "$defs" in node) {
    throw new StructuralSchemaError(`${path || "<root>"}: $ref/definitions are not allowed; generate with reused: "inline"`);
  }
  if ("const" in node) {
    // z.literal: a one-value enum is the structural equivalent.
    node.enum = [node.const];
    delete node.const;
  }

  if (node["x-kubernetes-int-or-string"] === true) {
    // The only anyOf the apiserver allows: exactly integer | string, with value validation beside it.
    const out: JsonSchema = { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] };
    for (const key of ["description", "pattern", "default"]) if (key in node) out[key] = node[key];
    return sortKeys(out);
  }
  if ("anyOf" in node || "oneOf" in node || "allOf" in node || "not" in node) {
    throw new StructuralSchemaError(`${path || "<root>"}: anyOf/oneOf/allOf/not cannot be made structural`);
  }

  const preserve = node["x-kubernetes-preserve-unknown-fields"] === true;
  if (node.type === undefined && !preserve) {
    throw new StructuralSchemaError(`${path || "<root>"}: every node needs a type (or x-kubernetes-preserve-unknown-fields)`);
  }

  if (node.type === "integer") {
    // zod's z.number().int() bounds are JavaScript's safe-integer range: noise in a CRD.
    for (const key of ["minimum", "maximum"]) if (SAFE_INTEGER_BOUNDS.has(node[key] as number)) delete node[key];
  }

  if (node.properties !== undefined) {
    const properties = node.properties as Record<string, JsonSchema>;
    node.properties = Object.fromEntries(
      Object.keys(properties)
        .sort()
        .map((key) => [key, toStructural(properties[key]!, `${path}.${key}`)]),
    );
    if (node.additionalProperties !== undefined) {
      const additional = node.additionalProperties;
      const isAny = additional === true || (typeof additional === "object" && additional !== null && Object.keys(additional).length === 0);
      if (additional !== false && !(isAny && preserve)) {
        throw new StructuralSchemaError(
          `${path || "<root>"}: additionalProperties next to properties is not structural; use preserveUnknownFields() for loose objects`,
        );
      }
      // false: the apiserver prunes unknown fields anyway; {} on a loose object: expressed by preserve-unknown-fields.
      delete node.additionalProperties;
    }
  } else if (node.additionalProperties !== undefined) {
    const additional = node.additionalProperties;
    if (additional === false) {
      delete node.additionalProperties;
    } else if (additional === true || (typeof additional === "object" && additional !== null && Object.keys(additional).length === 0)) {
      // A map of anything: keep every value as written.
      delete node.additionalProperties;
      node["x-kubernetes-preserve-unknown-fields"] = true;
    } else {
      node.additionalProperties = toStructural(additional as JsonSchema, `${path}[*]`);
    }
  }

  if (node.items !== undefined) {
    if (Array.isArray(node.items)) throw new StructuralSchemaError(`${path}: tuple items are not structural`);
    node.items = toStructural(node.items as JsonSchema, `${path}[]`);
  }

  for (const key of Object.keys(node)) {
    if (!ALLOWED_KEYWORDS.has(key) && !key.startsWith("x-kubernetes-")) {
      throw new StructuralSchemaError(`${path || "<root>"}: keyword ${JSON.stringify(key)} is not allowed in a CRD schema`);
    }
  }
  return sortKeys(node);
}

/** Alphabetical keys (as controller-gen writes them), so generated files diff cleanly. */
function sortKeys(node: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.keys(node).sort().map((key) => [key, node[key]]));
}

/**
 * The fields the apiserver would prune from `value` under `schema` (or that kubectl's strict field
 * validation rejects), as dotted paths. Lets `ferry validate` report typos such as `remoteref:` instead of
 * silently dropping them as the apiserver would.
 */
export function unknownFields(schema: JsonSchema, value: unknown, path = ""): string[] {
  if (schema["x-kubernetes-preserve-unknown-fields"] === true && schema.properties === undefined) return [];
  if (Array.isArray(value)) {
    const items = schema.items as JsonSchema | undefined;
    return items ? value.flatMap((item, i) => unknownFields(items, item, `${path}[${i}]`)) : [];
  }
  if (typeof value !== "object" || value === null) return [];
  const record = value as Record<string, unknown>;
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  const additional = schema.additionalProperties as JsonSchema | undefined;
  const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
  const found: string[] = [];
  for (const [key, child] of Object.entries(record)) {
    const childPath = path ? `${path}.${key}` : key;
    const childSchema = properties?.[key] ?? additional;
    if (childSchema) found.push(...unknownFields(childSchema, child, childPath));
    else if (!preserve) found.push(childPath);
  }
  return found;
}
