import type { ExternalSecretTemplate } from "../../apis/external-secret.ts";

/**
 * The ConfigMaps and Secrets `templateFrom` names, read from the ExternalSecret's namespace: name → data.
 * An object absent from the map does not exist. ConfigMaps contribute `data` only (ESO ignores binaryData).
 */
export interface TemplateSources {
  configMaps: ReadonlyMap<string, Readonly<Record<string, string>>>;
  secrets: ReadonlyMap<string, Readonly<Record<string, Uint8Array>>>;
}

export const NO_TEMPLATE_SOURCES: TemplateSources = { configMaps: new Map(), secrets: new Map() };

/** Which objects a template reads: the names of its templateFrom ConfigMaps and Secrets, each once, sorted. */
export interface TemplateSourceRefs {
  configMaps: string[];
  secrets: string[];
}

export function templateSourceRefs(template: ExternalSecretTemplate | undefined): TemplateSourceRefs {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const from of template?.templateFrom ?? []) {
    if (from.configMap) configMaps.add(from.configMap.name);
    if (from.secret) secrets.add(from.secret.name);
  }
  return { configMaps: [...configMaps].sort(), secrets: [...secrets].sort() };
}

export function hasTemplateSources(refs: TemplateSourceRefs): boolean {
  return refs.configMaps.length > 0 || refs.secrets.length > 0;
}
