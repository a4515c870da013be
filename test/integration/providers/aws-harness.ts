/**
 * Shared set-up for the AWS provider's integration tests: moto through a counting fault proxy (one moto
 * account per test file), the real apiserver, the provider as production builds it (SDK clients, endpoint
 * only from AWS_ENDPOINT_URL*), and small recorders for what the tests assert on.
 */
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { ApiServerKubeAccess, type KubeAccess, type SecretKeyRef, type ServiceAccountToken } from "../../../src/providers/kube-access.ts";
import type { ApiCallEvent, ReadOutcome, RemoteSecretId, StoreRef } from "../../../src/providers/provider.ts";
import { remoteSecretIdKey } from "../../../src/providers/provider.ts";
import { AwsProvider } from "../../../src/providers/aws/index.ts";
import type { AwsProviderSpec, AwsStoreSpec, RetrySettings } from "../../../src/providers/aws/spec.ts";
import { TestEnvironment, type FaultProxy } from "../../env/index.ts";

export interface AwsHarness {
  env: TestEnvironment;
  proxy: FaultProxy;
  region: string;
  /** The moto account behind the proxy, for role ARNs. */
  accountId: string;
  close(): Promise<void>;
}

export async function startAwsHarness(): Promise<AwsHarness> {
  const env = TestEnvironment.load();
  const proxy = await env.startAwsProxy();
  env.useAws(proxy.url);
  return { env, proxy, region: env.state.region, accountId: proxy.accountId!, close: () => proxy.close() };
}

let uid = 0;

/** A store as the sync layer hands it over; a fresh uid unless given. */
export function storeRef(
  region: string,
  spec: Partial<AwsProviderSpec> = {},
  options: { kind?: StoreRef<AwsStoreSpec>["kind"]; namespace?: string; uid?: string; generation?: number; retrySettings?: RetrySettings } = {},
): StoreRef<AwsStoreSpec> {
  const kind = options.kind ?? "SecretStore";
  return {
    kind,
    name: "aws",
    ...(kind === "SecretStore" ? { namespace: options.namespace ?? "default" } : {}),
    uid: options.uid ?? `store-${process.pid}-${++uid}`,
    generation: options.generation ?? 1,
    spec: { provider: { aws: { service: "SecretsManager", region, ...spec } }, ...(options.retrySettings ? { retrySettings: options.retrySettings } : {}) },
  };
}

/** A provider that records its API-call events and warnings. */
export function recordingProvider(options: { now?: () => number } = {}) {
  const apiCalls: ApiCallEvent[] = [];
  const warnings: string[] = [];
  const logged: string[] = [];
  const logger = {
    info: (fields: Record<string, unknown>, message: string) => void logged.push(`${message} ${JSON.stringify(fields)}`),
    warn: (fields: Record<string, unknown>, message: string) => {
      warnings.push(message);
      logged.push(`${message} ${JSON.stringify(fields)}`);
    },
  };
  const provider = new AwsProvider({ onApiCall: (e) => apiCalls.push(e), logger, ...(options.now ? { now: options.now } : {}) });
  return { provider, apiCalls, warnings, logged };
}

/** KubeAccess over the real apiserver that counts calls and keeps the tokens it obtained. */
export class RecordingKubeAccess implements KubeAccess {
  readonly calls = { readSecretKey: 0, readServiceAccountAnnotations: 0, createServiceAccountToken: 0 };
  readonly tokens: string[] = [];
  readonly #inner: KubeAccess;

  constructor(kubeConfig: k8s.KubeConfig) {
    this.#inner = new ApiServerKubeAccess(kubeConfig);
  }

  readSecretKey(ref: SecretKeyRef): Promise<Uint8Array> {
    this.calls.readSecretKey++;
    return this.#inner.readSecretKey(ref);
  }

  readServiceAccountAnnotations(namespace: string, name: string): Promise<Readonly<Record<string, string>>> {
    this.calls.readServiceAccountAnnotations++;
    return this.#inner.readServiceAccountAnnotations(namespace, name);
  }

  async createServiceAccountToken(namespace: string, name: string, options: { audiences: readonly string[]; expirationSeconds: number }): Promise<ServiceAccountToken> {
    this.calls.createServiceAccountToken++;
    const token = await this.#inner.createServiceAccountToken(namespace, name, options);
    this.tokens.push(token.token);
    return token;
  }
}

/** Records each AWS request's action and the access key id that signed it (none: unsigned), without faulting. */
export function recordSigners(proxy: FaultProxy): { seen: Array<{ action: string; signedBy: string | undefined }>; stop: () => void } {
  const seen: Array<{ action: string; signedBy: string | undefined }> = [];
  const stop = proxy.inject({
    match: (request) => {
      if (request.awsAction) {
        const auth = request.headers.authorization;
        const signedBy = typeof auth === "string" ? /Credential=([^/]+)\//.exec(auth)?.[1] : undefined;
        seen.push({ action: request.awsAction, signedBy });
      }
      return false;
    },
    fault: { kind: "latency", ms: 0 },
  });
  return { seen, stop };
}

/** moto's request recorder: the bodies of form-encoded calls (STS), to assert what was sent. */
export class MotoRecorder {
  readonly #motoUrl: string;

  constructor(motoUrl: string) {
    this.#motoUrl = motoUrl;
  }

  async start(): Promise<void> {
    await fetch(`${this.#motoUrl}/moto-api/recorder/start-recording`, { method: "POST" });
  }

  /** Form bodies of recorded requests with this STS Action. */
  async stsRequests(action: string): Promise<Array<URLSearchParams>> {
    const text = await (await fetch(`${this.#motoUrl}/moto-api/recorder/download-recording`)).text();
    const out: URLSearchParams[] = [];
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      const entry = JSON.parse(line) as { body?: string; body_encoded?: boolean };
      if (!entry.body) continue;
      const body = entry.body_encoded ? Buffer.from(entry.body, "base64").toString("utf8") : entry.body;
      const form = new URLSearchParams(body);
      if (form.get("Action") === action) out.push(form);
    }
    return out;
  }
}

export function text(outcome: ReadOutcome | undefined): string {
  assert.ok(outcome?.ok, `expected a value, got ${outcome && !outcome.ok ? `${outcome.error.name}: ${outcome.error.message}` : "nothing"}`);
  return new TextDecoder().decode(outcome.payload.value);
}

export function outcomeOf(results: Map<string, ReadOutcome>, id: RemoteSecretId): ReadOutcome | undefined {
  return results.get(remoteSecretIdKey(id));
}

export async function createSecret(kubeConfig: k8s.KubeConfig, namespace: string, name: string, data: Record<string, string>): Promise<void> {
  await kubeConfig.makeApiClient(k8s.CoreV1Api).createNamespacedSecret({ namespace, body: { metadata: { name }, stringData: data } });
}

export async function replaceSecret(kubeConfig: k8s.KubeConfig, namespace: string, name: string, data: Record<string, string>): Promise<void> {
  await kubeConfig.makeApiClient(k8s.CoreV1Api).replaceNamespacedSecret({ namespace, name, body: { metadata: { name }, stringData: data } });
}

export async function createServiceAccount(kubeConfig: k8s.KubeConfig, namespace: string, name: string, annotations: Record<string, string>): Promise<void> {
  await kubeConfig.makeApiClient(k8s.CoreV1Api).createNamespacedServiceAccount({ namespace, body: { metadata: { name, annotations } } });
}
