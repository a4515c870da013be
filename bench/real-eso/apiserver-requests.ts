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

/** apiserver_request_total lines of the Prometheus text format, summed by verb and resource (watches left out). */
export function parseRequestTotals(text: string): RequestCounts {
  const out: RequestCounts = {};
  for (const line of text.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
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

/** after − before, keys with no new requests left out, largest first. */
export function requestDelta(before: RequestCounts, after: RequestCounts): RequestCounts {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, n]) => [key, n - (before[key] ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]),
  );
}

export function readRequestTotals(access: ApiserverAccess): Promise<RequestCounts> {
  return new Promise((resolve, reject) => {
    const req = request(`${access.url}/metrics`, {
      ca: readFileSync(access.caCert),
      cert: readFileSync(access.clientCert),
      key: readFileSync(access.clientKey),
      timeout: 30_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => (res.statusCode === 200 ? resolve(parseRequestTotals(Buffer.concat(chunks).toString("utf8"))) : reject(new Error(`apiserver /metrics: HTTP ${res.statusCode}`))));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("apiserver /metrics: timeout")));
    req.on("error", reject);
    req.end();
  });
}
