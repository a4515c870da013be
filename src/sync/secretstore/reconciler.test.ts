import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SecretStoreReconciler, type StoreValidation, type StoreView } from "./reconciler.ts";
import type { Condition } from "../conditions.ts";
import { KubeApiError } from "../../runtime/kube/api-error.ts";
import { AccessDeniedError, InvalidStoreError, ProviderUnavailableError, ThrottledError } from "../../providers/provider.ts";

function world(validation: StoreValidation | Error) {
  const w = {
    store: { kind: "ClusterSecretStore", name: "shared" } as StoreView,
    writes: [] as Array<{ conditions: Condition[]; capabilities?: string | undefined }>,
    events: [] as string[],
    validation,
  };
  const reconciler = new SecretStoreReconciler({
    getStore: () => w.store,
    validate: async () => {
      if (w.validation instanceof Error) throw w.validation;
      return w.validation;
    },
    writeStatus: async (_s, status) => {
      w.writes.push(status);
      w.store = { ...w.store, status: { conditions: status.conditions, capabilities: status.capabilities } };
    },
    events: { event: (_t, type, reason, message) => w.events.push(`${type} ${reason}: ${message}`) },
    now: () => Date.parse("2026-11-22T12:00:00Z"),
    random: () => 0,
  });
  return { w, reconciler };
}

describe("SecretStoreReconciler", () => {
  const cases: Array<{ name: string; validation: StoreValidation | Error; status: string; reason: string; capabilities?: string; event: RegExp }> = [
    { name: "valid store", validation: { result: "Ready", capabilities: "ReadWrite" }, status: "True", reason: "Valid", capabilities: "ReadWrite", event: /^Normal Valid/ },
    // ESO: ValidationUnknown with its fixed message; the cause goes to a Warning Event.
    { name: "validation cannot be determined", validation: { result: "Unknown", capabilities: "ReadWrite", message: "STS did not answer" }, status: "True", reason: "ValidationUnknown", capabilities: "ReadWrite", event: /^Warning ValidationUnknown: STS did not answer/ },
    { name: "unsupported provider", validation: { result: "Error", reason: "InvalidProviderConfig", message: 'provider "vault" is not supported by Ferry' }, status: "False", reason: "InvalidProviderConfig", event: /^Warning InvalidProviderConfig: provider "vault"/ },
    { name: "credentials rejected", validation: { result: "Error", reason: "InvalidProviderConfig", message: "unable to validate store: AccessDenied" }, status: "False", reason: "InvalidProviderConfig", event: /^Warning InvalidProviderConfig: unable to validate store/ },
    // ESO v0.20 validateStore: a client that cannot be built (its credentials Secret does not exist) is
    // InvalidProviderConfig / "unable to create client"; credentials that do not resolve are
    // InvalidProviderConfig / "unable to validate store". ESO no longer sets ValidationFailed.
    { name: "credentials Secret does not exist", validation: new InvalidStoreError("SecretStore team-a/aws: secret team-a/missing: not found"), status: "False", reason: "InvalidProviderConfig", event: /^Warning InvalidProviderConfig: unable to create client: SecretStore team-a\/aws: secret team-a\/missing: not found/ },
    { name: "credentials denied", validation: new AccessDeniedError("assume role arn:aws:iam::1:role/x: AccessDenied"), status: "False", reason: "InvalidProviderConfig", event: /unable to validate store: assume role/ },
    { name: "an unclassified error", validation: new Error("something odd"), status: "False", reason: "InvalidProviderConfig", event: /unable to validate store: something odd/ },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const { w, reconciler } = world(c.validation);
      const out = await reconciler.reconcile("ClusterSecretStore", { name: "shared" });
      const ready = w.writes[0]?.conditions.find((x) => x.type === "Ready");
      assert.equal(ready?.status, c.status);
      assert.equal(ready?.reason, c.reason);
      assert.equal(w.writes[0]?.capabilities, c.capabilities);
      assert.match(w.events[0]!, c.event);
      assert.equal(out.requeueAfterMs, 5 * 60_000);
    });
  }

  test("an unchanged result writes no status and emits no Event", async () => {
    const { w, reconciler } = world({ result: "Ready", capabilities: "ReadWrite" });
    await reconciler.reconcile("ClusterSecretStore", { name: "shared" });
    await reconciler.reconcile("ClusterSecretStore", { name: "shared" });
    assert.equal(w.writes.length, 1);
    assert.equal(w.events.length, 1);
  });

  const transient: Array<[string, Error]> = [
    ["throttled", new ThrottledError("AssumeRole: ThrottlingException: Rate exceeded")],
    ["AWS unavailable", new ProviderUnavailableError("AssumeRole: HTTP503: STS AssumeRole answered HTTP 503")],
    ["connection reset", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })],
    ["apiserver overloaded", new KubeApiError(503, "ServiceUnavailable", "GET /api/v1/namespaces/a/secrets/b: HTTP 503")],
  ];
  for (const [name, err] of transient) {
    test(`a transient failure (${name}) keeps the store Ready and is retried with backoff`, async () => {
      const { w, reconciler } = world({ result: "Ready", capabilities: "ReadWrite" });
      await reconciler.reconcile("ClusterSecretStore", { name: "shared" });
      w.validation = err;
      // Thrown: the controller requeues with its rate limiter (seconds), not the 5-minute interval.
      await assert.rejects(reconciler.reconcile("ClusterSecretStore", { name: "shared" }), err);
      assert.equal(w.writes.length, 1, "no Ready=False written for a blip");
      assert.equal(w.store.status?.conditions?.find((x) => x.type === "Ready")?.status, "True");
      w.validation = { result: "Ready", capabilities: "ReadWrite" };
      assert.equal((await reconciler.reconcile("ClusterSecretStore", { name: "shared" })).requeueAfterMs, 5 * 60_000);
    });
  }
});
