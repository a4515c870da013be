import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cesStatusOf, readyCondition, sameStatus, statusPatch } from "./status.ts";

describe("ClusterExternalSecret status", () => {
  test("Ready as ESO: True without message, or False with ESO's message", () => {
    assert.deepEqual(readyCondition(new Map()), { type: "Ready", status: "True" });
    assert.deepEqual(readyCondition(new Map([["b", "boom"]])), { type: "Ready", status: "False", message: "one or more namespaces failed" });
  });

  test("sorted namespaces and failures; other conditions kept; Ready last", () => {
    const status = cesStatusOf(
      { conditions: [{ type: "Ready", status: "True" }, { type: "Other", status: "True" }] },
      { externalSecretName: "es", provisioned: ["c", "a"], failed: new Map([["z", "no"], ["b", "external secret already exists in namespace"]]) },
    );
    assert.deepEqual(status, {
      externalSecretName: "es",
      failedNamespaces: [
        { namespace: "b", reason: "external secret already exists in namespace" },
        { namespace: "z", reason: "no" },
      ],
      provisionedNamespaces: ["a", "c"],
      conditions: [{ type: "Other", status: "True" }, { type: "Ready", status: "False", message: "one or more namespaces failed" }],
    });
  });

  test("empty lists are absent, and the patch removes them", () => {
    const status = cesStatusOf(undefined, { externalSecretName: "es", provisioned: [], failed: new Map() });
    assert.equal(status.provisionedNamespaces, undefined);
    assert.equal(status.failedNamespaces, undefined);
    assert.deepEqual(statusPatch(status), { externalSecretName: "es", failedNamespaces: null, provisionedNamespaces: null, conditions: [{ type: "Ready", status: "True" }] });
  });

  test("sameStatus: no write when nothing changed", () => {
    const status = cesStatusOf(undefined, { externalSecretName: "es", provisioned: ["a"], failed: new Map() });
    assert.equal(sameStatus(structuredClone(status), status), true);
    assert.equal(sameStatus(undefined, status), false);
    assert.equal(sameStatus({ ...status, provisionedNamespaces: ["a", "b"] }, status), false);
  });
});
