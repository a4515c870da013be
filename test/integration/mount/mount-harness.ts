/**
 * Shared set-up for the Mount path's integration tests: the provider as `ferry csi-provider` runs it (gRPC
 * server on a unix socket, MountService, SDK clients whose endpoint comes only from AWS_ENDPOINT_URL), moto
 * behind a counting fault proxy (one moto account per test file), the real apiserver for ServiceAccounts
 * and TokenRequest, and a gRPC client built from the same .proto that calls Mount the way the driver does.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import * as k8s from "@kubernetes/client-node";
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { LabelParameterVersionCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { CachingMountKube, ApiServerMountKube, CsiProviderServer, MountService, SessionCache, loadProviderService, type MountKube } from "../../../src/mount/index.ts";
import type { ApiCallEvent } from "../../../src/providers/provider.ts";
import { silentLogger } from "../../../src/runtime/logger.ts";
import { TestEnvironment, type FaultProxy } from "../../env/index.ts";

export const DRIVER_DEFAULT_PERMISSION = "420"; // Go os.FileMode(0644) as JSON, what the driver always sends

export interface WireFile {
  path: string;
  mode: number;
  contents: Buffer;
}

export interface WireMountResponse {
  object_version: Array<{ id: string; version: string }>;
  files: WireFile[];
  error: { code: string } | null;
}

export interface MountedVolume {
  /** path → text */
  files: Record<string, string>;
  /** path → mode */
  modes: Record<string, number>;
  /** object version id → version */
  versions: Record<string, string>;
  raw: WireMountResponse;
}

/** A pod as kubelet describes it to the driver. */
export interface PodInfo {
  namespace: string;
  name: string;
  uid: string;
  serviceAccount: string;
  /** The token kubelet minted for audience sts.amazonaws.com (here: a real TokenRequest). */
  token: string;
  tokenExpiration: string;
}

/** apiserver reads the provider made, by kind. */
export class CountingMountKube implements MountKube {
  readonly calls = { serviceAccount: 0, pod: 0, node: 0 };
  readonly #inner: MountKube;

  constructor(inner: MountKube) {
    this.#inner = inner;
  }

  serviceAccountAnnotations(namespace: string, name: string) {
    this.calls.serviceAccount++;
    return this.#inner.serviceAccountAnnotations(namespace, name);
  }

  podNodeName(namespace: string, name: string) {
    this.calls.pod++;
    return this.#inner.podNodeName(namespace, name);
  }

  nodeLabels(name: string) {
    this.calls.node++;
    return this.#inner.nodeLabels(name);
  }
}

export interface MountHarnessOptions {
  maxResponseBytes?: number;
  /** The provider's own AWS_REGION (ASCP's fallback); unset by default so tests say `region` explicitly. */
  envRegion?: string;
  nodeName?: string;
  podIdentityEndpoints?: { ipv4: string; ipv6: string };
}

export class MountHarness {
  readonly env: TestEnvironment;
  readonly proxy: FaultProxy;
  readonly region: string;
  readonly accountId: string;
  readonly kc: k8s.KubeConfig;
  readonly kube: CountingMountKube;
  readonly apiCalls: ApiCallEvent[] = [];
  readonly sessions: SessionCache;
  readonly server: CsiProviderServer;
  readonly client: grpc.Client & Record<string, (...args: unknown[]) => unknown>;
  readonly #dir: string;
  readonly #namespaces: Array<() => Promise<void>> = [];

  private constructor(fields: {
    env: TestEnvironment;
    proxy: FaultProxy;
    kube: CountingMountKube;
    sessions: SessionCache;
    server: CsiProviderServer;
    dir: string;
    apiCalls: ApiCallEvent[];
  }) {
    this.env = fields.env;
    this.proxy = fields.proxy;
    this.region = fields.env.state.region;
    this.accountId = fields.proxy.accountId!;
    this.kc = fields.env.kubeConfig();
    this.kube = fields.kube;
    this.sessions = fields.sessions;
    this.server = fields.server;
    this.#dir = fields.dir;
    this.apiCalls = fields.apiCalls;
    const Client = loadProviderService();
    this.client = new Client(`unix:${fields.server.socketPath}`, grpc.credentials.createInsecure()) as MountHarness["client"];
  }

  static async start(options: MountHarnessOptions = {}): Promise<MountHarness> {
    const env = TestEnvironment.load();
    const proxy = await env.startAwsProxy();
    env.useAws(proxy.url);
    const kube = new CountingMountKube(new ApiServerMountKube(env.kubeConfig()));
    const apiCalls: ApiCallEvent[] = [];
    const sessions = new SessionCache({ onApiCall: (e) => apiCalls.push(e) });
    const service = new MountService({
      kube: new CachingMountKube(kube, { serviceAccountTtlMs: 60_000, now: Date.now }),
      sessions,
      logger: silentLogger,
      envRegion: options.envRegion,
      nodeName: options.nodeName,
      maxResponseBytes: options.maxResponseBytes,
      podIdentityEndpoints: options.podIdentityEndpoints,
    });
    const dir = await mkdtemp(join(tmpdir(), "ferry-csi-"));
    const server = await CsiProviderServer.start({
      socketPath: join(dir, "ferry.sock"),
      runtimeName: "ferry",
      runtimeVersion: "0.1.0",
      logger: silentLogger,
      mount: (request, signal) => service.mount(request, signal),
    });
    return new MountHarness({ env, proxy, kube, sessions, server, dir, apiCalls });
  }

  async close(): Promise<void> {
    this.client.close();
    await this.server.close(1_000);
    this.sessions.close();
    await this.proxy.close();
    await rm(this.#dir, { recursive: true, force: true });
    for (const drop of this.#namespaces) await drop();
  }

  roleArn(name: string): string {
    return `arn:aws:iam::${this.accountId}:role/${name}`;
  }

  /**
   * A namespace with a ServiceAccount annotated with an IRSA role, and a pod's token for it from the real
   * TokenRequest API (audience sts.amazonaws.com), as kubelet would hand it to the driver.
   */
  async pod(options: { role?: string | null; serviceAccount?: string } = {}): Promise<PodInfo> {
    const ns = await this.env.createNamespace("mount");
    this.#namespaces.push(ns.delete);
    const serviceAccount = options.serviceAccount ?? "app";
    const core = this.kc.makeApiClient(k8s.CoreV1Api);
    const annotations = options.role === null ? {} : { "eks.amazonaws.com/role-arn": this.roleArn(options.role ?? `irsa-${randomUUID().slice(0, 8)}`) };
    await core.createNamespacedServiceAccount({ namespace: ns.name, body: { metadata: { name: serviceAccount, annotations } } });
    const { token, tokenExpiration } = await this.token(ns.name, serviceAccount);
    return { namespace: ns.name, name: "app-0", uid: randomUUID(), serviceAccount, token, tokenExpiration };
  }

  /** A fresh token for the ServiceAccount (kubelet rotating it). */
  async token(namespace: string, serviceAccount: string): Promise<{ token: string; tokenExpiration: string }> {
    const core = this.kc.makeApiClient(k8s.CoreV1Api);
    const request = await core.createNamespacedServiceAccountToken({
      namespace,
      name: serviceAccount,
      body: { spec: { audiences: ["sts.amazonaws.com"], expirationSeconds: 3600 } },
    });
    const { token, expirationTimestamp } = request.status ?? {};
    if (!token || !expirationTimestamp) throw new Error("TokenRequest returned no token");
    return { token, tokenExpiration: new Date(expirationTimestamp).toISOString() };
  }

  /**
   * The attributes the driver sends (nodeserver.go): SecretProviderClass parameters, then the kubelet volume
   * context (pod info with podInfoOnMount, the tokens JSON with tokenRequests).
   */
  attributes(parameters: Record<string, string>, pod: PodInfo): Record<string, string> {
    return {
      ...parameters,
      secretProviderClass: "app-secrets",
      "csi.storage.k8s.io/pod.name": pod.name,
      "csi.storage.k8s.io/pod.namespace": pod.namespace,
      "csi.storage.k8s.io/pod.uid": pod.uid,
      "csi.storage.k8s.io/serviceAccount.name": pod.serviceAccount,
      "csi.storage.k8s.io/ephemeral": "true",
      "csi.storage.k8s.io/serviceAccount.tokens": JSON.stringify({ "sts.amazonaws.com": { token: pod.token, expirationTimestamp: pod.tokenExpiration } }),
    };
  }

  /** Calls Mount over the socket. */
  async mountRaw(request: { attributes: Record<string, string>; secrets?: Record<string, string>; permission?: string }): Promise<WireMountResponse> {
    return await new Promise<WireMountResponse>((resolve, reject) => {
      const call = this.client.Mount as (req: unknown, cb: (err: grpc.ServiceError | null, res: WireMountResponse) => void) => void;
      call.call(
        this.client,
        {
          attributes: JSON.stringify(request.attributes),
          secrets: JSON.stringify(request.secrets ?? {}),
          target_path: "/var/lib/kubelet/pods/00000000-0000-0000-0000-000000000000/volumes/kubernetes.io~csi/secrets-store-inline/mount",
          permission: request.permission ?? DRIVER_DEFAULT_PERMISSION,
          current_object_version: [],
        },
        (err: grpc.ServiceError | null, res: WireMountResponse) => (err ? reject(err) : resolve(res)),
      );
    });
  }

  async mount(parameters: Record<string, string>, pod: PodInfo): Promise<MountedVolume> {
    return volumeOf(await this.mountRaw({ attributes: this.attributes(parameters, pod) }));
  }

  async version(): Promise<{ version: string; runtime_name: string; runtime_version: string }> {
    return await new Promise((resolve, reject) => {
      const call = this.client.Version as (req: unknown, cb: (err: grpc.ServiceError | null, res: { version: string; runtime_name: string; runtime_version: string }) => void) => void;
      call.call(this.client, { version: "v1alpha1" }, (err, res) => (err ? reject(err) : resolve(res)));
    });
  }

  secretsManager(region = this.region): SecretsManagerClient {
    return new SecretsManagerClient({ region });
  }

  /** Creates a secret; returns its ARN and first version id. */
  async createSecret(name: string, value: string, region = this.region): Promise<{ arn: string; versionId: string }> {
    const sm = this.secretsManager(region);
    try {
      const out = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
      return { arn: out.ARN!, versionId: out.VersionId! };
    } finally {
      sm.destroy();
    }
  }

  /** A new AWSCURRENT version; the previous one becomes AWSPREVIOUS. Optionally adds a custom stage to it. */
  async putSecretValue(name: string, value: string, stages?: string[]): Promise<string> {
    const sm = this.secretsManager();
    try {
      const out = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: value, ...(stages ? { VersionStages: stages } : {}) }));
      return out.VersionId!;
    } finally {
      sm.destroy();
    }
  }

  async moveStage(name: string, stage: string, toVersion: string, fromVersion?: string): Promise<void> {
    const sm = this.secretsManager();
    try {
      await sm.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: stage, MoveToVersionId: toVersion, ...(fromVersion ? { RemoveFromVersionId: fromVersion } : {}) }));
    } finally {
      sm.destroy();
    }
  }

  async putParameter(name: string, value: string, options: { overwrite?: boolean; type?: "String" | "SecureString" } = {}): Promise<number> {
    const ssm = new SSMClient({ region: this.region });
    try {
      const out = await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: options.type ?? "SecureString", Overwrite: options.overwrite ?? false }));
      return out.Version!;
    } finally {
      ssm.destroy();
    }
  }

  async labelParameter(name: string, version: number, label: string): Promise<void> {
    const ssm = new SSMClient({ region: this.region });
    try {
      await ssm.send(new LabelParameterVersionCommand({ Name: name, ParameterVersion: version, Labels: [label] }));
    } finally {
      ssm.destroy();
    }
  }
}

export function volumeOf(raw: WireMountResponse): MountedVolume {
  const files: Record<string, string> = {};
  const modes: Record<string, number> = {};
  for (const f of raw.files) {
    files[f.path] = f.contents.toString("utf8");
    modes[f.path] = f.mode;
  }
  const versions = Object.fromEntries(raw.object_version.map((v) => [v.id, v.version]));
  return { files, modes, versions, raw };
}

/** The objects parameter as an SPC author writes it (YAML inside the parameters map). */
export function objectsYaml(lines: string): string {
  return lines.replace(/^\n/, "");
}
