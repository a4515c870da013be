export { compileGoRegexp, GoRegexpSyntaxError, type GoRegexp } from "./compile.ts";
export { expandTemplate, type MatchGroups } from "./expand.ts";
export { REPLACE_ALL_WORK_BUDGET, ReplaceAllWorkError } from "./replace-all.ts";
