export { defaultEnginePath, resolveEnginePath } from "./engine-path.ts";
export { REDACTED, redactValues } from "./redact.ts";
export {
  DEFAULT_DEADLINE_MS,
  sharedTemplateEngine,
  TemplateEngine,
  type ExecuteOutcome,
  type RenderedParts,
  type TemplateEngineOptions,
  type TemplateFailure,
  type TemplateFailureKind,
  type TemplateScope,
  type TemplateStep,
  type TemplateTarget,
} from "./template-engine.ts";
