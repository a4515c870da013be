import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ClusterExternalSecretSpec } from "../../apis/cluster-external-secret.ts";
import { namespacesToProvision, selectsNamespace, type NamespaceView } from "./namespaces-to-provision.ts";

const ns = (name: string, labels: Record<string, string> = {}, terminating = false): NamespaceView => ({ name, labels: { "kubernetes.io/metadata.name": name, ...labels }, terminating });
const cluster = [ns("a", { team: "x" }), ns("b", { team: "y" }), ns("c"), ns("gone", { team: "x" }, true)];

describe("namespacesToProvision", () => {
  const cases: Array<{ name: string; spec: Pick<ClusterExternalSecretSpec, "namespaceSelector" | "namespaceSelectors" | "namespaces">; want: string[] }> = [
    { name: "nothing set selects nothing", spec: {}, want: [] },
    { name: "an empty selector selects every namespace", spec: { namespaceSelectors: [{}] }, want: ["a", "b", "c"] },
    { name: "selectors are ORed", spec: { namespaceSelectors: [{ matchLabels: { team: "x" } }, { matchLabels: { team: "y" } }] }, want: ["a", "b"] },
    { name: "matchExpressions", spec: { namespaceSelectors: [{ matchExpressions: [{ key: "team", operator: "NotIn", values: ["x"] }] }] }, want: ["b", "c"] },
    { name: "the deprecated namespaceSelector is a union with namespaceSelectors", spec: { namespaceSelector: { matchLabels: { team: "x" } }, namespaceSelectors: [{ matchLabels: { team: "y" } }] }, want: ["a", "b"] },
    { name: "names are a union with the selectors; a missing name is skipped", spec: { namespaces: ["c", "missing"], namespaceSelectors: [{ matchLabels: { team: "y" } }] }, want: ["b", "c"] },
    { name: "a terminating namespace gets nothing, even by name", spec: { namespaces: ["gone"] }, want: [] },
    { name: "sorted, without duplicates", spec: { namespaces: ["c", "a"], namespaceSelectors: [{ matchLabels: { team: "x" } }] }, want: ["a", "c"] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(namespacesToProvision(c.spec, cluster), c.want));
});

describe("selectsNamespace", () => {
  test("by label or by name, terminating or not (for enqueueing)", () => {
    assert.equal(selectsNamespace({ namespaceSelectors: [{ matchLabels: { team: "x" } }] }, ns("gone", { team: "x" }, true)), true);
    assert.equal(selectsNamespace({ namespaces: ["c"] }, ns("c")), true);
    assert.equal(selectsNamespace({ namespaces: ["c"] }, ns("a")), false);
  });
});
