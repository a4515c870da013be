import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";

export interface ProbeResponse {
  status: number;
  body: string;
}

/** One HTTP(S) request with an optional client certificate: the harness's readiness probes. */
export function probe(
  url: string,
  options: { method?: string; body?: string; headers?: Record<string, string>; tls?: Pick<RequestOptions, "ca" | "cert" | "key"> } = {},
): Promise<ProbeResponse> {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      { method: options.method ?? "GET", headers: options.headers, timeout: 5_000, ...options.tls },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on("error", reject);
    req.end(options.body);
  });
}
