// The Helm chart, on the real local apiserver. Helm is built from its Go module (tools/helm, cached), the
// chart is rendered with `helm template` and applied with server-side apply. Then the chart's RBAC is tested
// with the tokens of the chart's own ServiceAccounts, not the admin certificate. The sync controller and the
// write-through webhook run in this process as those ServiceAccounts and do their whole job: sync, refresh,
// delete, jwt auth, leader election, write-through, read-back and release. That proves the roles are
// enough. Each component is also refused what it must not do, through real calls (dry runs, so a wrong
// grant changes nothing) and SelfSubjectAccessReviews.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as k8s from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { PushSecretManager } from "../../../src/pushsecret/push-secret-manager.ts";
import { LeaderElector } from "../../../src/runtime/leader-election.ts";
import { createLogger } from "../../../src/runtime/logger.ts";
import { ApiServerMountKube } from "../../../src/mount/kube.ts";
import { FINALIZER, READ_BACK_LABEL, RECORDED, WRITE_THROUGH_LABEL } from "../../../src/write-through/names.ts";
import { writeThroughWebhookConfiguration } from "../../../src/write-through/webhook-configuration.ts";
import { WriteThroughManager } from "../../../src/write-through/write-through-manager.ts";
import { resolveClusterIdentity } from "../../../src/write-through/cluster-identity.ts";
import { chartDir, helm, helmBinary } from "../../../tools/helm/helm.ts";
import { installDocPath, renderInstallDoc, scanValues, valuesPath } from "../../../tools/helm/values-doc.ts";
import { CONTROLLER_MEMORY_LIMIT_MI, chartNodeOptions } from "../../../tools/helm/node-options.ts";
import { TestEnvironment, waitUntil } from "../../env/index.ts";
import { WEBHOOK_CLIENT_NAME } from "../../env/pki.ts";
import { decode, startSync, type SyncHarness } from "../sync/sync-harness.ts";

const env = TestEnvironment.load();
const admin = env.kubeConfig();
const core = admin.makeApiClient(k8s.CoreV1Api);
const objects = k8s.KubernetesObjectApi.makeApiClient(admin);
const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
const log = (message: string) => console.log(`[chart.test ${new Date().toISOString().slice(11, 19)}] ${message}`);

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Every object of a rendering, CRDs included when asked for. */
function manifests(yaml: string): Manifest[] {
  return parseAllDocuments(yaml).map((d) => d.toJS() as Manifest | null).filter((m): m is Manifest => !!m?.kind);
}

function find(all: readonly Manifest[], kind: string, nameSuffix: string): Manifest {
  const found = all.filter((m) => m.kind === kind && m.metadata.name.endsWith(nameSuffix));
  assert.equal(found.length, 1, `one ${kind} named *${nameSuffix}`);
  return found[0]!;
}

/**
 * The webhook is off by default; on, it needs the CA of the apiserver's webhook client certificate (the test
 * control plane's, test/env/kube-apiserver.ts) and the addresses the apiserver connects from (loopback here).
 */
const webhookOn = [
  "--set", "webhook.enabled=true",
  "--set-file", `webhook.clientAuth.caBundle=${env.state.pki.caCert}`,
  "--set-json", 'webhook.networkPolicy.apiserverCIDRs=["127.0.0.1/32"]',
];

async function template(release: string, namespace: string, args: readonly string[] = []): Promise<Manifest[]> {
  return manifests(await helm(["template", release, chartDir, "--namespace", namespace, ...args]));
}

function run(cmd: string, args: readonly string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (err += b.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${err.trim()}`))));
    child.stdin.end(stdin ?? "");
  });
}

before(async () => {
  log("building helm from tools/helm (cached after the first run; a cold build takes several minutes)");
  const started = Date.now();
  log(`helm ready: ${await helmBinary()} (${Math.round((Date.now() - started) / 1000)} s)`);
}, { timeout: 30 * 60_000 });

describe("the chart, rendered", () => {
  test("files/crds/ holds exactly the generated CRDs (refresh with tools/helm/sync-crds.sh)", () => {
    const generated = join(chartDir, "..", "..", "crds");
    const names = readdirSync(generated).filter((f) => f.endsWith(".yaml")).sort();
    assert.deepEqual(readdirSync(join(chartDir, "files", "crds")).sort(), names);
    for (const name of names) {
      assert.equal(readFileSync(join(chartDir, "files", "crds", name), "utf8"), readFileSync(join(generated, name), "utf8"), `${name} differs: run tools/helm/sync-crds.sh`);
    }
    // Not crds/: Helm installs that directory once and never upgrades it.
    assert.ok(!existsSync(join(chartDir, "crds")), "no crds/ directory");
  });

  test("installCRDs (default true) renders the generated CRDs as templates, kept on uninstall; false renders none", async () => {
    const generated = join(chartDir, "..", "..", "crds");
    const expected = readdirSync(generated).filter((f) => f.endsWith(".yaml")).map((f) => manifests(readFileSync(join(generated, f), "utf8"))[0]!);
    const rendered = (await template("ferry", "ferry-system")).filter((m) => m.kind === "CustomResourceDefinition");
    assert.deepEqual(rendered.map((m) => m.metadata.name).sort(), expected.map((m) => m.metadata.name).sort());
    for (const crd of rendered) {
      const source = expected.find((m) => m.metadata.name === crd.metadata.name)!;
      assert.deepEqual(crd.metadata.annotations, { "helm.sh/resource-policy": "keep" }, crd.metadata.name);
      const { annotations: _annotations, ...metadata } = crd.metadata;
      assert.deepEqual({ ...crd, metadata }, source, `${crd.metadata.name}: the generated CRD, unchanged`);
    }
    assert.equal((await template("ferry", "ferry-system", ["--set", "installCRDs=false"])).filter((m) => m.kind === "CustomResourceDefinition").length, 0);
    const annotated = (await template("ferry", "ferry-system", ["--set", "crds.keep=false", "--set", "crds.annotations.team=platform"])).filter((m) => m.kind === "CustomResourceDefinition");
    assert.ok(annotated.every((m) => JSON.stringify(m.metadata.annotations) === JSON.stringify({ team: "platform" })));
  });

  test("helm lint --strict passes, with every component and the ServiceMonitors on", async () => {
    await helm(["lint", "--strict", chartDir, "--set", "csiProvider.enabled=true", "--set", "metrics.serviceMonitor.enabled=true", ...webhookOn]);
    await helm(["lint", "--strict", chartDir, "--set", "webhook.certificate.mode=certManager", ...webhookOn]);
    await helm(["lint", "--strict", chartDir]);
  });

  test("every value is documented, and docs/install.md carries the current table", () => {
    const values = readFileSync(valuesPath, "utf8");
    const { rows, undocumented } = scanValues(values);
    assert.deepEqual(undocumented, [], "values without a `# --` description");
    assert.ok(rows.length > 80, `${rows.length} documented values`);
    const doc = readFileSync(installDocPath, "utf8");
    assert.equal(renderInstallDoc(doc, values), doc, "docs/install.md is stale: run node tools/helm/values-doc.ts --write");
  });

  test("each component's NODE_OPTIONS fit its memory limit (V8 heap limits, ADR 13), and nodeOptions replaces them", async () => {
    const all = await template("ferry", "ferry-system", ["--set", "csiProvider.enabled=true", "--set", "controller.resources.limits.memory=1Gi", ...webhookOn]);
    const nodeOptions = (suffix: string) =>
      (find(all, suffix === "-csi-provider" ? "DaemonSet" : "Deployment", suffix) as Manifest & { spec: { template: { spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } } } })
        .spec.template.spec.containers[0]!.env?.find((e) => e.name === "NODE_OPTIONS")?.value;
    assert.equal(nodeOptions("-controller"), chartNodeOptions(1024).join(" "));
    assert.equal(nodeOptions("-webhook"), chartNodeOptions(512).join(" "));
    assert.equal(nodeOptions("-csi-provider"), chartNodeOptions(384).join(" "));
    const defaults = await template("ferry", "ferry-system");
    assert.equal(
      (find(defaults, "Deployment", "-controller") as Manifest & { spec: { template: { spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } } } }).spec.template.spec.containers[0]!.env?.find((e) => e.name === "NODE_OPTIONS")?.value,
      chartNodeOptions(CONTROLLER_MEMORY_LIMIT_MI).join(" "),
    );
    const custom = await template("ferry", "ferry-system", ["--set", "controller.nodeOptions=--max-old-space-size=100"]);
    assert.equal(
      (find(custom, "Deployment", "-controller") as Manifest & { spec: { template: { spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } } } }).spec.template.spec.containers[0]!.env?.find((e) => e.name === "NODE_OPTIONS")?.value,
      "--max-old-space-size=100",
    );
  });

  test("the webhook is off by default; on, it authenticates the apiserver's certificate, a NetworkPolicy admits only its addresses, it drains within its grace period", async () => {
    const off = await template("ferry", "ferry-system");
    assert.deepEqual(off.filter((m) => m.metadata.name.includes("webhook") || m.kind === "MutatingWebhookConfiguration").map((m) => `${m.kind}/${m.metadata.name}`), []);

    const on = await template("ferry", "ferry-system", webhookOn);
    const pod = (find(on, "Deployment", "-webhook") as Manifest & { spec: { template: { spec: { containers: Array<{ args: string[] }>; volumes: Array<{ name: string; configMap?: { name: string } }> } } } }).spec.template.spec;
    assert.ok(pod.containers[0]!.args.includes("--client-ca-file=/etc/ferry/client-ca/ca.crt"));
    assert.ok(pod.containers[0]!.args.includes("--client-allowed-names=kube-apiserver-admission-client"));
    assert.ok(!pod.containers[0]!.args.includes("--insecure-skip-client-auth"));
    const caMap = find(on, "ConfigMap", "-webhook-client-ca") as Manifest & { data: Record<string, string> };
    assert.equal(caMap.data["ca.crt"]!.trim(), readFileSync(env.state.pki.caCert, "utf8").trim());
    assert.equal(pod.volumes.find((v) => v.name === "client-ca")?.configMap?.name, caMap.metadata.name);

    const policy = find(on, "NetworkPolicy", "-webhook") as Manifest & { spec: { ingress: Array<{ from?: unknown[]; ports: Array<{ port: string }> }> } };
    assert.deepEqual(policy.spec.ingress, [
      { from: [{ ipBlock: { cidr: "127.0.0.1/32" } }], ports: [{ port: "https", protocol: "TCP" }] },
      { ports: [{ port: "health", protocol: "TCP" }] },
    ]);
    const shutdown = (find(on, "Deployment", "-webhook") as Manifest & { spec: { template: { spec: { terminationGracePeriodSeconds: number; containers: Array<{ args: string[]; lifecycle: unknown }> } } } }).spec.template.spec;
    assert.deepEqual(shutdown.containers[0]!.lifecycle, { preStop: { exec: { command: ["sleep", "5"] } } });
    assert.ok(shutdown.containers[0]!.args.includes("--shutdown-drain-seconds=5") && shutdown.containers[0]!.args.includes("--shutdown-timeout-seconds=10"));
    // preStop 5 + drain 5 + close timeout 10 + the controller's abort grace 5 + margin 10.
    assert.equal(shutdown.terminationGracePeriodSeconds, 35);
    assert.ok(shutdown.containers[0]!.args.includes("--leader-elect"));
    assert.ok(shutdown.containers[0]!.args.includes("--leader-election-id=ferry-write-through"));
    const open = await template("ferry", "ferry-system", [...webhookOn, "--set", "webhook.clientAuth.mode=none", "--set", "webhook.networkPolicy.enabled=false"]);
    const openArgs = (find(open, "Deployment", "-webhook") as Manifest & { spec: { template: { spec: { containers: Array<{ args: string[] }> } } } }).spec.template.spec.containers[0]!.args;
    assert.ok(openArgs.includes("--insecure-skip-client-auth"));
    assert.equal(open.filter((m) => m.kind === "NetworkPolicy" || m.metadata.name.endsWith("-client-ca")).length, 0);
  });

  test("the MutatingWebhookConfiguration is the one `ferry webhook configuration` prints", async () => {
    const all = await template("ferry", "ferry-system", webhookOn);
    const rendered = find(all, "MutatingWebhookConfiguration", "-write-through") as Manifest & { webhooks: Array<{ clientConfig: { caBundle: string } }> };
    const caBundle = Buffer.from(rendered.webhooks[0]!.clientConfig.caBundle, "base64");
    const printed = writeThroughWebhookConfiguration({
      client: { service: { namespace: "ferry-system", name: "ferry-webhook", port: 443 } },
      caBundle,
      excludeNamespaces: ["ferry-system"],
      timeoutSeconds: 15,
    }) as { webhooks: unknown[] };
    assert.deepEqual(rendered.webhooks, printed.webhooks);
  });

  test("security contexts: non-root, read-only root, no escalation, no capabilities; root only for the CSI socket", async () => {
    const all = await template("ferry", "ferry-system", ["--set", "csiProvider.enabled=true", ...webhookOn]);
    const workloads = all.filter((m) => m.kind === "Deployment" || m.kind === "DaemonSet");
    assert.deepEqual(workloads.map((w) => `${w.kind}/${w.metadata.name}`).sort(), ["DaemonSet/ferry-csi-provider", "Deployment/ferry-controller", "Deployment/ferry-webhook"]);
    for (const w of workloads) {
      const pod = (w as unknown as { spec: { template: { spec: k8s.V1PodSpec } } }).spec.template.spec;
      const csi = w.kind === "DaemonSet";
      assert.equal(pod.securityContext?.seccompProfile?.type, "RuntimeDefault", w.metadata.name);
      if (csi) assert.equal(pod.securityContext?.runAsUser, 0, "the CSI provider is root (socket directory)");
      else {
        assert.equal(pod.securityContext?.runAsNonRoot, true, w.metadata.name);
        assert.ok((pod.securityContext?.runAsUser ?? 0) > 0, w.metadata.name);
      }
      assert.equal(pod.hostNetwork ?? false, false);
      assert.equal(pod.hostPID ?? false, false);
      const hostPaths = (pod.volumes ?? []).filter((v) => v.hostPath).map((v) => v.hostPath!.path);
      assert.deepEqual(hostPaths, csi ? ["/var/run/secrets-store-csi-providers"] : [], `${w.metadata.name} hostPath volumes`);
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const sc = c.securityContext;
        assert.equal(sc?.readOnlyRootFilesystem, true, `${c.name} readOnlyRootFilesystem`);
        assert.equal(sc?.allowPrivilegeEscalation, false, `${c.name} allowPrivilegeEscalation`);
        assert.equal(sc?.privileged ?? false, false, `${c.name} privileged`);
        assert.deepEqual(sc?.capabilities?.drop, ["ALL"], `${c.name} drops every capability`);
        assert.equal(sc?.capabilities?.add, undefined, `${c.name} adds none`);
        assert.ok(c.resources?.requests?.memory && c.resources.limits?.memory, `${c.name} memory request and limit`);
        assert.ok(c.livenessProbe && c.readinessProbe, `${c.name} probes`);
      }
    }
    const pdbs = all.filter((m) => m.kind === "PodDisruptionBudget").map((m) => m.metadata.name).sort();
    assert.deepEqual(pdbs, ["ferry-controller", "ferry-webhook"]);
  });

  test("the generated certificate: signed by the caBundle's CA, valid for the webhook Service's names", async () => {
    const all = await template("ferry", "ferry-system", webhookOn);
    const secret = find(all, "Secret", "-webhook-tls") as Manifest & { data: Record<string, string> };
    const mwc = find(all, "MutatingWebhookConfiguration", "-write-through") as Manifest & { webhooks: Array<{ clientConfig: { caBundle: string } }> };
    const pem = (k: string) => Buffer.from(secret.data[k]!, "base64");
    const ca = new X509Certificate(pem("ca.crt"));
    const leaf = new X509Certificate(pem("tls.crt"));
    assert.equal(Buffer.from(mwc.webhooks[0]!.clientConfig.caBundle, "base64").toString(), pem("ca.crt").toString(), "caBundle is the CA");
    assert.ok(leaf.verify(ca.publicKey), "serving certificate signed by the CA");
    assert.ok(ca.ca && !leaf.ca);
    for (const host of ["ferry-webhook.ferry-system.svc", "ferry-webhook.ferry-system.svc.cluster.local"]) assert.equal(leaf.checkHost(host), host);
    assert.ok(leaf.checkPrivateKey(createPrivateKey(pem("tls.key"))), "key matches");
    const days = (Date.parse(leaf.validTo) - Date.now()) / 86_400_000;
    assert.ok(days > 360 && days < 366, `serving certificate valid ~365 days (${days.toFixed(1)})`);
  });

  test("controller.watchNamespace: Secrets, ExternalSecrets and SecretStores only in that namespace", async () => {
    const all = await template("ferry", "ferry-system", ["--set", "controller.watchNamespace=apps", "--set", "webhook.enabled=false"]);
    const clusterRules = all.filter((m) => m.kind === "ClusterRole").flatMap((m) => (m as unknown as k8s.V1ClusterRole).rules ?? []);
    assert.ok(!clusterRules.some((r) => r.resources?.includes("secrets")), "no cluster-wide Secrets");
    assert.ok(!clusterRules.some((r) => r.resources?.includes("externalsecrets")), "no cluster-wide ExternalSecrets");
    const role = all.find((m) => m.kind === "Role" && m.metadata.namespace === "apps") as unknown as k8s.V1Role;
    assert.ok(role.rules?.some((r) => r.resources?.includes("secrets") && r.verbs.includes("create")));
    const deployment = find(all, "Deployment", "-controller") as unknown as k8s.V1Deployment;
    assert.ok(deployment.spec!.template.spec!.containers[0]!.args!.includes("--namespace=apps"));
  });

  test("the longest release name Helm allows still gives valid names", async () => {
    const all = await template("r".repeat(53), "ferry-system", ["--set", "csiProvider.enabled=true", ...webhookOn]);
    for (const m of all) {
      // Services are DNS labels; label values are limited to 63 characters.
      if (m.kind === "Service") assert.ok(m.metadata.name.length <= 63, `Service ${m.metadata.name}`);
      for (const [k, v] of Object.entries(m.metadata.labels ?? {})) assert.ok(v.length <= 63, `${m.kind}/${m.metadata.name} label ${k}`);
    }
  });

  test("invalid values fail the rendering with a message", async () => {
    await assert.rejects(template("ferry", "x", ["--set", "controller.leaderElection.enabled=false"]), /needs controller.leaderElection.enabled/);
    await assert.rejects(template("ferry", "x", ["--set", "webhook.certificate.mode=manual", ...webhookOn]), /must be helm, certManager or secret/);
    await assert.rejects(template("ferry", "x", ["--set", "webhook.certificate.mode=secret", "--set", "webhook.certificate.secretName=tls", ...webhookOn]), /caBundle/);
    await assert.rejects(template("ferry", "x", ["--set", "webhook.enabled=true", "--set", "webhook.networkPolicy.enabled=false"]), /webhook.clientAuth.caBundle \(or webhook.clientAuth.existingConfigMap\) is required/);
    await assert.rejects(template("ferry", "x", [...webhookOn, "--set", "webhook.clientAuth.mode=open"]), /must be certificate or none/);
    await assert.rejects(template("ferry", "x", [...webhookOn, "--set-json", "webhook.networkPolicy.apiserverCIDRs=[]"]), /webhook.networkPolicy.apiserverCIDRs is required/);
  });
});

/** One authorization question: `verb` on `resource` (group-qualified as `resource.group`, optional `/subresource`). */
interface Access {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
}

const describeAccess = (a: Access) => `${a.verb} ${a.resource}${a.name ? `/${a.name}` : ""}${a.namespace ? ` in ${a.namespace}` : " (cluster)"}`;

/** Asks the apiserver, as the token's ServiceAccount, each question; returns those answered differently than expected. */
async function accessMismatches(kc: k8s.KubeConfig, allowed: readonly Access[], denied: readonly Access[]): Promise<string[]> {
  const api = kc.makeApiClient(k8s.AuthorizationV1Api);
  const ask = async (a: Access) => {
    const [resourceAndGroup, subresource] = a.resource.split("/") as [string, string | undefined];
    const dot = resourceAndGroup.indexOf(".");
    const review = await api.createSelfSubjectAccessReview({
      body: {
        spec: {
          resourceAttributes: {
            verb: a.verb,
            resource: dot < 0 ? resourceAndGroup : resourceAndGroup.slice(0, dot),
            group: dot < 0 ? "" : resourceAndGroup.slice(dot + 1),
            ...(subresource ? { subresource } : {}),
            ...(a.namespace ? { namespace: a.namespace } : {}),
            ...(a.name ? { name: a.name } : {}),
          },
        },
      },
    });
    return review.status?.allowed === true;
  };
  const wrong: string[] = [];
  for (const a of allowed) if (!(await ask(a))) wrong.push(`denied but needed: ${describeAccess(a)}`);
  for (const a of denied) if (await ask(a)) wrong.push(`allowed but must not be: ${describeAccess(a)}`);
  return wrong;
}

/** A real call that RBAC must refuse with 403. */
async function refused(what: string, call: () => Promise<unknown>): Promise<void> {
  await assert.rejects(call(), (err: unknown) => {
    const code = err instanceof k8s.ApiException ? err.code : (err as { statusCode?: number }).statusCode;
    assert.equal(code, 403, `${what}: expected 403, got ${code ?? String(err)}`);
    return true;
  }, what);
}

const forbiddenLines = (lines: readonly string[]) => lines.filter((l) => /forbidden|\b403\b/i.test(l));

describe("the chart, installed on the apiserver", () => {
  // Cluster-scoped names carry the release name: unique per run, and removed afterwards.
  const release = `t${randomBytes(3).toString("hex")}`;
  const leaseName = "ferry-controller";
  let system: { name: string; delete: () => Promise<void> };
  let app: { name: string; delete: () => Promise<void> };
  let rendered: Manifest[] = [];
  let renderArgs: string[] = [];
  let sync: SyncHarness | undefined;
  let testWebhookConfig = "";
  /** Client configurations authenticating with each component's ServiceAccount token (TokenRequest). */
  const tokens = {} as Record<"controller" | "webhook" | "csi-provider", k8s.KubeConfig>;
  const sm = () => new SecretsManagerClient({});

  before(async () => {
    system = await env.createNamespace("ferry-system");
    app = await env.createNamespace("ferry-app");
    const version = await admin.makeApiClient(k8s.VersionApi).getCode();
    renderArgs = [
      "--kube-version", version.gitVersion,
      "--set", "csiProvider.enabled=true",
      "--set", "controller.serviceAccount.roleArn=arn:aws:iam::123456789012:role/ferry-sync",
      ...webhookOn,
      // The chart's own webhook has no pods here (no kubelet): confine it to no namespace at all, so it never
      // blocks a Secret. The write-through test registers the same webhook pointing at this process instead.
      "--set-json", `webhook.namespaceSelector={"matchLabels":{"ferry.dev/chart-test":"none-${release}"}}`,
    ];
    // One rendering, applied and kept: every render generates new keys.
    const yaml = await helm(["template", release, chartDir, "--namespace", system.name, ...renderArgs]);
    rendered = manifests(yaml);
    log(`applying ${rendered.length} objects of release ${release} to namespace ${system.name} (server-side)`);
    await run("kubectl", ["--kubeconfig", env.state.kubeconfig, "apply", "--server-side", "--field-manager=ferry-chart-test", "-f", "-"], yaml);

    for (const component of ["controller", "webhook", "csi-provider"] as const) {
      const sa = find(rendered, "ServiceAccount", `-${component}`).metadata.name;
      const request = await core.createNamespacedServiceAccountToken({ namespace: system.name, name: sa, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
      tokens[component] = env.kubeConfigForToken(request.status!.token!);
    }
  }, { timeout: 5 * 60_000 });

  after(async () => {
    await sync?.stop();
    const clusterScoped = rendered.filter((m) => ["ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration"].includes(m.kind));
    for (const m of clusterScoped) await objects.delete({ apiVersion: m.apiVersion, kind: m.kind, metadata: { name: m.metadata.name } }).catch(() => undefined);
    if (testWebhookConfig) await admin.makeApiClient(k8s.AdmissionregistrationV1Api).deleteMutatingWebhookConfiguration({ name: testWebhookConfig }).catch(() => undefined);
    // A failed write-through test may leave the finalizer that only the (stopped) webhook releases.
    if (app) {
      for (const s of (await core.listNamespacedSecret({ namespace: app.name }).catch(() => ({ items: [] as k8s.V1Secret[] }))).items) {
        if (!s.metadata?.finalizers?.includes(FINALIZER)) continue;
        await core.patchNamespacedSecret({ namespace: app.name, name: s.metadata.name!, body: { metadata: { finalizers: s.metadata.finalizers.filter((f) => f !== FINALIZER) } } }, merge).catch(() => undefined);
      }
    }
    await app?.delete();
    await system?.delete();
  });

  test("every rendered object is on the server; the roles exactly as rendered", async () => {
    for (const m of rendered) {
      const live = await objects.read({ apiVersion: m.apiVersion, kind: m.kind, metadata: { name: m.metadata.name, ...(m.metadata.namespace ? { namespace: m.metadata.namespace } : {}) } });
      assert.equal(live.metadata?.name, m.metadata.name, `${m.kind}/${m.metadata.name}`);
      // The roles the tests below exercise are exactly the rendered ones.
      if (m.kind === "ClusterRole" || m.kind === "Role") assert.deepEqual(JSON.parse(JSON.stringify((live as k8s.V1ClusterRole).rules)), m.rules, `${m.kind}/${m.metadata.name} rules`);
    }
    const sa = await core.readNamespacedServiceAccount({ namespace: system.name, name: find(rendered, "ServiceAccount", "-controller").metadata.name });
    assert.equal(sa.metadata?.annotations?.["eks.amazonaws.com/role-arn"], "arn:aws:iam::123456789012:role/ferry-sync", "IRSA annotation from values");
    assert.equal(sa.automountServiceAccountToken, false);
  });

  test("an upgrade keeps the CA and the content hash key, and renews the serving certificate only near expiry", async () => {
    // `helm template --dry-run=server` renders with lookup against the cluster, as `helm upgrade` does.
    const upgrade = async (extra: string[]) => manifests(await helm(["template", release, chartDir, "--namespace", system.name, "--dry-run=server", "--kubeconfig", env.state.kubeconfig, ...renderArgs, ...extra]));
    const data = (all: Manifest[], suffix: string) => (find(all, "Secret", suffix) as Manifest & { data: Record<string, string> }).data;
    // Compared by digest: a failure should not print key material, even a test's.
    const digests = (d: Record<string, string>) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, createHash("sha256").update(v).digest("hex").slice(0, 16)]));
    const installed = rendered;
    const same = await upgrade([]);
    assert.deepEqual(digests(data(same, "-webhook-tls")), digests(data(installed, "-webhook-tls")), "nothing near expiry: the same pair");
    assert.deepEqual(digests(data(same, "-content-hash-key")), digests(data(installed, "-content-hash-key")));
    // Renewing 400 days ahead: the 365-day serving certificate is due, the 10-year CA is not.
    const renewed = await upgrade(["--set", "webhook.certificate.helm.renewBeforeDays=400"]);
    const before = data(installed, "-webhook-tls");
    const after = data(renewed, "-webhook-tls");
    assert.ok(after["ca.crt"] === before["ca.crt"] && after["ca.key"] === before["ca.key"], "same CA, so the caBundle does not change");
    assert.ok(after["tls.crt"] !== before["tls.crt"] && after["tls.key"] !== before["tls.key"], "new serving certificate and key");
    const ca = new X509Certificate(Buffer.from(after["ca.crt"]!, "base64"));
    assert.ok(new X509Certificate(Buffer.from(after["tls.crt"]!, "base64")).verify(ca.publicKey), "signed by the kept CA");
    const mwc = find(renewed, "MutatingWebhookConfiguration", "-write-through") as Manifest & { webhooks: Array<{ clientConfig: { caBundle: string } }> };
    assert.ok(mwc.webhooks[0]!.clientConfig.caBundle === before["ca.crt"], "the caBundle is unchanged");
    assert.deepEqual(digests(data(renewed, "-content-hash-key")), digests(data(installed, "-content-hash-key")));
  });

  test("the controller, as its own ServiceAccount, syncs, refreshes, uses jwt auth and deletes (its RBAC is enough)", { timeout: 5 * 60_000 }, async () => {
    sync = await startSync({ kubeConfig: tokens.controller });
    const ns = app.name;
    await sm().send(new CreateSecretCommand({ Name: "chart/db", SecretString: JSON.stringify({ password: "chart-canary-v1" }) }));
    await sm().send(new CreateSecretCommand({ Name: "chart/jwt", SecretString: "jwt-canary" }));
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "reader", annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/reader" } } } });
    const create = (m: object) => objects.create(m);
    const store = (name: string, auth?: object) => create({
      apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name, namespace: ns },
      spec: { provider: { aws: { service: "SecretsManager", region: env.state.region, ...(auth ? { auth } : {}) } } },
    });
    await store("aws");
    await store("jwt", { jwt: { serviceAccountRef: { name: "reader" } } });
    const externalSecret = (name: string, storeName: string, spec: object) => create({
      apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name, namespace: ns },
      spec: { secretStoreRef: { name: storeName, kind: "SecretStore" }, ...spec },
    });
    await externalSecret("db", "aws", { refreshInterval: "2s", target: { deletionPolicy: "Delete" }, data: [{ secretKey: "password", remoteRef: { key: "chart/db", property: "password" } }] });
    await externalSecret("jwt", "jwt", { refreshInterval: "1h", data: [{ secretKey: "value", remoteRef: { key: "chart/jwt" } }] });

    await sync.waitForSecret(ns, "db", (s) => decode(s, "password") === "chart-canary-v1");
    await sync.waitForReady(ns, "db");
    await sync.waitForSecret(ns, "jwt", (s) => decode(s, "value") === "jwt-canary");
    await sync.waitForReady(ns, "jwt");
    assert.ok(sync.apiCalls.some((c) => c.call === "AssumeRoleWithWebIdentity" && c.status === "success"), "jwt auth: TokenRequest for the reader ServiceAccount, exchanged with STS");

    // Refresh: an update of the Secret.
    await sm().send(new PutSecretValueCommand({ SecretId: "chart/db", SecretString: JSON.stringify({ password: "chart-canary-v2" }) }));
    await sync.waitForSecret(ns, "db", (s) => decode(s, "password") === "chart-canary-v2", 30_000);
    // Store status: the store reconciler patched /status.
    await waitUntil("SecretStore aws Ready", async () => {
      const s = (await sync!.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "secretstores", name: "aws" })) as { status?: { conditions?: Array<{ type: string; status: string }> } };
      return s.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
    }, { timeoutMs: 30_000 });
    // deletionPolicy Delete: the remote secret is gone, so the controller deletes the Secret.
    await sm().send(new DeleteSecretCommand({ SecretId: "chart/db", ForceDeleteWithoutRecovery: true }));
    await waitUntil("the controller to delete Secret db", async () => {
      try {
        await core.readNamespacedSecret({ namespace: ns, name: "db" });
        return false;
      } catch (err) {
        if (err instanceof k8s.ApiException && err.code === 404) return true;
        throw err;
      }
    }, { timeoutMs: 30_000 });
    // Events were recorded (create/patch events).
    const events = await core.listNamespacedEvent({ namespace: ns });
    assert.ok(events.items.some((e) => e.source?.component === "ferry-controller" || e.reportingComponent === "ferry-controller"), "Events recorded by the controller");

    assert.deepEqual(forbiddenLines(sync.logs), [], "no call of the controller was refused");
  });

  test("the controller, as its own ServiceAccount, fans out a ClusterExternalSecret, restores and deletes its ExternalSecrets (its RBAC is enough)", { timeout: 2 * 60_000 }, async () => {
    const ns = app.name;
    await sm().send(new CreateSecretCommand({ Name: "chart/ces", SecretString: "ces-canary" }));
    const custom = admin.makeApiClient(k8s.CustomObjectsApi);
    const ces = { group: "external-secrets.io", version: "v1", plural: "clusterexternalsecrets", name: `chart-ces-${release}` };
    await objects.create({
      apiVersion: "external-secrets.io/v1", kind: "ClusterExternalSecret", metadata: { name: ces.name },
      spec: { namespaces: [ns], externalSecretName: "from-ces", externalSecretSpec: { secretStoreRef: { name: "aws", kind: "SecretStore" }, refreshInterval: "1h", data: [{ secretKey: "value", remoteRef: { key: "chart/ces" } }] } },
    } as k8s.KubernetesObject);
    await sync!.waitForSecret(ns, "from-ces", (s) => decode(s, "value") === "ces-canary");
    const status = () => custom.getClusterCustomObject(ces) as Promise<{ status?: { provisionedNamespaces?: string[]; conditions?: Array<{ type: string; status: string }> } }>;
    await waitUntil("ClusterExternalSecret Ready", async () => (await status()).status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false, { timeoutMs: 30_000 });
    // An edit of its ExternalSecret is put back (update).
    const es = { group: "external-secrets.io", version: "v1", namespace: ns, plural: "externalsecrets", name: "from-ces" };
    await custom.patchNamespacedCustomObject({ ...es, body: { spec: { refreshInterval: "5m" } } }, merge);
    await waitUntil("the edited ExternalSecret restored", async () => ((await custom.getNamespacedCustomObject(es)) as { spec: { refreshInterval: string } }).spec.refreshInterval === "1h", { timeoutMs: 30_000 });
    // The namespace is no longer selected: the ExternalSecret is deleted (delete).
    await custom.patchClusterCustomObject({ ...ces, body: { spec: { namespaces: null, namespaceSelectors: [{ matchLabels: { "ferry.dev/nothing": "x" } }] } } }, merge);
    await waitUntil("the ExternalSecret deleted", async () => custom.getNamespacedCustomObject(es).then(() => false, () => true), { timeoutMs: 30_000 });
    await custom.deleteClusterCustomObject(ces);
    assert.deepEqual(forbiddenLines(sync!.logs), [], "no call of the ClusterExternalSecret controller was refused");
  });

  test("processClusterExternalSecret: false turns the controller's ClusterExternalSecret handling and its ExternalSecret writes off", async () => {
    const all = await template("ferry", "ferry-system", ["--set", "controller.processClusterExternalSecret=false", "--set", "webhook.enabled=false"]);
    const clusterRules = all.filter((m) => m.kind === "ClusterRole").flatMap((m) => (m as unknown as k8s.V1ClusterRole).rules ?? []);
    assert.ok(!clusterRules.some((r) => r.resources?.includes("externalsecrets") && r.verbs.includes("create")), "no ExternalSecret writes");
    assert.ok(!clusterRules.some((r) => r.resources?.includes("clusterexternalsecrets")));
    const deployment = find(all, "Deployment", "-controller") as unknown as k8s.V1Deployment;
    assert.ok(deployment.spec!.template.spec!.containers[0]!.args!.includes("--enable-cluster-external-secret-reconciler=false"));
  });

  test("the controller, as its own ServiceAccount, pushes a PushSecret and deletes what it pushed (its RBAC is enough)", { timeout: 2 * 60_000 }, async () => {
    const ns = app.name;
    const logs: string[] = [];
    const logger = createLogger({
      level: "debug",
      destination: new Writable({ write(chunk: Buffer, _e, done) { logs.push(...chunk.toString("utf8").split("\n").filter(Boolean)); done(); } }),
    });
    const push = new PushSecretManager({ kubeConfig: tokens.controller, logger });
    await push.start();
    try {
      await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "push-source" }, stringData: { token: "chart-push-canary" } } });
      await objects.create({
        apiVersion: "external-secrets.io/v1alpha1", kind: "PushSecret", metadata: { name: "push", namespace: ns },
        spec: { deletionPolicy: "Delete", secretStoreRefs: [{ name: "aws", kind: "SecretStore" }], selector: { secret: { name: "push-source" } }, data: [{ match: { secretKey: "token", remoteRef: { remoteKey: "chart/pushed" } } }] },
      } as k8s.KubernetesObject);
      const custom = admin.makeApiClient(k8s.CustomObjectsApi);
      const get = () => custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: ns, plural: "pushsecrets", name: "push" }) as Promise<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
      await waitUntil("PushSecret push Ready", async () => (await get()).status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false, { timeoutMs: 30_000 });
      const pushed = await sm().send(new GetSecretValueCommand({ SecretId: "chart/pushed" }));
      assert.equal(Buffer.from(pushed.SecretBinary!).toString("utf8"), "chart-push-canary");
      await custom.deleteNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: ns, plural: "pushsecrets", name: "push" });
      await waitUntil("the PushSecret's finalizer released", async () => get().then(() => false, () => true), { timeoutMs: 30_000 });
      assert.notEqual((await sm().send(new DescribeSecretCommand({ SecretId: "chart/pushed" }))).DeletedDate, undefined, "scheduled for deletion");
      assert.deepEqual(forbiddenLines(logs), [], "no call of the PushSecret controller was refused");
    } finally {
      await push.stop();
    }
  });

  test("leader election: the controller takes its own Lease, and no other", { timeout: 60_000 }, async () => {
    const elector = new LeaderElector({ kubeConfig: tokens.controller, namespace: system.name, name: leaseName, identity: `chart-test-${release}`, retryPeriodMs: 500, renewDeadlineMs: 5_000, leaseDurationMs: 10_000 });
    let leading!: () => void;
    const led = new Promise<void>((resolve) => (leading = resolve));
    const running = elector.run({ onStartedLeading: () => leading(), onStoppedLeading: () => undefined });
    await led;
    const coordination = admin.makeApiClient(k8s.CoordinationV1Api);
    const lease = await coordination.readNamespacedLease({ namespace: system.name, name: leaseName });
    assert.equal(lease.spec?.holderIdentity, `chart-test-${release}`);
    await elector.stop();
    await running;

    const asController = tokens.controller.makeApiClient(k8s.CoordinationV1Api);
    const body = { metadata: { name: "someone-else" }, spec: { holderIdentity: "x" } };
    await refused("get another Lease in the release namespace", () => asController.readNamespacedLease({ namespace: system.name, name: "kube-scheduler" }));
    await refused("update another Lease", () => asController.replaceNamespacedLease({ namespace: system.name, name: "someone-else", body, dryRun: "All" }));
    await refused("create a Lease in another namespace", () => asController.createNamespacedLease({ namespace: app.name, body, dryRun: "All" }));
    await refused("delete its own Lease", () => asController.deleteNamespacedLease({ namespace: system.name, name: leaseName, dryRun: "All" }));
  });

  test("the controller is refused what it must not do", async () => {
    const kc = tokens.controller;
    const c = kc.makeApiClient(k8s.CoreV1Api);
    const ns = app.name;
    await refused("delete a namespace", () => c.deleteNamespace({ name: ns, dryRun: "All" }));
    await refused("create a ConfigMap", () => c.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "x" } }, dryRun: "All" }));
    await refused("list pods", () => c.listNamespacedPod({ namespace: ns }));
    await refused("patch a Secret", () => c.patchNamespacedSecret({ namespace: ns, name: "jwt", body: { metadata: { labels: { x: "y" } } }, dryRun: "All" }, merge));
    await refused("create a ServiceAccount", () => c.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "x" } }, dryRun: "All" }));
    await refused("modify a CRD", () => kc.makeApiClient(k8s.ApiextensionsV1Api).patchCustomResourceDefinition({ name: "externalsecrets.external-secrets.io", body: { metadata: { labels: { x: "y" } } }, dryRun: "All" }, merge));
    await refused("patch an ExternalSecret", () => kc.makeApiClient(k8s.CustomObjectsApi).patchNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "externalsecrets", name: "x", body: { metadata: { labels: { x: "y" } } }, dryRun: "All" }, merge));
    await refused("bind itself a ClusterRole", () => kc.makeApiClient(k8s.RbacAuthorizationV1Api).createClusterRoleBinding({ body: { metadata: { name: `x-${release}` }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "User", name: "x" }] }, dryRun: "All" }));

    const A = app.name;
    const R = system.name;
    assert.deepEqual(await accessMismatches(kc, [
      ...["get", "list", "watch"].flatMap((verb) => ["externalsecrets.external-secrets.io", "secretstores.external-secrets.io", "clustersecretstores.external-secrets.io", "secrets", "namespaces"].map((resource) => ({ verb, resource }))),
      ...["get", "patch", "update"].flatMap((verb) => ["externalsecrets.external-secrets.io/status", "secretstores.external-secrets.io/status"].map((resource) => ({ verb, resource, namespace: A }))),
      { verb: "patch", resource: "clustersecretstores.external-secrets.io/status", name: "any" },
      { verb: "update", resource: "externalsecrets.external-secrets.io/finalizers", namespace: A },
      // ClusterExternalSecrets: the informer, /status, ESO's finalizer removed, and the ExternalSecrets they own.
      ...["get", "list", "watch", "patch"].map((verb) => ({ verb, resource: "clusterexternalsecrets.external-secrets.io" })),
      { verb: "patch", resource: "clusterexternalsecrets.external-secrets.io/status", name: "any" },
      { verb: "update", resource: "clusterexternalsecrets.external-secrets.io/finalizers", name: "any" },
      ...["create", "update", "delete"].map((verb) => ({ verb, resource: "externalsecrets.external-secrets.io", namespace: A })),
      ...["get", "list", "watch", "patch"].map((verb) => ({ verb, resource: "pushsecrets.external-secrets.io", namespace: A })),
      ...["get", "patch"].map((verb) => ({ verb, resource: "pushsecrets.external-secrets.io/status", namespace: A })),
      ...["create", "update", "delete"].map((verb) => ({ verb, resource: "pushsecrets.external-secrets.io", namespace: A })),
      ...["get", "list", "watch"].map((verb) => ({ verb, resource: "clusterpushsecrets.external-secrets.io" })),
      { verb: "patch", resource: "clusterpushsecrets.external-secrets.io/status", name: "any" },
      ...["create", "update", "delete"].map((verb) => ({ verb, resource: "secrets", namespace: "default" })),
      { verb: "get", resource: "serviceaccounts", namespace: A },
      { verb: "create", resource: "serviceaccounts/token", namespace: A },
      // Generators: get only, of the one a reconcile references.
      ...["ecrauthorizationtokens", "stssessiontokens", "passwords", "uuids"].map((kind) => ({ verb: "get", resource: `${kind}.generators.external-secrets.io`, namespace: A })),
      { verb: "get", resource: "clustergenerators.generators.external-secrets.io", name: "any" },
      { verb: "create", resource: "events", namespace: A },
      { verb: "patch", resource: "events", namespace: "default" },
      // templateFrom ConfigMaps and PushSecret resourcePolicy sources are read, never written (ADR 18, ADR 19).
      ...["get", "list", "watch"].map((verb) => ({ verb, resource: "configmaps", namespace: A })),
      { verb: "create", resource: "leases.coordination.k8s.io", namespace: R },
      { verb: "get", resource: "leases.coordination.k8s.io", namespace: R, name: leaseName },
      { verb: "update", resource: "leases.coordination.k8s.io", namespace: R, name: leaseName },
    ], [
      { verb: "patch", resource: "externalsecrets.external-secrets.io", namespace: A },
      { verb: "deletecollection", resource: "externalsecrets.external-secrets.io", namespace: A },
      ...["create", "update", "delete"].map((verb) => ({ verb, resource: "clusterexternalsecrets.external-secrets.io", name: "any" })),
      ...["create", "update", "patch", "delete"].map((verb) => ({ verb, resource: "clusterpushsecrets.external-secrets.io", name: "any" })),
      ...["create", "update", "delete"].map((verb) => ({ verb, resource: "secretstores.external-secrets.io", namespace: A })),
      { verb: "delete", resource: "clustersecretstores.external-secrets.io", name: "any" },
      ...["list", "watch", "create", "update", "patch", "delete"].map((verb) => ({ verb, resource: "passwords.generators.external-secrets.io", namespace: A })),
      ...["list", "update"].map((verb) => ({ verb, resource: "clustergenerators.generators.external-secrets.io" })),
      { verb: "patch", resource: "secrets", namespace: A },
      { verb: "deletecollection", resource: "secrets", namespace: A },
      { verb: "delete", resource: "namespaces", name: A },
      { verb: "create", resource: "namespaces" },
      { verb: "create", resource: "configmaps", namespace: A },
      { verb: "get", resource: "pods", namespace: A },
      { verb: "create", resource: "pods/exec", namespace: A },
      { verb: "get", resource: "nodes", name: "any" },
      { verb: "list", resource: "serviceaccounts", namespace: A },
      { verb: "impersonate", resource: "serviceaccounts", namespace: A },
      { verb: "update", resource: "customresourcedefinitions.apiextensions.k8s.io", name: "externalsecrets.external-secrets.io" },
      { verb: "create", resource: "clusterrolebindings.rbac.authorization.k8s.io" },
      { verb: "escalate", resource: "clusterroles.rbac.authorization.k8s.io" },
      { verb: "patch", resource: "mutatingwebhookconfigurations.admissionregistration.k8s.io", name: `${release}-ferry-write-through` },
      { verb: "create", resource: "leases.coordination.k8s.io", namespace: A },
      { verb: "list", resource: "leases.coordination.k8s.io", namespace: R },
      { verb: "get", resource: "leases.coordination.k8s.io", namespace: R, name: "someone-else" },
      { verb: "update", resource: "leases.coordination.k8s.io", namespace: R, name: "someone-else" },
      { verb: "delete", resource: "leases.coordination.k8s.io", namespace: R, name: leaseName },
    ]), []);
  });

  test("the webhook, as its own ServiceAccount, writes through, reads back and releases (its RBAC is enough)", { timeout: 3 * 60_000 }, async () => {
    assert.ok(sync, "runs after the controller test (it reads back through the controller)");
    const ns = app.name;
    const logs: string[] = [];
    const logger = createLogger({
      level: "debug",
      destination: new Writable({ write(chunk: Buffer, _e, done) { logs.push(...chunk.toString("utf8").split("\n").filter(Boolean)); done(); } }),
    });
    const manager = new WriteThroughManager({
      kubeConfig: tokens.webhook,
      address: "127.0.0.1:0",
      certFile: env.state.pki.servingCert,
      keyFile: env.state.pki.servingKey,
      clientAuth: { mode: "certificate", caFile: env.state.pki.caCert, allowedNames: [WEBHOOK_CLIENT_NAME] },
      // Resolved as its own ServiceAccount: the kube-system UID through the namespace list it may do.
      cluster: await resolveClusterIdentity(tokens.webhook, undefined),
      // The chart's leader election, as its ServiceAccount: the Secret controller below runs as the leader.
      leaderElection: { namespace: system.name, name: "ferry-write-through", identity: `chart-test-${release}`, retryPeriodMs: 500, renewDeadlineMs: 5_000, leaseDurationMs: 10_000 },
      hashKey: randomBytes(32),
      excludeNamespaces: [system.name],
      defaultRecoveryWindowDays: 7,
      logger,
    });
    // Informers on stores, namespaces and Secrets: list and watch as the webhook's ServiceAccount.
    await manager.start(AbortSignal.timeout(30_000));
    await waitUntil("the webhook's Secret controller to lead", async () => manager.leading, { timeoutMs: 20_000 });
    try {
      // The chart's webhook entry, pointed at this process and confined to the test's namespace.
      const chartConfig = find(rendered, "MutatingWebhookConfiguration", "-write-through") as Manifest & { webhooks: Array<Record<string, unknown>> };
      testWebhookConfig = `${release}-chart-test`;
      const hook: k8s.V1MutatingWebhook = {
        ...(chartConfig.webhooks[0] as unknown as k8s.V1MutatingWebhook),
        clientConfig: { url: `${manager.server.url}/write-through`, caBundle: readFileSync(env.state.pki.caCert).toString("base64") },
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
      };
      await admin.makeApiClient(k8s.AdmissionregistrationV1Api).createMutatingWebhookConfiguration({ body: { metadata: { name: testWebhookConfig }, webhooks: [hook] } });
      await waitUntil("the write-through webhook to be active", async () => {
        try {
          const dry = await core.createNamespacedSecret({ namespace: ns, dryRun: "All", body: { metadata: { name: "probe", labels: { [WRITE_THROUGH_LABEL]: "aws" } }, stringData: { probe: "x" } } });
          return dry.metadata?.annotations?.[RECORDED.keys] === "probe";
        } catch {
          return false;
        }
      }, { timeoutMs: 30_000 });

      const canary = `wt-canary-${randomBytes(6).toString("hex")}`;
      const created = await core.createNamespacedSecret({
        namespace: ns,
        body: { metadata: { name: "written", labels: { [WRITE_THROUGH_LABEL]: "aws", [READ_BACK_LABEL]: "written-copy" } }, stringData: { password: canary } },
      });
      assert.ok(!JSON.stringify(created).includes(canary), "the stored Secret holds no value");
      const arn = created.metadata?.annotations?.[RECORDED.arn];
      assert.ok(arn, "the AWS secret's ARN is recorded");
      assert.ok(created.metadata?.finalizers?.includes(FINALIZER));
      const stored = await sm().send(new GetSecretValueCommand({ SecretId: arn }));
      assert.ok(stored.SecretString?.includes(canary), "the value is in AWS");

      // Read-back: the webhook applies an ExternalSecret (create + patch), the controller (as its own
      // ServiceAccount) materialises it.
      const copy = await sync.waitForSecret(ns, "written-copy", (s) => decode(s, "password") === canary, 60_000);
      assert.equal(decode(copy, "password"), canary);

      // Deletion: the webhook schedules the AWS deletion and releases its finalizer (patch).
      await core.deleteNamespacedSecret({ namespace: ns, name: "written" });
      await waitUntil("the finalizer to be released and the Secret gone", async () => {
        try {
          await core.readNamespacedSecret({ namespace: ns, name: "written" });
          return false;
        } catch (err) {
          if (err instanceof k8s.ApiException && err.code === 404) return true;
          throw err;
        }
      }, { timeoutMs: 30_000 });
      const described = await sm().send(new DescribeSecretCommand({ SecretId: arn }));
      assert.ok(described.DeletedDate, "the AWS secret is scheduled for deletion");
      assert.deepEqual(forbiddenLines(logs), [], "no call of the webhook was refused");
    } finally {
      await admin.makeApiClient(k8s.AdmissionregistrationV1Api).deleteMutatingWebhookConfiguration({ name: testWebhookConfig }).catch(() => undefined);
      await manager.stop();
    }
  });

  test("the webhook is refused what it must not do", async () => {
    const kc = tokens.webhook;
    const ns = app.name;
    const c = kc.makeApiClient(k8s.CoreV1Api);
    await refused("create a Secret", () => c.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "x" } }, dryRun: "All" }));
    await refused("delete a Secret", () => c.deleteNamespacedSecret({ namespace: ns, name: "jwt", dryRun: "All" }));
    await refused("rewrite its own webhook configuration", () => kc.makeApiClient(k8s.AdmissionregistrationV1Api).patchMutatingWebhookConfiguration({ name: `${release}-ferry-write-through`, body: { metadata: { labels: { x: "y" } } }, dryRun: "All" }, merge));
    const A = app.name;
    assert.deepEqual(await accessMismatches(kc, [
      ...["list", "watch"].flatMap((verb) => ["secretstores.external-secrets.io", "clustersecretstores.external-secrets.io", "namespaces", "secrets"].map((resource) => ({ verb, resource }))),
      ...["get", "patch"].map((verb) => ({ verb, resource: "secrets", namespace: A })),
      ...["get", "create", "patch"].map((verb) => ({ verb, resource: "externalsecrets.external-secrets.io", namespace: A })),
      { verb: "get", resource: "serviceaccounts", namespace: A },
      { verb: "create", resource: "serviceaccounts/token", namespace: A },
      { verb: "create", resource: "events", namespace: A },
      { verb: "patch", resource: "events", namespace: A },
      // Leader election of its Secret controller: its own Lease only.
      { verb: "create", resource: "leases.coordination.k8s.io", namespace: system.name },
      ...["get", "update"].map((verb) => ({ verb, resource: "leases.coordination.k8s.io", namespace: system.name, name: "ferry-write-through" })),
    ], [
      ...["create", "update", "delete"].map((verb) => ({ verb, resource: "secrets", namespace: A })),
      ...["update", "delete"].map((verb) => ({ verb, resource: "externalsecrets.external-secrets.io", namespace: A })),
      { verb: "patch", resource: "externalsecrets.external-secrets.io/status", namespace: A },
      { verb: "patch", resource: "secretstores.external-secrets.io/status", namespace: A },
      { verb: "create", resource: "secretstores.external-secrets.io", namespace: A },
      { verb: "create", resource: "leases.coordination.k8s.io", namespace: A },
      ...["get", "update"].map((verb) => ({ verb, resource: "leases.coordination.k8s.io", namespace: system.name, name: leaseName })),
      { verb: "get", resource: "configmaps", namespace: A },
      { verb: "list", resource: "pods" },
      { verb: "get", resource: "nodes", name: "any" },
      { verb: "delete", resource: "namespaces", name: A },
      { verb: "create", resource: "clusterrolebindings.rbac.authorization.k8s.io" },
      { verb: "update", resource: "customresourcedefinitions.apiextensions.k8s.io", name: "externalsecrets.external-secrets.io" },
    ]), []);
  });

  test("the CSI provider reads ServiceAccounts and nodes, never pods or Secrets", async () => {
    const kc = tokens["csi-provider"];
    const kube = new ApiServerMountKube(kc);
    // The reads a mount makes, through Ferry's own client: allowed, so a missing node is "not found", not "forbidden".
    assert.equal((await kube.serviceAccountAnnotations(app.name, "reader"))["eks.amazonaws.com/role-arn"], "arn:aws:iam::123456789012:role/reader");
    await assert.rejects(kube.nodeLabels(`no-such-node-${release}`), (err: Error & { reason?: string }) => err.reason === "NotFound");
    await assert.rejects(kube.podNodeName(app.name, "any"), (err: Error & { reason?: string }) => err.reason === "Forbidden");
    await refused("read a Secret", () => kc.makeApiClient(k8s.CoreV1Api).readNamespacedSecret({ namespace: app.name, name: "jwt" }));
    const A = app.name;
    assert.deepEqual(await accessMismatches(kc, [
      { verb: "get", resource: "serviceaccounts", namespace: A },
      { verb: "get", resource: "nodes", name: "any" },
    ], [
      { verb: "list", resource: "serviceaccounts", namespace: A },
      { verb: "create", resource: "serviceaccounts/token", namespace: A },
      { verb: "get", resource: "pods", namespace: A },
      { verb: "list", resource: "pods" },
      { verb: "get", resource: "secrets", namespace: A },
      { verb: "list", resource: "nodes" },
      { verb: "patch", resource: "nodes", name: "any" },
      { verb: "get", resource: "configmaps", namespace: A },
      { verb: "create", resource: "events", namespace: A },
    ]), []);
  });
});
