/** One queue Ferry reads change events from, and the region its SQS calls go to. */
export interface QueueConfig {
  url: string;
  region: string;
}

/** sqs.<region>.amazonaws.com[.cn] (and the legacy <region>.queue.amazonaws.com) name their region. */
const REGION_IN_HOST = /^(?:sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?)$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * `--change-events-queue` values: a queue URL, whose region is in its host, or `<region>=<url>` for a URL
 * that does not name one (a VPC endpoint, an emulator). Throws a message naming what is wrong.
 */
export function parseQueueFlag(value: string): QueueConfig {
  const eq = value.indexOf("=");
  const explicit = eq > 0 && !value.slice(0, eq).includes("/") ? value.slice(0, eq) : undefined;
  const raw = explicit !== undefined ? value.slice(eq + 1) : value;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${JSON.stringify(value)} is not a queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>, or <region>=<url>)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`${JSON.stringify(value)}: a queue URL is http(s)`);
  if (url.pathname.split("/").filter(Boolean).length !== 2) throw new Error(`${JSON.stringify(value)}: a queue URL's path is /<account>/<queue name>`);
  if (explicit !== undefined) {
    if (!REGION.test(explicit)) throw new Error(`${JSON.stringify(value)}: ${JSON.stringify(explicit)} is not an AWS region`);
    return { url: raw, region: explicit };
  }
  const m = REGION_IN_HOST.exec(url.hostname);
  const region = m?.[1] ?? m?.[2];
  if (!region) throw new Error(`${JSON.stringify(value)}: the host names no region; write <region>=<url>`);
  return { url: raw, region };
}
