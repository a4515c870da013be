import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { checkNameTemplate, DEFAULT_NAME_TEMPLATE, remoteNameProblem, renderRemoteKey } from "./remote-name.ts";

describe("remote names", () => {
  test("templates render the coordinates", () => {
    const c = { namespace: "team-a", name: "db", cluster: "prod-eu" };
    assert.equal(renderRemoteKey(DEFAULT_NAME_TEMPLATE, c), "ferry/team-a/db");
    assert.equal(renderRemoteKey("{cluster}/{namespace}.{name}", c), "prod-eu/team-a.db");
  });

  test("templates must keep namespaces apart and use known placeholders", () => {
    const cases: Array<[string, string, RegExp | undefined]> = [
      [DEFAULT_NAME_TEMPLATE, "", undefined],
      ["{cluster}/{namespace}/{name}", "prod", undefined],
      ["{cluster}/{namespace}/{name}", "", /needs a cluster name/],
      ["shared/{name}", "", /must contain \{namespace\} and \{name\}/],
      ["{namespace}/{name}/{uid}", "", /unknown placeholder \{uid\}/],
      ["{namespace} {name}", "", /only letters/],
    ];
    for (const [template, cluster, error] of cases) {
      if (error) assert.throws(() => checkNameTemplate(template, cluster), error, template);
      else assert.doesNotThrow(() => checkNameTemplate(template, cluster), template);
    }
  });

  test("rendered names are checked against Secrets Manager's rules", () => {
    assert.equal(remoteNameProblem("prod/ferry/a/b"), undefined);
    assert.match(remoteNameProblem(`p/${"x".repeat(600)}`) ?? "", /over 512/);
    assert.match(remoteNameProblem("with space") ?? "", /characters/);
  });
});
