export type { ByteString } from "./bytes.ts";
export { GjsonUnsupportedError } from "./errors.ts";
export { gjsonGet } from "./get.ts";
export type { GjsonResult, GjsonType } from "./result.ts";
export { effectivePropertyPath, selectProperty, type PropertySelection } from "./select-property.ts";
