import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mustParse, parsePushSecret } from "../apis/parse.ts";
import { validateObject } from "../cli/validate-command.ts";
import { unsupportedPushSecretFields } from "./unsupported.ts";

const base = {
  apiVersion: "external-secrets.io/v1alpha1",
  kind: "PushSecret",
  metadata: { name: "p", namespace: "n" },
  spec: { secretStoreRefs: [{ name: "aws" }], selector: { secret: { name: "s" } }, data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "r" } } }] },
};
const withSpec = (spec: Record<string, unknown>) => ({ ...base, spec: { ...base.spec, ...spec } });

describe("unsupportedPushSecretFields: refused loudly, never ignored", () => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ["a plain PushSecret", {}, []],
    ["a generator source (src/generators)", { selector: { generatorRef: { kind: "Password", name: "x" } } }, []],
    ["a generator kind Ferry does not run", { selector: { generatorRef: { kind: "VaultDynamicSecret", name: "x" } } }, ["spec.selector.generatorRef"]],
    ["source Secrets by label (served since ESO's selector.secret.selector)", { selector: { secret: { selector: { matchLabels: { a: "b" } } } } }, []],
    ["a template (ESO's engine renders it)", { template: { data: { k: "{{ .k }}" } } }, []],
    ["templateFrom.literal (rendered by ESO's engine)", { template: { templateFrom: [{ literal: "x" }] } }, []],
    ["templateFrom from a ConfigMap or Secret (read from the namespace)", { template: { templateFrom: [{ configMap: { name: "c", items: [{ key: "k" }] } }, { secret: { name: "s", items: [{ key: "k" }] } }] } }, []],
    ["templateFrom with a target ESO does not render", { template: { templateFrom: [{ literal: "x", target: "Manifest" }] } }, ["spec.template.templateFrom[0].target"]],
    ["dataTo without a store", { dataTo: [{}] }, ["spec.dataTo[0].storeRef"]],
    ["dataTo rewrite.transform (ESO's engine renames the keys)", { dataTo: [{ storeRef: { name: "aws" }, rewrite: [{ transform: { template: "x" } }] }] }, []],
    ["nothing to push", { data: [] }, ["spec.data"]],
  ];
  for (const [name, spec, paths] of cases) {
    test(name, () => assert.deepEqual(unsupportedPushSecretFields(mustParse(parsePushSecret(withSpec(spec))).spec).map((u) => u.path), paths));
  }
});

describe("ferry validate on the push kinds", () => {
  test("a valid PushSecret passes", () => assert.deepEqual(validateObject("f:0", base), { location: "f:0 PushSecret/p", errors: [], warnings: [] }));
  test("v1 is not a PushSecret version", () => assert.match(validateObject("f:0", { ...base, apiVersion: "external-secrets.io/v1" }).errors.join(), /supported values: "external-secrets.io\/v1alpha1"/));
  test("an unsupported field is an error with its path", () => assert.match(validateObject("f:0", withSpec({ selector: { generatorRef: { kind: "Fake", name: "x" } } })).errors.join(), /^spec\.selector\.generatorRef: generatorRef kind Fake is not supported by Ferry/));
  test("a ClusterPushSecret's template spec is checked under spec.pushSecretSpec", () => {
    const cps = { apiVersion: "external-secrets.io/v1alpha1", kind: "ClusterPushSecret", metadata: { name: "c" }, spec: { namespaceSelectors: [{}], pushSecretSpec: { ...base.spec, selector: { generatorRef: { kind: "Fake", name: "x" } } } } };
    assert.match(validateObject("f:0", cps).errors.join(), /^spec\.pushSecretSpec\.selector\.generatorRef:/);
  });
  test("a store reference needs a name or a selector", () => assert.match(validateObject("f:0", withSpec({ secretStoreRefs: [{ kind: "SecretStore" }] })).errors.join(), /needs a name or a labelSelector/));
});
