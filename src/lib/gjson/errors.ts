/**
 * Raised for gjson syntax that Ferry recognises but does not evaluate (modifiers such as `@reverse`,
 * multipaths `[a,b]` / `{a,b}`, literals `!true`, JSON Lines `..`). Failing loudly is deliberate: gjson
 * would return a value there, so answering "not found" would silently sync something different from ESO.
 */
export class GjsonUnsupportedError extends Error {
  readonly path: string;
  readonly feature: string;

  constructor(path: string, feature: string) {
    super(`gjson path ${JSON.stringify(path)} uses ${feature}, which Ferry does not support yet`);
    this.name = "GjsonUnsupportedError";
    this.path = path;
    this.feature = feature;
  }
}
