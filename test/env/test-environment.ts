import { readFileSync } from "node:fs";
import { randomInt } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import type { EnvironmentState } from "./environment.ts";
import { FaultProxy } from "./fault-proxy.ts";
import { probe, type ProbeResponse } from "./http-probe.ts";
import { tokenKubeconfigYaml } from "./kubeconfig.ts";

/**
 * The running environment as a test process sees it: `npm test` (test/run.ts) or `npm run env:up` start it
 * once and hand its state file over in FERRY_TEST_ENV.
 */
export class TestEnvironment {
  readonly state: EnvironmentState;

  constructor(state: EnvironmentState) {
    this.state = state;
  }

  static load(): TestEnvironment {
    const path = process.env.FERRY_TEST_ENV;
    if (!path) {
      throw new Error(
        "FERRY_TEST_ENV is not set: integration tests run under `npm test`, or after `npm run env:up` with its exports",
      );
    }
    return new TestEnvironment(JSON.parse(readFileSync(path, "utf8")) as EnvironmentState);
  }

  /** The admin (system:masters) client configuration. */
  kubeConfig(): k8s.KubeConfig {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(this.state.kubeconfig);
    return kc;
  }

  /** A raw request to the apiserver as the admin, for what typed clients do not offer (Table output). */
  request(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<ProbeResponse> {
    const { pki } = this.state;
    return probe(new URL(path, this.state.apiserverUrl).toString(), {
      method,
      headers: { accept: "application/json", ...(options.body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      tls: { ca: readFileSync(pki.caCert), cert: readFileSync(pki.adminCert), key: readFileSync(pki.adminKey) },
    });
  }

  /** A `kubectl get` row: the server-side Table of one object, column name (upper case) → cell. */
  async tableRow(path: string): Promise<Record<string, string>> {
    const res = await this.request("GET", path, { headers: { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" } });
    const table = JSON.parse(res.body) as { columnDefinitions?: Array<{ name: string }>; rows?: Array<{ cells: unknown[] }> };
    const cells = table.rows?.[0]?.cells ?? [];
    return Object.fromEntries((table.columnDefinitions ?? []).map((c, i) => [c.name.toUpperCase(), String(cells[i])]));
  }

  /** A client configuration that authenticates with a bearer token, e.g. a ServiceAccount's. */
  kubeConfigForToken(token: string, server = this.state.apiserverUrl): k8s.KubeConfig {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(tokenKubeconfigYaml(server, this.state.pki.caCert, token));
    return kc;
  }

  /** A fresh namespace for one test; deleted (and emptied by the namespace controller) by the returned cleanup. */
  async createNamespace(prefix = "t"): Promise<{ name: string; delete: () => Promise<void> }> {
    const core = this.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const ns = await core.createNamespace({
      body: { metadata: { generateName: `${prefix.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 40)}-`, labels: { "ferry.dev/test": "true" } } },
    });
    const name = ns.metadata!.name!;
    return { name, delete: async () => void (await core.deleteNamespace({ name }).catch(() => undefined)) };
  }

  /**
   * A fault proxy in front of moto for this test process only: its counts are this test's calls, and it
   * serves a fresh moto account of its own, so tests need no cleanup and never see each other's secrets.
   */
  startAwsProxy(accountId = TestEnvironment.newAccountId()): Promise<FaultProxy> {
    return FaultProxy.start({ target: this.state.motoUrl, motoAccountId: accountId });
  }

  /** A fault proxy in front of the apiserver, and an admin client configuration that goes through it. */
  async startKubeProxy(): Promise<{ proxy: FaultProxy; kubeConfig: k8s.KubeConfig }> {
    const { pki } = this.state;
    const proxy = await FaultProxy.start({
      target: this.state.apiserverUrl,
      serving: { cert: readFileSync(pki.servingCert), key: readFileSync(pki.servingKey) },
      upstreamTls: { ca: readFileSync(pki.caCert), cert: readFileSync(pki.adminCert), key: readFileSync(pki.adminKey) },
    });
    const kubeConfig = this.kubeConfig();
    const cluster = kubeConfig.getCurrentCluster()!;
    kubeConfig.clusters = [{ ...cluster, server: proxy.url }];
    return { proxy, kubeConfig };
  }

  /**
   * AWS settings through the SDK's standard environment variables, as Ferry reads them in production.
   * Point `endpoint` at a proxy from startAwsProxy() so the calls are counted and isolated per account.
   */
  awsEnvironment(endpoint: string): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: this.state.region,
      AWS_ACCESS_KEY_ID: "AKIDFERRYTEST",
      AWS_SECRET_ACCESS_KEY: "test",
    };
  }

  /** Sets the AWS environment on this process (each test file runs in its own process). */
  useAws(endpoint: string): void {
    Object.assign(process.env, this.awsEnvironment(endpoint));
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  }

  static newAccountId(): string {
    return String(randomInt(100_000_000_000, 999_999_999_999));
  }
}
