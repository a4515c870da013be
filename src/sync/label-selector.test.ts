import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { labelSelectorQuery, matchesLabelSelector, type LabelSelector } from "./label-selector.ts";

describe("labelSelectorQuery (metav1.FormatLabelSelector)", () => {
  const cases: Array<[string, LabelSelector, string]> = [
    ["empty: everything", {}, ""],
    ["matchLabels", { matchLabels: { app: "db", tier: "x" } }, "app=db,tier=x"],
    ["In, values sorted", { matchExpressions: [{ key: "env", operator: "In", values: ["prod", "dev"] }] }, "env in (dev,prod)"],
    ["NotIn", { matchExpressions: [{ key: "env", operator: "NotIn", values: ["qa"] }] }, "env notin (qa)"],
    ["Exists and DoesNotExist", { matchExpressions: [{ key: "a", operator: "Exists" }, { key: "b", operator: "DoesNotExist" }] }, "a,!b"],
  ];
  for (const [name, selector, query] of cases) test(name, () => assert.equal(labelSelectorQuery(selector), query));
  test("an unknown operator is refused, never widened to everything", () => assert.throws(() => labelSelectorQuery({ matchExpressions: [{ key: "a", operator: "Near" }] }), /"Near" is not a valid label selector operator/));
  test("agrees with matchesLabelSelector on what it selects", () => {
    const selector: LabelSelector = { matchLabels: { push: "yes" }, matchExpressions: [{ key: "env", operator: "In", values: ["prod"] }] };
    assert.equal(matchesLabelSelector(selector, { push: "yes", env: "prod" }), true);
    assert.equal(matchesLabelSelector(selector, { push: "yes" }), false);
  });
});
