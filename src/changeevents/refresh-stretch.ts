/**
 * `--change-events-stretch-refresh`: while change events are flowing, a periodic refresh is only the safety
 * net for a lost event, so it may run less often. The refresh interval of an ExternalSecret that change events
 * cover is multiplied by `factor` while every queue answered its last call; otherwise (off, a queue down, an
 * ExternalSecret the index does not hold) it is the spec's. The price, documented: an event AWS never
 * delivers is then picked up after up to `factor` × refreshInterval instead of refreshInterval.
 */
export function stretchedRefreshIntervalMs(specMs: number, o: { factor: number; queuesUp: boolean; covered: boolean }): number {
  if (!(o.factor > 1) || !o.queuesUp || !o.covered || specMs <= 0) return specMs;
  return specMs * o.factor;
}
