import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { intOrString, preserveUnknownFields, withRules } from "./schema-extensions.ts";
import { toStructural, unknownFields, type JsonSchema } from "./structural-schema.ts";

const openApi = (schema: z.ZodType) => z.toJSONSchema(schema, { target: "openapi-3.0", io: "input", reused: "inline" }) as JsonSchema;

describe("toStructural", () => {
  const accepted: [name: string, schema: z.ZodType, expected: JsonSchema][] = [
    [
      "a plain object with a default and an enum",
      z.object({ a: z.enum(["X", "Y"]).default("X"), b: z.string().optional() }),
      {
        type: "object",
        properties: { a: { default: "X", enum: ["X", "Y"], type: "string" }, b: { type: "string" } },
      },
    ],
    [
      "a string map",
      z.record(z.string(), z.string()),
      { type: "object", additionalProperties: { type: "string" } },
    ],
    [
      "a loose object marked to preserve unknown fields",
      preserveUnknownFields(z.looseObject({ aws: z.object({ region: z.string() }).optional() })),
      {
        type: "object",
        properties: { aws: { properties: { region: { type: "string" } }, required: ["region"], type: "object" } },
        "x-kubernetes-preserve-unknown-fields": true,
      },
    ],
    [
      "int-or-string, with the pattern lifted beside anyOf",
      intOrString(/^[0-9]+s$/),
      { anyOf: [{ type: "integer" }, { type: "string" }], pattern: "^[0-9]+s$", "x-kubernetes-int-or-string": true },
    ],
    ["an integer loses zod's safe-integer bounds", z.number().int(), { type: "integer" }],
    ["a literal becomes a one-value enum", z.literal("v2"), { enum: ["v2"], type: "string" }],
    [
      "a rule with a CEL form becomes x-kubernetes-validations",
      withRules(z.object({ a: z.string().optional() }), [{ cel: "has(self.a)", check: (v) => v.a !== undefined, message: "a is required", path: ["a"] }]),
      {
        type: "object",
        properties: { a: { type: "string" } },
        "x-kubernetes-validations": [{ rule: "has(self.a)", message: "a is required", fieldPath: ".a" }],
      },
    ],
    [
      "a rule without a CEL form stays out of the CRD",
      withRules(z.object({ a: z.string().optional() }), [{ check: () => true, message: "m" }]),
      { type: "object", properties: { a: { type: "string" } } },
    ],
  ];
  for (const [name, schema, expected] of accepted) {
    test(name, () => {
      const { $schema: _ignored, ...rest } = toStructural(openApi(schema));
      assert.deepEqual(rest, expected);
    });
  }

  const rejected: [name: string, schema: JsonSchema, message: RegExp][] = [
    ["a $ref", { $ref: "#/definitions/x" }, /\$ref/],
    ["a union that is not int-or-string", openApi(z.union([z.string(), z.boolean()])), /anyOf/],
    ["a node without type", { type: "object", properties: { a: {} } }, /\.a: every node needs a type/],
    ["a loose object not marked to preserve unknown fields", openApi(z.looseObject({ a: z.string() })), /preserveUnknownFields/],
    ["a keyword the apiserver rejects", { type: "string", examples: ["x"] }, /"examples"/],
  ];
  for (const [name, schema, message] of rejected) {
    test(`rejects ${name}`, () => assert.throws(() => toStructural(schema), message));
  }
});

describe("unknownFields", () => {
  const schema = toStructural(
    openApi(
      z.object({
        known: z.object({ x: z.string() }).optional(),
        list: z.array(z.object({ y: z.string() })).optional(),
        map: z.record(z.string(), z.object({ z: z.string() })).optional(),
        loose: preserveUnknownFields(z.looseObject({ typed: z.string().optional() })).optional(),
        any: z.unknown().meta({ "x-kubernetes-preserve-unknown-fields": true }).optional(),
      }),
    ),
  );
  const cases: [name: string, value: unknown, expected: string[]][] = [
    ["nothing unknown", { known: { x: "a" }, list: [{ y: "b" }], map: { k: { z: "c" } } }, []],
    ["top-level and nested typos", { knwon: 1, known: { x: "a", xx: 2 } }, ["knwon", "known.xx"]],
    ["inside list items and map values", { list: [{ y: "b" }, { yy: 1 }], map: { k: { zz: 1 } } }, ["list[1].yy", "map.k.zz"]],
    ["preserved subtrees", { loose: { typed: "t", other: { deep: 1 } }, any: { whatever: [1] } }, []],
  ];
  for (const [name, value, expected] of cases) test(name, () => assert.deepEqual(unknownFields(schema, value), expected));
});
