export { renderTemplate, TemplateRenderError, type RenderedTarget, type TemplateRenderer } from "./render-template.ts";
export { templatePlan, type TemplatePlan } from "./template-steps.ts";
export { unsupportedTargetFields, type UnsupportedField } from "./unsupported-template-fields.ts";
