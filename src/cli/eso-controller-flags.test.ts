// ESO's controller arguments on `ferry controller`: what ESO's chart renders and what users put in
// extraArgs become Ferry's flags, and what Ferry cannot honour is refused with the reason.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { renderEsoFlagTable, translateEsoControllerArgs } from "./eso-controller-flags.ts";

describe("translateEsoControllerArgs", () => {
  const cases: Array<{ name: string; argv: string[]; args: string[]; errors?: RegExp[] }> = [
    {
      // deploy/charts/external-secrets/templates/deployment.yaml with default values and leaderElect: true.
      name: "ESO chart defaults",
      argv: ["--enable-leader-election=true", "--concurrent=1", "--metrics-addr=:8080", "--loglevel=info", "--zap-time-encoding=epoch", "--live-addr=:8082"],
      args: ["--leader-elect", "--concurrency=1", "--metrics-addr=:8080", "--log-level=info", "--log-time-format=epoch", "--health-addr=:8082"],
    },
    { name: "scopedNamespace", argv: ["--namespace=team-a"], args: ["--namespace=team-a"] },
    // ESO's extraArgs map renders `--key=value`, or `--key` alone for an empty value.
    { name: "extraArgs: key=value", argv: ["--store-requeue-interval=1m", "--enable-flood-gate=true"], args: ["--store-requeue-interval=1m"] },
    { name: "extraArgs: bare boolean", argv: ["--enable-leader-election"], args: ["--leader-elect"] },
    { name: "separate value", argv: ["--concurrent", "4", "--loglevel", "debug"], args: ["--concurrency=4", "--log-level=debug"] },
    { name: "leader election off", argv: ["--enable-leader-election=false"], args: [] },
    { name: "zap levels beyond error", argv: ["--loglevel=fatal"], args: ["--log-level=error"] },
    { name: "Ferry's own flags pass through", argv: ["--concurrency=8", "--health-addr=:9000", "--kubeconfig", "k"], args: ["--concurrency=8", "--health-addr=:9000", "--kubeconfig", "k"] },
    { name: "kinds Ferry does not serve", argv: ["--enable-generator-state=false", "--experimental-enable-aws-session-cache=true"], args: [] },
    { name: "kinds Ferry always serves", argv: ["--enable-push-secret-reconciler=true"], args: [] },
    { name: "turning off a kind Ferry always serves is refused", argv: ["--enable-push-secret-reconciler=false"], args: [], errors: [/--enable-push-secret-reconciler=false .*always serves PushSecrets/] },
    { name: "values Ferry already has", argv: ["--enable-managed-secrets-caching=true", "--enable-secrets-caching=false", "--controller-class=default", "--metrics-secure=false"], args: [] },
    {
      name: "values Ferry cannot honour are refused, all of them",
      argv: ["--client-qps=100", "--enable-flood-gate=false", "--controller-class=shard-a", "--enable-secrets-caching", "--metrics-secure=true"],
      args: [],
      errors: [/--client-qps=100 \(ESO flag\) cannot be honoured: .*client-side rate limit/, /--enable-flood-gate=false .*cannot be turned off/, /--controller-class=shard-a .*controller class/, /--enable-secrets-caching=true .*ESO #2837/, /--metrics-secure=true .*HTTP only/],
    },
    { name: "malformed values", argv: ["--concurrent=many", "--store-requeue-interval=5 minutes", "--enable-leader-election=yes"], args: [], errors: [/--concurrent .*invalid integer/, /--store-requeue-interval .*invalid duration/, /--enable-leader-election .*invalid boolean "yes"/] },
    { name: "a value is missing", argv: ["--loglevel"], args: [], errors: [/--loglevel \(ESO flag\): needs a value/] },
    { name: "unknown zap encoding", argv: ["--zap-time-encoding=unix"], args: [], errors: [/must be one of epoch, millis/] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const out = translateEsoControllerArgs(c.argv);
      assert.deepEqual(out.args, c.args);
      assert.equal(out.errors.length, c.errors?.length ?? 0, out.errors.join("\n"));
      (c.errors ?? []).forEach((e, i) => assert.match(out.errors[i]!, e));
    });
  }

  test("the docs table lists every flag", () => {
    const table = renderEsoFlagTable();
    for (const flag of ["--concurrent", "--enable-leader-election", "--loglevel", "--metrics-addr", "--store-requeue-interval", "--enable-flood-gate"]) {
      assert.match(table, new RegExp(`\`${flag}\``));
    }
  });
});
