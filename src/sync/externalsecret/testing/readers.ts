// Test-only (excluded from the image): ReadAheadReaders over a fixed set of ExternalSecrets, with the defaults
// a unit test needs, so each test states only what it changes.
import { parseExternalSecret } from "../../../apis/parse.ts";
import type { Informer } from "../../../runtime/informer.ts";
import type { KubeObject } from "../../../runtime/list-watcher.ts";
import { silentLogger } from "../../../runtime/logger.ts";
import { ExternalSecretsByStore } from "../by-store-index.ts";
import { ReadAheadReaders, type ReadAheadReadersOptions } from "../read-ahead-reader.ts";

/**
 * Readers whose informer holds `objects` (and whose by-store index is built from them). Defaults: nothing
 * queued, enqueue ignored, ExternalSecrets parsed as the controller does, no cached target Secret, every
 * ExternalSecret on the same client, coalescing window 0, read-ahead on, a fixed clock.
 */
export function readersOver(objects: readonly KubeObject[], overrides: Partial<ReadAheadReadersOptions> = {}): ReadAheadReaders {
  const byKey = new Map(objects.map((o) => [`${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`, o]));
  const byStore = new ExternalSecretsByStore();
  for (const o of objects) byStore.add(o);
  return new ReadAheadReaders({
    externalSecrets: { get: (namespace: string | undefined, name: string) => byKey.get(`${namespace ?? ""}/${name}`) } as unknown as Informer<KubeObject>,
    byStore,
    queue: () => ({ *pending() {}, retryState: () => undefined }),
    enqueue: () => {},
    parse: (raw) => {
      const parsed = parseExternalSecret(raw);
      return parsed.ok ? parsed.value : undefined;
    },
    withLastSync: (es) => es,
    cachedSecret: async () => undefined,
    sameClient: async () => true,
    coalescing: { windowMs: 0, maxBatch: 20 },
    readAhead: true,
    now: () => 1_700_000_000_000,
    logger: silentLogger,
    ...overrides,
  });
}
