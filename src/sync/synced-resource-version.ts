import { createHash } from "node:crypto";

/**
 * ESO's `status.syncedResourceVersion`: `<metadata.generation>-<hash of labels and annotations>`. Because
 * annotations are part of it, setting `external-secrets.io/force-sync=<timestamp>` forces a refresh, and a
 * spec change (new generation) does too. The hash only has to be stable within Ferry; keys are sorted so
 * map ordering never causes a spurious refresh.
 */
export function syncedResourceVersion(metadata: {
  generation?: number | undefined;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
}): string {
  const sorted = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash("sha3-224").update(JSON.stringify([sorted(metadata.labels), sorted(metadata.annotations)])).digest("hex");
  return `${metadata.generation ?? 0}-${hash}`;
}
