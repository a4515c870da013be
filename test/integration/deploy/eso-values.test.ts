// An ESO user's values.yaml on Ferry's chart, with `helm template`: every top-level key of ESO's chart has a
// row in tools/helm/eso-values.ts, and each row's case renders with the mapped effect, or fails the install
// naming the value and the reason. ESO's chart values come from the ESO module the oracle pins.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { chartDir, helm } from "../../../tools/helm/helm.ts";
import { ESO_VALUES, type RenderedObject } from "../../../tools/helm/eso-values.ts";
import { esoModuleDir, goAvailable } from "../../../tools/oracle/index.ts";

async function render(values: Record<string, unknown>): Promise<{ objects: RenderedObject[] } | { error: string }> {
  try {
    const out = await helm(["template", "r", chartDir, "--namespace", "ferry", ...Object.entries(values).flatMap(([k, v]) => ["--set-json", `${k.replaceAll(".", "\\.")}=${JSON.stringify(v)}`])]);
    return { objects: parseAllDocuments(out).map((d) => d.toJS() as RenderedObject | null).filter((o): o is RenderedObject => !!o?.kind) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

describe("ESO's Helm values on Ferry's chart", () => {
  const skip = goAvailable().then((ok) => (ok ? false : "no Go toolchain on PATH"));
  let esoKeys: string[] = [];
  before(async () => {
    if (await skip) return;
    const values = parse(readFileSync(join(await esoModuleDir(), "deploy", "charts", "external-secrets", "values.yaml"), "utf8")) as Record<string, unknown>;
    esoKeys = Object.keys(values);
  }, { timeout: 10 * 60_000 });

  test("every top-level key of ESO's values.yaml has a row, and every row is an ESO key", async (t) => {
    if (await skip) return t.skip("no Go toolchain");
    assert.deepEqual(esoKeys.filter((k) => !ESO_VALUES.some((v) => v.key === k)), [], "ESO keys without a row");
    assert.deepEqual(ESO_VALUES.map((v) => v.key).filter((k) => !esoKeys.includes(k)), [], "rows ESO does not have");
  });

  for (const row of ESO_VALUES.filter((r) => r.values)) {
    test(`${row.key}: ${row.status}${row.refusal ? ", refused with the reason" : ""}`, async () => {
      const out = await render(row.values!);
      if (row.refusal) {
        assert.ok("error" in out, "the install must fail");
        assert.match(out.error, /These ESO values cannot be honoured by Ferry/);
        assert.match(out.error, row.refusal);
        return;
      }
      assert.ok("objects" in out, "error" in out ? out.error : "");
      row.expect?.(out.objects);
    });
  }

  test("a whole ESO values.yaml (IRSA, scoped, HA, monitored) installs with the same meaning", async () => {
    const out = await render({
      replicaCount: 2, leaderElect: true, concurrent: 4, scopedNamespace: "team-a", installCRDs: true,
      log: { level: "warn", timeEncoding: "epoch" },
      extraArgs: { "store-requeue-interval": "10m" },
      serviceAccount: { create: true, name: "external-secrets", annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/eso" } },
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      serviceMonitor: { enabled: true, renderMode: "alwaysRender", interval: "30s" },
      resources: { requests: { cpu: "10m", memory: "32Mi" } }, nodeSelector: { pool: "system" }, priorityClassName: "high",
      webhook: { create: true, replicaCount: 1 }, certController: { create: true },
    });
    assert.ok("objects" in out, "error" in out ? out.error : "");
    const deployment = out.objects.find((o) => o.kind === "Deployment" && o.metadata.name.endsWith("-controller"))!;
    const spec = deployment.spec as { replicas: number; template: { spec: { containers: Array<{ args: string[] }>; serviceAccountName: string } } };
    assert.equal(spec.replicas, 2);
    assert.equal(spec.template.spec.serviceAccountName, "external-secrets");
    const args = spec.template.spec.containers[0]!.args;
    for (const arg of ["--concurrency=4", "--namespace=team-a", "--leader-elect", "--log-level=warn", "--store-requeue-interval=10m", "--log-time-format=epoch"]) assert.ok(args.includes(arg), `${arg} in ${args.join(" ")}`);
    assert.ok(out.objects.some((o) => o.kind === "ServiceMonitor"));
    assert.ok(!out.objects.some((o) => o.kind === "MutatingWebhookConfiguration"), "ESO's webhook values do not turn on write-through");
  });

  test("ESO's validating-webhook values with Ferry's write-through webhook on are refused", async () => {
    const out = await render({ webhook: { enabled: true, create: true, networkPolicy: { enabled: false }, clientAuth: { mode: "none" } } });
    assert.ok("error" in out);
    assert.match(out.error, /webhook\.create .*ESO's validating-webhook values/);
  });
});
