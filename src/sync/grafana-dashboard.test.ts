// deploy/grafana/ferry-dashboard.json queries only metrics Ferry exports: every PromQL expression (panel
// targets and template variables) names at least one metric, and every metric it names is registered by
// SyncMetrics (histograms as _bucket, _sum and _count).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Registry } from "prom-client";
import { SyncMetrics } from "./sync-metrics.ts";

const DASHBOARD = new URL("../../deploy/grafana/ferry-dashboard.json", import.meta.url);

const KEYWORDS = new Set(["and", "or", "unless", "offset", "bool", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"]);

/** The metric names a PromQL expression selects (functions, keywords, labels, numbers and variables left out). */
function metricNames(expr: string): string[] {
  const labelValues = /^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,/.exec(expr);
  if (labelValues) return [labelValues[1]!];
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\$\{?\w+\}?/g, " ")
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, " ");
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const token = m[0];
    const rest = stripped.slice(m.index + token.length);
    if (KEYWORDS.has(token.toLowerCase()) || /^\s*\(/.test(rest)) continue; // a keyword, function or aggregation
    names.add(token);
  }
  return [...names];
}

interface Query {
  where: string;
  expr: string;
}

function queries(dashboard: { panels?: unknown[]; templating?: { list?: unknown[] } }): Query[] {
  const out: Query[] = [];
  const walk = (panels: unknown[] | undefined) => {
    for (const p of (panels ?? []) as Array<{ title?: string; targets?: Array<{ expr?: string }>; panels?: unknown[] }>) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ where: `panel "${p.title}"`, expr: t.expr });
      walk(p.panels);
    }
  };
  walk(dashboard.panels);
  for (const v of (dashboard.templating?.list ?? []) as Array<{ name: string; type: string; query?: string | { query?: string } }>) {
    if (v.type !== "query") continue;
    const q = typeof v.query === "string" ? v.query : v.query?.query;
    if (q) out.push({ where: `variable $${v.name}`, expr: q });
  }
  return out;
}

async function exported(): Promise<Set<string>> {
  const registry = new Registry();
  new SyncMetrics(registry);
  const names = new Set<string>();
  for (const m of await registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(m.name + suffix);
  }
  return names;
}

describe("metricNames (the PromQL extractor)", () => {
  const cases: Array<[string, string[]]> = [
    ['sum by (namespace) (rate(externalsecret_sync_calls_total{namespace=~"$namespace"}[$__rate_interval]))', ["externalsecret_sync_calls_total"]],
    ["histogram_quantile(0.99, sum by (name, le) (rate(workqueue_queue_duration_seconds_bucket[5m])))", ["workqueue_queue_duration_seconds_bucket"]],
    ["sum(rate(a_total[1m])) / clamp_min(sum(rate(b_total[1m])), 1e-9)", ["a_total", "b_total"]],
    ["topk(10, max by (namespace, name) (externalsecret_reconcile_duration) / 1e9)", ["externalsecret_reconcile_duration"]],
    ['x{condition="Ready",status="False"} == 1 and on (name) y', ["x", "y"]],
    ["label_values(externalsecret_sync_calls_total, namespace)", ["externalsecret_sync_calls_total"]],
  ];
  for (const [expr, want] of cases) test(expr, () => assert.deepEqual(metricNames(expr), want));
});

describe("deploy/grafana/ferry-dashboard.json", () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as Parameters<typeof queries>[0];
  const all = queries(dashboard);

  test("has queries", () => assert.ok(all.length >= 10, `${all.length} queries`));

  for (const q of all) {
    test(`${q.where}: ${q.expr}`, async () => {
      const names = metricNames(q.expr);
      assert.ok(names.length > 0, "names at least one metric");
      const known = await exported();
      for (const name of names) assert.ok(known.has(name), `${name} is not a metric Ferry exports`);
    });
  }
});
