export { renderTemplate, TemplateRenderError, type RenderedTarget, type TemplateRenderer } from "./render-template.ts";
export { TemplateSourceError, templatePlan, type TemplatePlan } from "./template-steps.ts";
export { hasTemplateSources, NO_TEMPLATE_SOURCES, templateSourceRefs, type TemplateSourceRefs, type TemplateSources } from "./template-sources.ts";
export { unsupportedTargetFields, type UnsupportedField } from "./unsupported-template-fields.ts";
export { KeyTransformError, transformKeys, type TemplateParser } from "./key-transform.ts";
export { templateTexts, type TemplateText } from "./template-texts.ts";
