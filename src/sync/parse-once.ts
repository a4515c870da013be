/**
 * A parse memoized by object identity: informer caches replace an object on every change and never mutate
 * it, so the object itself keys its parse, and the parse goes with it (WeakMap). Every reconcile, refresh
 * plan and read-ahead candidate looks at its ExternalSecret and its store; parsing them (zod) each time was
 * over a tenth of the controller's CPU in a cold sync of 1,000 ExternalSecrets (issue #16).
 */
export function parseOnce<T extends object, R>(parse: (raw: T) => R): (raw: T) => R {
  const parsed = new WeakMap<T, { result: R }>();
  return (raw) => {
    let entry = parsed.get(raw);
    if (!entry) {
      entry = { result: parse(raw) };
      parsed.set(raw, entry);
    }
    return entry.result;
  };
}
