// `ferry get`: one key read through a store from the cluster, with local credentials (or the store's own
// auth), against moto behind a counting proxy. Values reach stdout only with --reveal.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import * as k8s from "@kubernetes/client-node";
import { TestEnvironment, type FaultProxy } from "../../env/index.ts";
import { assertUserError, ferry } from "./cli-harness.ts";

const CANARY = "canary-cli-get-5b1f0e";
const env = TestEnvironment.load();
const group = "external-secrets.io";
let proxy: FaultProxy;
let custom: k8s.CustomObjectsApi;
let ns: { name: string; delete: () => Promise<void> };
const clusterStore = `ferry-cli-get-${Date.now()}`;
let childEnv: NodeJS.ProcessEnv;

const get = (...args: string[]) => ferry(["get", "--kubeconfig", env.state.kubeconfig, "-n", ns.name, ...args], { env: childEnv });

async function store(name: string, aws: Record<string, unknown>): Promise<void> {
  await custom.createNamespacedCustomObject({
    group, version: "v1", namespace: ns.name, plural: "secretstores",
    body: { apiVersion: `${group}/v1`, kind: "SecretStore", metadata: { name }, spec: { provider: { aws: { region: env.state.region, ...aws } } } },
  });
}

describe("ferry get", () => {
  before(async () => {
    proxy = await env.startAwsProxy();
    env.useAws(proxy.url);
    childEnv = { ...process.env, ...env.awsEnvironment(proxy.url) };
    custom = env.kubeConfig().makeApiClient(k8s.CustomObjectsApi);
    ns = await env.createNamespace("cli-get");
    await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: "app/db", SecretString: JSON.stringify({ user: "admin", password: CANARY }) }));
    await new SSMClient({}).send(new PutParameterCommand({ Name: "/app/token", Value: CANARY, Type: "SecureString" }));
    await store("aws", { service: "SecretsManager" });
    await store("ssm", { service: "ParameterStore" });
    await store("prefixed", { service: "SecretsManager", prefix: "app/" });
    await store("with-keys", { service: "SecretsManager", auth: { secretRef: { accessKeyIDSecretRef: { name: "aws-keys", key: "id" }, secretAccessKeySecretRef: { name: "aws-keys", key: "secret" } } } });
    await env.kubeConfig().makeApiClient(k8s.CoreV1Api).createNamespacedSecret({
      namespace: ns.name,
      body: { metadata: { name: "aws-keys" }, stringData: { id: "AKIDFROMSTORE", secret: "from-store" } },
    });
    await custom.createClusterCustomObject({
      group, version: "v1", plural: "clustersecretstores",
      body: { apiVersion: `${group}/v1`, kind: "ClusterSecretStore", metadata: { name: clusterStore }, spec: { provider: { aws: { service: "SecretsManager", region: env.state.region } } } },
    });
  });
  after(async () => {
    await custom.deleteClusterCustomObject({ group, version: "v1", plural: "clustersecretstores", name: clusterStore }).catch(() => undefined);
    await ns.delete();
    await proxy.close();
  });

  test("--help documents every flag", async () => {
    const r = await ferry(["get", "--help"]);
    assert.equal(r.status, 0);
    for (const flag of ["--store", "--cluster-store", "--namespace", "--key", "--property", "--version", "--reveal", "--kubeconfig"]) assert.ok(r.stdout.includes(flag), flag);
  });

  test("without --reveal: metadata only, never the value", async () => {
    const r = await get("--store", "aws", "--key", "app/db", "--property", "password");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`store: SecretStore ${ns.name}/aws`));
    assert.match(r.stdout, /found: true/);
    assert.match(r.stdout, /binary: false/);
    assert.match(r.stdout, /versionId: [0-9a-f-]{36}/);
    assert.match(r.stdout, new RegExp(`bytes: ${JSON.stringify({ user: "admin", password: CANARY }).length}`));
    assert.match(r.stdout, /propertyFound: true/);
    assert.match(r.stdout, new RegExp(`propertyBytes: ${CANARY.length}`));
    assert.ok(!(r.stdout + r.stderr).includes(CANARY), "no value without --reveal");
  });

  test("--reveal prints exactly the value (or the property's), nothing else", async () => {
    const property = await get("--store", "aws", "--key", "app/db", "--property", "password", "--reveal");
    assert.equal(property.status, 0, property.stderr);
    assert.equal(property.stdout, CANARY);
    const whole = await get("--store", "aws", "--key", "app/db", "--reveal");
    assert.deepEqual(JSON.parse(whole.stdout), { user: "admin", password: CANARY });
  });

  test("Parameter Store, a store prefix and a ClusterSecretStore go through the store's configuration", async () => {
    const ssm = await get("--store", "ssm", "--key", "/app/token", "--reveal");
    assert.equal(ssm.stdout, CANARY, ssm.stderr);
    const prefixed = await get("--store", "prefixed", "--key", "db", "--property", "user", "--reveal");
    assert.equal(prefixed.stdout, "admin", prefixed.stderr);
    const cluster = await get("--store", clusterStore, "--cluster-store", "--key", "app/db", "--property", "user", "--reveal");
    assert.equal(cluster.stdout, "admin", cluster.stderr);
  });

  test("a store with auth.secretRef reads its keys from the cluster, not the local environment", async () => {
    const local = { ...childEnv };
    delete local.AWS_ACCESS_KEY_ID;
    delete local.AWS_SECRET_ACCESS_KEY;
    delete local.AWS_PROFILE;
    const signedWith: string[] = [];
    const remove = proxy.inject({ match: (req) => {
        signedWith.push(String(req.headers.authorization ?? ""));
        return false;
      }, fault: { kind: "reset" } });
    const r = await ferry(["get", "--kubeconfig", env.state.kubeconfig, "-n", ns.name, "--store", "with-keys", "--key", "app/db", "--property", "user", "--reveal"], { env: local });
    assert.equal(r.stdout, "admin", r.stderr);
    remove();
    assert.ok(signedWith.length > 0 && signedWith.every((a) => a.includes("Credential=AKIDFROMSTORE/")), "signed with the store's key");
  });

  test("a missing key or property: the store, the key and the cause; exit 1", async () => {
    const missing = await get("--store", "aws", "--key", "app/nope");
    assertUserError(missing, new RegExp(`error: SecretStore ${ns.name}/aws: .*app/nope.*(not|exist|find)`, "i"));
    const noProperty = await get("--store", "aws", "--key", "app/db", "--property", "pasword");
    assert.equal(noProperty.status, 1);
    assert.match(noProperty.stdout, /propertyFound: false/);
    assert.match(noProperty.stderr, /error: SecretStore .*\/aws: key app\/db: property "pasword" not found/);
    assert.ok(!(noProperty.stdout + noProperty.stderr).includes(CANARY));
  });

  test("an unreachable backend: --timeout gives up with a message naming store and key", async () => {
    const remove = proxy.inject({ match: (req) => req.awsAction !== undefined, fault: { kind: "latency", ms: 20_000 } });
    try {
      const started = Date.now();
      const r = await get("--store", "aws", "--key", "app/db", "--timeout", "1");
      assertUserError(r, new RegExp(`error: SecretStore ${ns.name}/aws: key app/db: timed out after 1s`));
      assert.ok(Date.now() - started < 15_000, "exits promptly");
    } finally {
      remove();
    }
  });

  const bad: Array<{ args: string[]; message: RegExp }> = [
    { args: ["get", "--key", "x"], message: /required option '--store <name>' not specified/ },
    { args: ["get", "--store", "aws"], message: /required option '--key <key>' not specified/ },
    { args: ["get", "--store", "nope", "--key", "x"], message: /error: SecretStore cli-get-\w+\/nope not found/ },
    { args: ["get", "--store", "aws", "--key", "x", "--timeout", "soon"], message: /argument 'soon' is invalid\. must be a positive number of seconds/ },
  ];
  for (const c of bad) {
    test(`bad input: ferry ${c.args.join(" ")} → a clear message, non-zero exit`, async () => {
      assertUserError(c.args.includes("--store") && c.args.includes("--key") ? await get(...c.args.slice(1)) : await ferry(c.args), c.message);
    });
  }
});
