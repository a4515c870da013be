// The chart's RBAC for rollout on Secret change: nothing on workloads by default; with
// controller.rolloutOnSecretChange.enabled, the controller's own ServiceAccount can watch and roll an opted-in
// Deployment (no call refused) and still cannot create, replace or delete workloads, nor touch pods.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { chartDir, helm } from "../../../tools/helm/helm.ts";
import { TestEnvironment, waitUntil } from "../../env/index.ts";
import { RolloutProbe, envFromSecret, startRollouts, workload, type RunningRollouts } from "./rollout-harness.ts";

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: k8s.V1PolicyRule[];
  spec?: { template?: { spec?: { containers?: Array<{ args?: string[] }> } } };
  [field: string]: unknown;
}

const env = TestEnvironment.load();
const admin = env.kubeConfig();
const objects = k8s.KubernetesObjectApi.makeApiClient(admin);

async function render(release: string, namespace: string, args: readonly string[]): Promise<Manifest[]> {
  const yaml = await helm(["template", release, chartDir, "--namespace", namespace, "--set", "webhook.enabled=false", ...args]);
  return parseAllDocuments(yaml).map((d) => d.toJS() as Manifest | null).filter((m): m is Manifest => !!m?.kind);
}

const appsRules = (all: readonly Manifest[], kind: string) => all.filter((m) => m.kind === kind).flatMap((m) => m.rules ?? []).filter((r) => r.apiGroups?.includes("apps"));
const controllerArgs = (all: readonly Manifest[]) => all.find((m) => m.kind === "Deployment" && m.metadata.name.endsWith("-controller"))!.spec!.template!.spec!.containers![0]!.args!;

describe("chart: rollout RBAC rendering", () => {
  test("off by default: no rule on workloads, no flag", async () => {
    const all = await render("ferry", "ferry-system", []);
    assert.deepEqual(appsRules(all, "ClusterRole"), []);
    assert.ok(!controllerArgs(all).some((a) => a.startsWith("--rollout")));
  });

  test("on: get, list, watch and patch of the three workload kinds, and the flags", async () => {
    const all = await render("ferry", "ferry-system", ["--set", "controller.rolloutOnSecretChange.enabled=true", "--set", "controller.rolloutOnSecretChange.debounce=30s"]);
    assert.deepEqual(appsRules(all, "ClusterRole").map((r) => ({ resources: r.resources, verbs: r.verbs })), [{ resources: ["deployments", "statefulsets", "daemonsets"], verbs: ["get", "list", "watch", "patch"] }]);
    assert.deepEqual(controllerArgs(all).filter((a) => a.startsWith("--rollout")), ["--rollout-on-secret-change", "--rollout-debounce=30s"]);
  });

  test("on with watchNamespace: the rule is in that namespace's Role only", async () => {
    const all = await render("ferry", "ferry-system", ["--set", "controller.rolloutOnSecretChange.enabled=true", "--set", "controller.watchNamespace=apps"]);
    assert.deepEqual(appsRules(all, "ClusterRole"), []);
    assert.equal(appsRules(all, "Role").length, 1);
  });
});

describe("chart: rollout as the controller's own ServiceAccount", () => {
  const release = `r${randomBytes(3).toString("hex")}`;
  let system: { name: string; delete: () => Promise<void> };
  let app: { name: string; delete: () => Promise<void> };
  let applied: Manifest[] = [];
  let r: RunningRollouts | undefined;
  let asController: k8s.KubeConfig;

  before(async () => {
    system = await env.createNamespace("rollout-chart");
    app = await env.createNamespace("rollout-chart-app");
    const all = await render(release, system.name, ["--set", "controller.rolloutOnSecretChange.enabled=true"]);
    applied = all.filter((m) => ["ServiceAccount", "ClusterRole", "ClusterRoleBinding"].includes(m.kind) && m.metadata.name.endsWith("-controller"));
    for (const m of applied) await objects.create(m);
    const sa = applied.find((m) => m.kind === "ServiceAccount")!.metadata.name;
    const token = await admin.makeApiClient(k8s.CoreV1Api).createNamespacedServiceAccountToken({ namespace: system.name, name: sa, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
    asController = env.kubeConfigForToken(token.status!.token!);
  });

  after(async () => {
    await r?.controller.stop();
    for (const m of applied.filter((m) => m.kind !== "ServiceAccount")) await objects.delete({ apiVersion: m.apiVersion, kind: m.kind, metadata: { name: m.metadata.name } }).catch(() => undefined);
    await app?.delete();
    await system?.delete();
  });

  test("rolls an opted-in Deployment with no call refused", async () => {
    const p = new RolloutProbe(admin);
    await p.putSecret(app.name, "s", { k: "1" });
    await p.create(app.name, workload("Deployment", "web", { annotations: { "ferry.dev/rollout-on-change": "true" }, ...envFromSecret("s") }));
    r = await startRollouts(asController, { namespace: app.name, debounceMs: 100 });
    await waitUntil("the Secrets watch", () => r!.controller.watchingSecretsOf(app.name), { timeoutMs: 10_000 });
    await p.putSecret(app.name, "s", { k: "2" });
    const s = await p.waitForGeneration("Deployment", app.name, "web", 2);
    assert.ok(s.managers.some((m) => m.manager === "ferry-rollout"));
    assert.deepEqual(r.logs.filter((l) => /forbidden|\b403\b/i.test(l)), []);
  });

  test("still refused: creating, replacing or deleting workloads, and pods", async () => {
    const api = asController.makeApiClient(k8s.AuthorizationV1Api);
    const allowed = async (verb: string, group: string, resource: string) =>
      (await api.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { verb, group, resource, namespace: app.name } } } })).status?.allowed === true;
    for (const resource of ["deployments", "statefulsets", "daemonsets"]) {
      for (const verb of ["create", "update", "delete", "deletecollection"]) assert.equal(await allowed(verb, "apps", resource), false, `${verb} ${resource}`);
    }
    assert.equal(await allowed("patch", "apps", "replicasets"), false, "patch replicasets");
    assert.equal(await allowed("patch", "", "pods"), false, "patch pods");
    assert.equal(await allowed("create", "", "pods"), false, "create pods");
  });
});
