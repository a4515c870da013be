export { ErrorCode, GoRegexpSyntaxError, GoRegexpUnsupportedError } from "./errors.ts";
export { expandTemplate, templateReferences, type MatchGroups } from "./expand.ts";
export { parseGoRegexp } from "./parse.ts";
export { compileGoRegexp, type GoRegexp } from "./regexp.ts";
export { nullableLoop, unstableCaptures } from "./engine-differences.ts";
