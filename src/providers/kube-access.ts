/**
 * The little a provider needs from Kubernetes to authenticate: a key of a Secret (static credentials), a
 * ServiceAccount's annotations (IRSA role and audience) and a TokenRequest (a short-lived token for
 * AssumeRoleWithWebIdentity). Narrow on purpose, so auth is unit-tested with a counting fake, and
 * implemented here over the runtime's Kubernetes client.
 */
import type { V1ServiceAccount, V1Secret, AuthenticationV1TokenRequest } from "@kubernetes/client-node";
import { kubeStatusCode } from "../runtime/kube/api-error.ts";
import { kubeClient, type KubeClient } from "../runtime/kube/kube-client.ts";
import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import { corePath } from "../runtime/kube/paths.ts";

export interface SecretKeyRef {
  namespace: string;
  name: string;
  key: string;
}

export interface ServiceAccountToken {
  token: string;
  expiresAt: Date;
}

export interface KubeAccess {
  /** The bytes of one key of a Secret. Rejects with KubeAccessError (NotFound when the Secret or key is missing). */
  readSecretKey(ref: SecretKeyRef): Promise<Uint8Array>;
  readServiceAccountAnnotations(namespace: string, name: string): Promise<Readonly<Record<string, string>>>;
  createServiceAccountToken(
    namespace: string,
    name: string,
    options: { audiences: readonly string[]; expirationSeconds: number },
  ): Promise<ServiceAccountToken>;
}

export type KubeAccessFailure = "NotFound" | "Forbidden" | "Unavailable";

/**
 * A Kubernetes read that failed. The message names the object and the HTTP status only: a response body
 * (which may echo the object) must not reach logs.
 */
export class KubeAccessError extends Error {
  override readonly name = "KubeAccessError";
  readonly reason: KubeAccessFailure;

  constructor(reason: KubeAccessFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** KubeAccess against the apiserver, through the runtime's own Kubernetes client (src/runtime/kube/). */
export class ApiServerKubeAccess implements KubeAccess {
  readonly #kube: KubeClient;

  constructor(kubeConfig: KubeConfig) {
    this.#kube = kubeClient(kubeConfig);
  }

  async readSecretKey(ref: SecretKeyRef): Promise<Uint8Array> {
    const what = `secret ${ref.namespace}/${ref.name}`;
    const secret = await this.#kube.get<V1Secret>(corePath("secrets", ref.namespace, ref.name)).catch((err: unknown) => {
      throw asKubeAccessError(err, what);
    });
    const encoded = secret.data?.[ref.key];
    if (encoded === undefined) throw new KubeAccessError("NotFound", `${what}: key "${ref.key}" not found`);
    return Buffer.from(encoded, "base64");
  }

  async readServiceAccountAnnotations(namespace: string, name: string): Promise<Readonly<Record<string, string>>> {
    const sa = await this.#kube.get<V1ServiceAccount>(corePath("serviceaccounts", namespace, name)).catch((err: unknown) => {
      throw asKubeAccessError(err, `serviceaccount ${namespace}/${name}`);
    });
    return sa.metadata?.annotations ?? {};
  }

  async createServiceAccountToken(
    namespace: string,
    name: string,
    options: { audiences: readonly string[]; expirationSeconds: number },
  ): Promise<ServiceAccountToken> {
    const request = await this.#kube
      .create<AuthenticationV1TokenRequest>(corePath("serviceaccounts", namespace, name, "token"), {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { audiences: [...options.audiences], expirationSeconds: options.expirationSeconds },
      })
      .catch((err: unknown) => {
        throw asKubeAccessError(err, `token request for serviceaccount ${namespace}/${name}`);
      });
    const status = request.status;
    if (!status?.token) throw new KubeAccessError("Unavailable", `token request for serviceaccount ${namespace}/${name}: no token in the response`);
    const expiresAt = status.expirationTimestamp ? new Date(status.expirationTimestamp) : new Date(Date.now() + options.expirationSeconds * 1000);
    return { token: status.token, expiresAt };
  }
}

function asKubeAccessError(err: unknown, what: string): KubeAccessError {
  const code = kubeStatusCode(err);
  if (code !== undefined) {
    if (code === 404) return new KubeAccessError("NotFound", `${what}: not found`);
    if (code === 401 || code === 403) return new KubeAccessError("Forbidden", `${what}: forbidden (HTTP ${code})`);
    return new KubeAccessError("Unavailable", `${what}: HTTP ${code}`);
  }
  const detail = err instanceof Error ? (err as NodeJS.ErrnoException).code ?? err.name : "unknown error";
  return new KubeAccessError("Unavailable", `${what}: ${detail}`);
}
