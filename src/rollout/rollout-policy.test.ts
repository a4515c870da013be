import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { MAX_RELOAD_ENTRIES, optedIn, rolloutPolicyOf, rolloutTriggeredBy } from "./rollout-policy.ts";

type A = Record<string, string>;
const consumed = ["db", "api"].sort();

describe("rolloutTriggeredBy(rolloutPolicyOf(...))", () => {
  const cases: Array<{ name: string; workload?: A; template?: A; secret: string; secretAnnotations?: A; want: boolean }> = [
    { name: "no annotations: never", secret: "db", want: false },
    { name: "ferry true: a consumed Secret", workload: { "ferry.dev/rollout-on-change": "true" }, secret: "db", want: true },
    { name: "ferry true: a Secret not consumed", workload: { "ferry.dev/rollout-on-change": "true" }, secret: "other", want: false },
    { name: "ferry false: off", workload: { "ferry.dev/rollout-on-change": "false" }, secret: "db", want: false },
    { name: "ferry empty: off", workload: { "ferry.dev/rollout-on-change": " " }, secret: "db", want: false },
    { name: "ferry list: a listed Secret, consumed or not", workload: { "ferry.dev/rollout-on-change": "other, db" }, secret: "other", want: true },
    { name: "ferry list: an unlisted consumed Secret", workload: { "ferry.dev/rollout-on-change": "other" }, secret: "db", want: false },
    { name: "ferry list: names are exact, not patterns", workload: { "ferry.dev/rollout-on-change": "d.*" }, secret: "db", want: false },
    { name: "ferry decides alone over Reloader keys", workload: { "ferry.dev/rollout-on-change": "false", "reloader.stakater.com/auto": "true" }, secret: "db", want: false },
    { name: "ferry key on the pod template is not read", template: { "ferry.dev/rollout-on-change": "true" }, secret: "db", want: false },
    { name: "reloader auto", workload: { "reloader.stakater.com/auto": "true" }, secret: "db", want: true },
    { name: "reloader auto: not consumed", workload: { "reloader.stakater.com/auto": "true" }, secret: "other", want: false },
    { name: "reloader auto false", workload: { "reloader.stakater.com/auto": "false" }, secret: "db", want: false },
    { name: "reloader secret auto", workload: { "secret.reloader.stakater.com/auto": "true" }, secret: "api", want: true },
    { name: "reloader configmap auto does not roll on Secrets", workload: { "configmap.reloader.stakater.com/auto": "true" }, secret: "db", want: false },
    { name: "reloader auto on the pod template", template: { "reloader.stakater.com/auto": "true" }, secret: "db", want: true },
    { name: "workload keys win over the template's", workload: { "reloader.stakater.com/auto": "false" }, template: { "reloader.stakater.com/auto": "true" }, secret: "db", want: false },
    { name: "reloader reload: exact name, not consumed", workload: { "secret.reloader.stakater.com/reload": "other" }, secret: "other", want: true },
    { name: "reloader reload: an anchored regexp", workload: { "secret.reloader.stakater.com/reload": "team-.*,x" }, secret: "team-db", want: true },
    { name: "reloader reload: anchored, no partial match", workload: { "secret.reloader.stakater.com/reload": "team" }, secret: "team-db", want: false },
    { name: "reloader reload: an invalid regexp is a plain name", workload: { "secret.reloader.stakater.com/reload": "a(b" }, secret: "a(b", want: true },
    { name: "reloader reload does not roll on other consumed Secrets", workload: { "secret.reloader.stakater.com/reload": "other" }, secret: "db", want: false },
    { name: "reloader reload or auto: either", workload: { "secret.reloader.stakater.com/reload": "other", "reloader.stakater.com/auto": "true" }, secret: "db", want: true },
    { name: "reloader search + match", workload: { "reloader.stakater.com/search": "true" }, secret: "db", secretAnnotations: { "reloader.stakater.com/match": "true" }, want: true },
    { name: "reloader search without match", workload: { "reloader.stakater.com/search": "true" }, secret: "db", want: false },
    { name: "reloader search + match, not consumed", workload: { "reloader.stakater.com/search": "true" }, secret: "other", secretAnnotations: { "reloader.stakater.com/match": "true" }, want: false },
    { name: "reloader ignore on the Secret", workload: { "reloader.stakater.com/auto": "true" }, secret: "db", secretAnnotations: { "reloader.stakater.com/ignore": "true" }, want: false },
    { name: "ignore applies to Ferry's key too", workload: { "ferry.dev/rollout-on-change": "true" }, secret: "db", secretAnnotations: { "reloader.stakater.com/ignore": "true" }, want: false },
    { name: "reloader exclude", workload: { "reloader.stakater.com/auto": "true", "secrets.exclude.reloader.stakater.com/reload": "api, db" }, secret: "db", want: false },
    { name: "reloader exclude beats reload", workload: { "secret.reloader.stakater.com/reload": "db", "secrets.exclude.reloader.stakater.com/reload": "db" }, secret: "db", want: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const policy = rolloutPolicyOf(c.workload, c.template);
      assert.equal(rolloutTriggeredBy(policy, { name: c.secret, annotations: c.secretAnnotations }, consumed), c.want);
    });
  }

  test("sources name the annotations that opted in", () => {
    assert.deepEqual(rolloutPolicyOf({ "reloader.stakater.com/search": "true", "secret.reloader.stakater.com/auto": "true" }, undefined).sources, ["reloader.stakater.com/search", "secret.reloader.stakater.com/auto"]);
    assert.equal(optedIn(rolloutPolicyOf({ unrelated: "x" }, { "reloader.stakater.com/auto": "false" })), false);
  });

  test(`a reload list reads at most ${MAX_RELOAD_ENTRIES} entries`, () => {
    const names = Array.from({ length: MAX_RELOAD_ENTRIES + 1 }, (_, i) => `s${i}`);
    const policy = rolloutPolicyOf({ "secret.reloader.stakater.com/reload": names.join(",") }, undefined);
    assert.equal(rolloutTriggeredBy(policy, { name: `s${MAX_RELOAD_ENTRIES - 1}` }, []), true);
    assert.equal(rolloutTriggeredBy(policy, { name: `s${MAX_RELOAD_ENTRIES}` }, []), false);
  });
});
