/** Splits `items` into consecutive chunks of at most `size` (BatchGetSecretValue: 20 ids, GetParameters: 10 names). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Runs `fn` over `items` with at most `limit` in flight, results in input order. After the first
 * rejection no new item starts, and that rejection is returned.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Go's json.Marshal of a map[string]string, as ESO returns tags: keys sorted and `<`, `>`, `&`, U+2028,
 * U+2029 escaped, so the bytes (and the target Secret's data hash) match ESO's.
 */
export function tagsAsJson(tags: ReadonlyArray<{ Key?: string | undefined; Value?: string | undefined }>): Uint8Array {
  const entries = tags.filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ""] as const);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const json = JSON.stringify(Object.fromEntries(entries)).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return new TextEncoder().encode(json);
}
