import { selectProperty } from "../lib/gjson/index.ts";
import { convertKeys } from "./transform/conversion.ts";
import { decodeValue } from "./transform/decoding.ts";
import { extractJsonObject } from "./transform/extract.ts";
import { rewriteKeysWith } from "./transform/rewrite.ts";
import { sharedTemplateEngine } from "../lib/gotemplate/index.ts";
import { transformKeys } from "./template/key-transform.ts";
import type { ValueTransforms } from "./remote-data.ts";

/**
 * ESO's value semantics, each checked against the Go implementation in its own tests: gjson `property`
 * with the AWS escaped-dot rule, decoding strategies, key conversion, JSON extraction, key rewrite (transform through ESO's template engine).
 */
export const defaultValueTransforms: ValueTransforms = {
  selectProperty(payload, property) {
    const r = selectProperty(payload.value, property);
    return r.found ? { found: true, value: r.bytes } : { found: false };
  },
  extractMap: (payload) => extractJsonObject(payload),
  decode: (value, strategy) => decodeValue(value, strategy),
  convertKeys: (map, strategy) => convertKeys(map, strategy),
  // The template engine starts on the first `transform`, so processes without one never load it.
  rewrite: (map, rewrites) => rewriteKeysWith(map, rewrites, (template, keys) => transformKeys(sharedTemplateEngine(), template, keys)),
};
