// Kubernetes API requests the apiserver served, by verb and resource, from its own apiserver_request_total
// counter: how many requests a phase cost (the controller's and the bench's together; the bench's own
// creates are the same for every controller), read from outside the controller like the AWS calls.
import { request } from "node:https";
import { readFileSync } from "node:fs";

export interface ApiserverAccess {
  url: string;
  caCert: string;
  clientCert: string;
  clientKey: string;
}

/** "VERB resource[/subresource]" → requests, summed over codes, scopes and API versions. */
export type RequestCounts = Record<string, number>;

/** Lines of `metric{...}` in the Prometheus text format, summed by verb and resource (watches left out). */
function sumByRequest(text: string, metric: string): RequestCounts {
  const out: RequestCounts = {};
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${metric}{`)) continue;
    const close = line.lastIndexOf("}");
    const labels: Record<string, string | undefined> = {};
    for (const m of line.slice(line.indexOf("{") + 1, close).matchAll(/(\w+)="([^"]*)"/g)) labels[m[1]!] = m[2];
    const value = Number(line.slice(close + 1).trim());
    if (!Number.isFinite(value) || labels.verb === "WATCH") continue;
    const key = `${labels.verb} ${labels.resource ?? ""}${labels.subresource ? `/${labels.subresource}` : ""}`;
    out[key] = (out[key] ?? 0) + value;
  }
  return out;
}

/** apiserver_request_total lines of the Prometheus text format, summed by verb and resource (watches left out). */
export function parseRequestTotals(text: string): RequestCounts {
  return sumByRequest(text, "apiserver_request_total");
}

/**
 * Requests and seconds spent serving them, by verb and resource, from the apiserver's
 * apiserver_request_duration_seconds histogram (its _count and _sum): with a phase's delta, the mean time
 * the apiserver took per request — the write latency a controller waits for.
 */
export interface RequestDurations {
  count: RequestCounts;
  seconds: RequestCounts;
}

export function parseRequestDurations(text: string): RequestDurations {
  return { count: sumByRequest(text, "apiserver_request_duration_seconds_count"), seconds: sumByRequest(text, "apiserver_request_duration_seconds_sum") };
}

/** Mean milliseconds per request between two readings, for requests made in between; largest count first. */
export function meanDurationDelta(before: RequestDurations, after: RequestDurations): Record<string, { requests: number; meanMs: number }> {
  return Object.fromEntries(
    Object.entries(requestDelta(before.count, after.count)).map(([key, requests]) => {
      const seconds = (after.seconds[key] ?? 0) - (before.seconds[key] ?? 0);
      return [key, { requests, meanMs: Math.round((seconds / requests) * 1000) }];
    }),
  );
}

/** after − before, keys with no new requests left out, largest first. */
export function requestDelta(before: RequestCounts, after: RequestCounts): RequestCounts {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, n]) => [key, n - (before[key] ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]),
  );
}

export async function readRequestTotals(access: ApiserverAccess): Promise<RequestCounts> {
  return parseRequestTotals(await readMetrics(access));
}

export async function readRequestDurations(access: ApiserverAccess): Promise<RequestDurations> {
  return parseRequestDurations(await readMetrics(access));
}

function readMetrics(access: ApiserverAccess): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${access.url}/metrics`, {
      ca: readFileSync(access.caCert),
      cert: readFileSync(access.clientCert),
      key: readFileSync(access.clientKey),
      timeout: 30_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString("utf8")) : reject(new Error(`apiserver /metrics: HTTP ${res.statusCode}`))));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("apiserver /metrics: timeout")));
    req.on("error", reject);
    req.end();
  });
}
