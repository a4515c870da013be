/**
 * The little a provider needs from Kubernetes to authenticate: a key of a Secret (static credentials), a
 * ServiceAccount's annotations (IRSA role and audience) and a TokenRequest (a short-lived token for
 * AssumeRoleWithWebIdentity). Narrow on purpose, so auth is unit-tested with a counting fake, and
 * implemented here over @kubernetes/client-node.
 */
import * as k8s from "@kubernetes/client-node";

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
 * A Kubernetes read that failed. The message names the object and the HTTP status only: the client's own
 * ApiException message carries the whole response body and headers, which must not reach logs.
 */
export class KubeAccessError extends Error {
  override readonly name = "KubeAccessError";
  readonly reason: KubeAccessFailure;

  constructor(reason: KubeAccessFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

export class ClientNodeKubeAccess implements KubeAccess {
  readonly #core: k8s.CoreV1Api;

  constructor(kubeConfig: k8s.KubeConfig) {
    this.#core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  }

  async readSecretKey(ref: SecretKeyRef): Promise<Uint8Array> {
    const what = `secret ${ref.namespace}/${ref.name}`;
    const secret = await this.#core.readNamespacedSecret({ namespace: ref.namespace, name: ref.name }).catch((err: unknown) => {
      throw asKubeAccessError(err, what);
    });
    const encoded = secret.data?.[ref.key];
    if (encoded === undefined) throw new KubeAccessError("NotFound", `${what}: key "${ref.key}" not found`);
    return Buffer.from(encoded, "base64");
  }

  async readServiceAccountAnnotations(namespace: string, name: string): Promise<Readonly<Record<string, string>>> {
    const sa = await this.#core.readNamespacedServiceAccount({ namespace, name }).catch((err: unknown) => {
      throw asKubeAccessError(err, `serviceaccount ${namespace}/${name}`);
    });
    return sa.metadata?.annotations ?? {};
  }

  async createServiceAccountToken(
    namespace: string,
    name: string,
    options: { audiences: readonly string[]; expirationSeconds: number },
  ): Promise<ServiceAccountToken> {
    const request = await this.#core
      .createNamespacedServiceAccountToken({
        namespace,
        name,
        body: { spec: { audiences: [...options.audiences], expirationSeconds: options.expirationSeconds } },
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
  if (err instanceof k8s.ApiException) {
    const code = err.code;
    if (code === 404) return new KubeAccessError("NotFound", `${what}: not found`);
    if (code === 401 || code === 403) return new KubeAccessError("Forbidden", `${what}: forbidden (HTTP ${code})`);
    return new KubeAccessError("Unavailable", `${what}: HTTP ${code}`);
  }
  const detail = err instanceof Error ? (err as NodeJS.ErrnoException).code ?? err.name : "unknown error";
  return new KubeAccessError("Unavailable", `${what}: ${detail}`);
}
