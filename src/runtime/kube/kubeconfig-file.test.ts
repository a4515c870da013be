import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { inClusterKubeConfig } from "./in-cluster.ts";
import { contextNamespace, currentContextOf, type KubeConfig } from "./kubeconfig.ts";
import { mergeKubeConfigs, parseKubeConfig } from "./kubeconfig-file.ts";
import { loadKubeConfig } from "./load-kubeconfig.ts";

/** A valid kubeconfig document; `cluster`/`user`/`context` fields override the defaults. */
function kubeconfigYaml(options: { cluster?: Record<string, unknown>; user?: Record<string, unknown>; context?: Record<string, unknown>; current?: string } = {}): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: { server: "https://10.0.0.1:6443/", ...options.cluster } }],
    users: [{ name: "u", user: { ...options.user } }],
    contexts: [{ name: "x", context: { cluster: "c", user: "u", ...options.context } }],
    "current-context": options.current ?? "x",
  });
}

const parse = (text: string) => parseKubeConfig(text, { source: "test.kubeconfig", dir: "/etc/kube" });

describe("parseKubeConfig", () => {
  const cases: Array<{ name: string; yaml: string; cluster?: object; user?: object; namespace?: string }> = [
    {
      name: "certificate data inline",
      yaml: kubeconfigYaml({ cluster: { "certificate-authority-data": "Q0E=" }, user: { "client-certificate-data": "Q0VSVA==", "client-key-data": "S0VZ" } }),
      cluster: { server: "https://10.0.0.1:6443", caData: "Q0E=", caFile: undefined, skipTLSVerify: false },
      user: { certData: "Q0VSVA==", keyData: "S0VZ", certFile: undefined, keyFile: undefined },
    },
    {
      name: "certificate files, relative to the kubeconfig's directory",
      yaml: kubeconfigYaml({ cluster: { "certificate-authority": "pki/ca.crt" }, user: { "client-certificate": "/abs/client.crt", "client-key": "client.key" } }),
      cluster: { caFile: "/etc/kube/pki/ca.crt", caData: undefined },
      user: { certFile: "/abs/client.crt", keyFile: "/etc/kube/client.key" },
    },
    { name: "token", yaml: kubeconfigYaml({ user: { token: "abc" } }), user: { token: "abc", tokenFile: undefined } },
    { name: "tokenFile", yaml: kubeconfigYaml({ user: { tokenFile: "sa/token" } }), user: { token: undefined, tokenFile: "/etc/kube/sa/token" } },
    {
      name: "insecure-skip-tls-verify and tls-server-name",
      yaml: kubeconfigYaml({ cluster: { "insecure-skip-tls-verify": true, "tls-server-name": "kubernetes.default" } }),
      cluster: { skipTLSVerify: true, tlsServerName: "kubernetes.default" },
    },
    { name: "context namespace", yaml: kubeconfigYaml({ context: { namespace: "team-a" } }), namespace: "team-a" },
    { name: "no context namespace is default", yaml: kubeconfigYaml(), namespace: "default" },
    {
      name: "exec plugin kept for client-node",
      yaml: kubeconfigYaml({ user: { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "aws", args: ["eks", "get-token"] } } }),
      user: { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "aws", args: ["eks", "get-token"] } },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const config = parse(c.yaml);
      const current = currentContextOf(config);
      if (c.cluster) for (const [k, v] of Object.entries(c.cluster)) assert.deepEqual(current.cluster[k as keyof typeof current.cluster], v, k);
      if (c.user) for (const [k, v] of Object.entries(c.user)) assert.deepEqual(current.user[k as keyof typeof current.user], v, k);
      if (c.namespace) assert.equal(contextNamespace(config), c.namespace);
    });
  }

  const errors: Array<{ name: string; config: () => KubeConfig; message: RegExp }> = [
    { name: "missing current context", config: () => parse(kubeconfigYaml({ current: "gone" })), message: /current-context "gone" is not one of its contexts/ },
    { name: "no current context", config: () => parse(kubeconfigYaml({ current: "" })), message: /sets no current-context/ },
    { name: "context names an unknown cluster", config: () => parse(kubeconfigYaml({ context: { cluster: "other" } })), message: /names cluster "other", which the kubeconfig does not define/ },
    { name: "cluster without server", config: () => parse(kubeconfigYaml({ cluster: { server: "" } })), message: /clusters\[0\] \(c\) has no server/ },
    { name: "not YAML", config: () => parse("clusters: [\n  - a: b\n  c"), message: /test.kubeconfig: not YAML/ },
    { name: "not a map", config: () => parse("- a\n- b\n"), message: /not a kubeconfig/ },
  ];
  for (const c of errors) test(`error: ${c.name}`, () => assert.throws(() => currentContextOf(c.config()), c.message));

  test("a key in a malformed file never appears in the error", () => {
    const text = `users:\n- name: u\n  user:\n    client-key-data: SECRETKEYMATERIAL\n    token: [unclosed\n`;
    assert.throws(() => parse(text), (err: Error) => !err.message.includes("SECRETKEYMATERIAL") && /not YAML/.test(err.message));
  });
});

describe("mergeKubeConfigs", () => {
  test("the first file to name a cluster, user, context or the current context wins, as kubectl merges KUBECONFIG", () => {
    const a = parse(kubeconfigYaml({ user: { token: "from-a" }, current: "" }));
    const b = parse(kubeconfigYaml({ user: { token: "from-b" }, current: "x" }));
    const merged = mergeKubeConfigs([a, b]);
    assert.equal(merged.currentContext, "x");
    assert.equal(currentContextOf(merged).user.token, "from-a");
  });
});

describe("loadKubeConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "ferry-kubeconfig-"));
  const file = join(dir, "config");
  writeFileSync(file, kubeconfigYaml({ user: { token: "t", "client-key": "client.key" } }));
  const saDir = join(dir, "sa");
  const emptyHome = join(dir, "home");

  test("an explicit file, with relative paths against its directory", () => {
    const config = loadKubeConfig(file, { env: {} });
    assert.equal(currentContextOf(config).user.keyFile, join(dir, "client.key"));
  });

  test("KUBECONFIG files that do not exist are skipped", () => {
    const config = loadKubeConfig(undefined, { env: { KUBECONFIG: `${join(dir, "missing")}:${file}` }, home: emptyHome });
    assert.equal(currentContextOf(config).cluster.server, "https://10.0.0.1:6443");
  });

  test("in a pod: the apiserver from the service environment, the mounted CA and a token file", () => {
    writeFileSyncDeep(join(saDir, "token"), "sa-token");
    writeFileSyncDeep(join(saDir, "namespace"), "ferry-system\n");
    const config = loadKubeConfig(undefined, { env: { KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443" }, home: emptyHome, serviceAccountDir: saDir });
    const { cluster, user } = currentContextOf(config);
    assert.equal(cluster.server, "https://[fd00::1]:443");
    assert.equal(cluster.caFile, join(saDir, "ca.crt"));
    assert.equal(user.tokenFile, join(saDir, "token"));
    assert.equal(contextNamespace(config), "ferry-system");
  });

  test("nothing to load is a clear error", () => {
    assert.throws(() => loadKubeConfig(undefined, { env: {}, home: emptyHome, serviceAccountDir: join(dir, "none") }), /no kubeconfig: pass --kubeconfig, set KUBECONFIG/);
  });

  test("in-cluster without the service environment is a clear error", () => {
    assert.throws(() => inClusterKubeConfig({}, saDir), /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set/);
  });

  test("an explicit file that does not exist names it", () => {
    assert.throws(() => loadKubeConfig(join(dir, "nope"), { env: {} }), /nope: no such file/);
  });
});

function writeFileSyncDeep(path: string, content: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
}
