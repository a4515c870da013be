export { Base64DecodeError, decodeBase64Go } from "./base64.ts";
export { CONVERSION_STRATEGIES, convertKey, convertKeys, KeyCollisionError, type ConversionStrategy } from "./conversion.ts";
export { DECODING_STRATEGIES, decodeValue, decodeValues, DecodingError, type DecodingStrategy } from "./decoding.ts";
export { ExtractError, extractJsonObject, unquoteJsonString } from "./extract.ts";
export { parseRewrite, RewriteError, RewriteNotSupportedError, rewriteKeys, rewriteKeysWith, type KeyTransformer, type Rewrite, type RewriteRegexp } from "./rewrite.ts";
