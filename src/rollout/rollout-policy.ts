import { compileGoRegexp } from "../lib/goregexp/index.ts";
import { RELOADER, ROLLOUT_ON_CHANGE } from "./annotations.ts";

type Annotations = Readonly<Record<string, string>> | undefined;

/** Whether a name is one a `names` policy lists. */
export type NameMatcher = (secretName: string) => boolean;

/**
 * How a workload opted in to rollouts on Secret changes, decided once from its annotations. A Secret triggers
 * the workload when any part says so (Reloader's matcher is the same chain of ORs):
 * - `names`: the listed Secrets, consumed or not (Ferry's list, Reloader `secret…/reload`);
 * - `search`: consumed Secrets annotated `reloader.stakater.com/match: "true"` (Reloader `search`);
 * - `consumed`: any Secret the pod template consumes (Ferry "true", Reloader `auto`, `secret…/auto`).
 * `sources` names the annotations that opted in, for Events; empty means the workload did not opt in.
 */
export interface RolloutPolicy {
  readonly sources: readonly string[];
  readonly names?: NameMatcher | undefined;
  readonly search: boolean;
  readonly consumed: boolean;
  readonly exclude: ReadonlySet<string>;
}

const OFF: RolloutPolicy = { sources: [], search: false, consumed: false, exclude: new Set() };

export const optedIn = (policy: RolloutPolicy): boolean => policy.sources.length > 0;

/**
 * The rollout policy of a workload. Ferry's annotation, when present, decides alone (on the workload's own
 * metadata). Otherwise Reloader's keys decide as Reloader does (internal/pkg/reload/matcher.go): they are read
 * from the workload's annotations if any relevant key is there, else from the pod template's.
 */
export function rolloutPolicyOf(workload: Annotations, template: Annotations): RolloutPolicy {
  const ferry = workload?.[ROLLOUT_ON_CHANGE];
  if (ferry !== undefined) return ferryPolicy(ferry.trim());
  const annotations = hasReloaderKeys(workload) ? workload : hasReloaderKeys(template) ? template : workload;
  if (!annotations) return OFF;
  const sources: string[] = [];
  const reload = annotations[RELOADER.secretReload] ?? "";
  const names = splitList(reload).length > 0 ? reloaderNameMatcher(reload) : undefined;
  if (names) sources.push(RELOADER.secretReload);
  const search = annotations[RELOADER.search] === "true";
  if (search) sources.push(RELOADER.search);
  const consumed = annotations[RELOADER.auto] === "true" || annotations[RELOADER.secretAuto] === "true";
  if (annotations[RELOADER.auto] === "true") sources.push(RELOADER.auto);
  if (annotations[RELOADER.secretAuto] === "true") sources.push(RELOADER.secretAuto);
  if (sources.length === 0) return OFF;
  return { sources, names, search, consumed, exclude: new Set(splitList(annotations[RELOADER.secretExclude] ?? "")) };
}

function ferryPolicy(value: string): RolloutPolicy {
  if (value === "true") return { ...OFF, sources: [ROLLOUT_ON_CHANGE], consumed: true };
  const names = new Set(splitList(value));
  if (value === "false" || names.size === 0) return OFF;
  return { ...OFF, sources: [ROLLOUT_ON_CHANGE], names: (n) => names.has(n) };
}

function hasReloaderKeys(annotations: Annotations): boolean {
  return !!annotations && [RELOADER.secretReload, RELOADER.search, RELOADER.auto, RELOADER.secretAuto].some((k) => k in annotations);
}

function splitList(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter(Boolean);
}

/** Most entries a Reloader `reload` list may have; beyond it the rest are ignored (annotations are tenant input). */
export const MAX_RELOAD_ENTRIES = 64;

/**
 * Reloader's `secret.reloader.stakater.com/reload`: each entry is an anchored Go regexp (`^entry$`), and an
 * entry that does not compile is compared as a plain name. Compiled once per workload change, matched in
 * linear time (RE2), so a tenant's pattern cannot stall the controller.
 */
function reloaderNameMatcher(value: string): NameMatcher {
  const exact = new Set<string>();
  const patterns: Array<{ matchString(s: string): boolean }> = [];
  for (const entry of splitList(value).slice(0, MAX_RELOAD_ENTRIES)) {
    try {
      patterns.push(compileGoRegexp(`^${entry}$`));
    } catch {
      exact.add(entry);
    }
  }
  return (name) => exact.has(name) || patterns.some((p) => p.matchString(name));
}

export interface SecretFacts {
  name: string;
  annotations?: Annotations;
}

/**
 * Whether a content change of `secret` rolls a workload with this policy whose pod template consumes
 * `consumed` (sorted names). A Secret annotated `reloader.stakater.com/ignore: "true"` or excluded by the
 * workload never does.
 */
export function rolloutTriggeredBy(policy: RolloutPolicy, secret: SecretFacts, consumed: readonly string[]): boolean {
  if (!optedIn(policy)) return false;
  if (secret.annotations?.[RELOADER.ignore] === "true") return false;
  if (policy.exclude.has(secret.name)) return false;
  if (policy.names?.(secret.name)) return true;
  if (!consumed.includes(secret.name)) return false;
  return policy.consumed || (policy.search && secret.annotations?.[RELOADER.match] === "true");
}
