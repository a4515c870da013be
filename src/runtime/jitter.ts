/**
 * Spreads a delay upwards by up to `fraction` of itself: `ms + random() * fraction * ms`, as client-go's
 * wait.Jitter. Upwards only, so a refresh interval stays a minimum and never costs extra provider calls.
 * Without it every object created by one `kubectl apply` (or relisted after a restart) refreshes in the same
 * instant, forever: the thundering herd ESO #4231 asked to spread (ESO has no jitter).
 */
export function jitter(ms: number, fraction: number, random: () => number = Math.random): number {
  if (!(fraction > 0) || !(ms > 0)) return ms;
  return ms + random() * fraction * ms;
}
