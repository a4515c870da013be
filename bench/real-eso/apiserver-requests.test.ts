import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { meanDurationDelta, parseRequestDurations, parseRequestTotals, requestDelta } from "./apiserver-requests.ts";

describe("apiserver request counts", () => {
  test("sums apiserver_request_total by verb and resource (subresource kept), watches left out", () => {
    const text = [
      "# HELP apiserver_request_total [STABLE] Counter of apiserver requests",
      'apiserver_request_total{code="201",component="apiserver",dry_run="",group="",resource="secrets",scope="resource",subresource="",verb="POST",version="v1"} 10',
      'apiserver_request_total{code="409",component="apiserver",dry_run="",group="",resource="secrets",scope="resource",subresource="",verb="POST",version="v1"} 2',
      'apiserver_request_total{code="200",component="apiserver",dry_run="",group="external-secrets.io",resource="externalsecrets",scope="resource",subresource="status",verb="PATCH",version="v1"} 5',
      'apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="secrets",scope="cluster",subresource="",verb="WATCH",version="v1"} 3',
    ].join("\n");
    assert.deepEqual(parseRequestTotals(text), { "POST secrets": 12, "PATCH externalsecrets/status": 5 });
  });

  test("the delta keeps what grew, largest first", () => {
    assert.deepEqual(requestDelta({ "POST secrets": 2, "GET secrets": 5 }, { "POST secrets": 12, "GET secrets": 5, "PATCH externalsecrets/status": 20 }), { "PATCH externalsecrets/status": 20, "POST secrets": 10 });
  });

  test("mean duration per request between two readings of the duration histogram", () => {
    const reading = (patches: number, seconds: number) => parseRequestDurations([
      `apiserver_request_duration_seconds_bucket{component="apiserver",dry_run="",group="external-secrets.io",resource="externalsecrets",scope="resource",subresource="status",verb="PATCH",version="v1",le="0.1"} ${patches}`,
      `apiserver_request_duration_seconds_sum{component="apiserver",dry_run="",group="external-secrets.io",resource="externalsecrets",scope="resource",subresource="status",verb="PATCH",version="v1"} ${seconds}`,
      `apiserver_request_duration_seconds_count{component="apiserver",dry_run="",group="external-secrets.io",resource="externalsecrets",scope="resource",subresource="status",verb="PATCH",version="v1"} ${patches}`,
      'apiserver_request_duration_seconds_sum{component="apiserver",dry_run="",group="",resource="secrets",scope="cluster",subresource="",verb="WATCH",version="v1"} 900',
      'apiserver_request_duration_seconds_count{component="apiserver",dry_run="",group="",resource="secrets",scope="cluster",subresource="",verb="WATCH",version="v1"} 3',
    ].join("\n"));
    assert.deepEqual(meanDurationDelta(reading(100, 10), reading(300, 50)), { "PATCH externalsecrets/status": { requests: 200, meanMs: 200 } });
  });
});
