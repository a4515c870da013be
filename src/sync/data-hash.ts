import { createHash } from "node:crypto";

/**
 * The `reconcile.external-secrets.io/data-hash` annotation: a digest of a Secret's data, so a Secret edited
 * by hand (or by another tool) is detected without Ferry keeping any value in memory. The digest is of the
 * whole data map (base64 as stored), keys sorted.
 */
export function dataHash(data: Readonly<Record<string, string>> | undefined): string {
  const h = createHash("sha3-224");
  for (const key of Object.keys(data ?? {}).sort()) {
    h.update(key).update("\0").update(data![key]!).update("\0");
  }
  return h.digest("hex");
}
