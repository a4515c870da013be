/**
 * What the metrics read about this process's informers, at scrape time. Informers are made deep inside
 * components (sync, push, rollout, write-through, per-namespace pools), so instead of threading a metrics
 * hook through every constructor they announce themselves here while running — client-go keeps a
 * process-wide reflector metrics provider for the same reason.
 *
 * Only the resource (kind) is recorded, never a namespace or an object name: the label set stays fixed
 * however many objects or namespaces are watched.
 */

/** What an informer exposes for its health metrics. */
export interface InformerHealthSource {
  /** See resourceOfPath. */
  readonly resource: string;
  /** Milliseconds since the apiserver was last heard from (a LIST, an event or a bookmark). */
  readonly lastEventAge: number;
}

const running = new Set<InformerHealthSource>();
const stallsByResource = new Map<string, number>();

export const informerHealth = {
  /** Called by an informer when it starts. */
  add(source: InformerHealthSource): void {
    running.add(source);
  },
  /** Called by an informer when it stops. */
  delete(source: InformerHealthSource): void {
    running.delete(source);
  },
  /** Counts a watch restarted by the stall guard. Kept per resource, so a stopped informer's count is not lost. */
  stalled(resource: string): void {
    stallsByResource.set(resource, (stallsByResource.get(resource) ?? 0) + 1);
  },
  /**
   * Per resource, the largest lastEventAge of its running informers (several informers can watch one
   * resource: per-namespace pools, different selectors; the stuck one is what an alert needs to see).
   */
  lastEventAges(): Map<string, number> {
    const ages = new Map<string, number>();
    for (const source of running) ages.set(source.resource, Math.max(ages.get(source.resource) ?? 0, source.lastEventAge));
    return ages;
  },
  /** Stall restarts per resource since the process started. */
  stalls(): ReadonlyMap<string, number> {
    return stallsByResource;
  },
};

/**
 * The resource an informer's collection path watches, as kubectl names it: the plural for the core group
 * ("secrets"), plural.group otherwise ("externalsecrets.external-secrets.io"). The namespace in a
 * namespaced path is dropped on purpose.
 */
export function resourceOfPath(path: string): string {
  const parts = path.split("?")[0]!.split("/").filter(Boolean);
  const plural = parts.at(-1) ?? path;
  return parts[0] === "apis" && parts[1] ? `${plural}.${parts[1]}` : plural;
}
