/** An in-memory KubeAccess for unit tests: Secrets, ServiceAccount annotations and TokenRequests, with call counts. */
import { KubeAccessError, type KubeAccess, type SecretKeyRef, type ServiceAccountToken } from "./kube-access.ts";

export class FakeKubeAccess implements KubeAccess {
  readonly calls = { readSecretKey: 0, readServiceAccountAnnotations: 0, createServiceAccountToken: 0 };
  readonly tokenRequests: Array<{ namespace: string; name: string; audiences: readonly string[]; expirationSeconds: number }> = [];
  readonly #secrets = new Map<string, Record<string, string>>();
  readonly #serviceAccounts = new Map<string, Record<string, string>>();
  #tokenCounter = 0;

  setSecret(namespace: string, name: string, data: Record<string, string>): void {
    this.#secrets.set(`${namespace}/${name}`, data);
  }

  setServiceAccount(namespace: string, name: string, annotations: Record<string, string>): void {
    this.#serviceAccounts.set(`${namespace}/${name}`, annotations);
  }

  async readSecretKey(ref: SecretKeyRef): Promise<Uint8Array> {
    this.calls.readSecretKey++;
    const data = this.#secrets.get(`${ref.namespace}/${ref.name}`);
    if (!data) throw new KubeAccessError("NotFound", `secret ${ref.namespace}/${ref.name}: not found`);
    const value = data[ref.key];
    if (value === undefined) throw new KubeAccessError("NotFound", `secret ${ref.namespace}/${ref.name}: key "${ref.key}" not found`);
    return new TextEncoder().encode(value);
  }

  async readServiceAccountAnnotations(namespace: string, name: string): Promise<Readonly<Record<string, string>>> {
    this.calls.readServiceAccountAnnotations++;
    const annotations = this.#serviceAccounts.get(`${namespace}/${name}`);
    if (!annotations) throw new KubeAccessError("NotFound", `serviceaccount ${namespace}/${name}: not found`);
    return annotations;
  }

  async createServiceAccountToken(
    namespace: string,
    name: string,
    options: { audiences: readonly string[]; expirationSeconds: number },
  ): Promise<ServiceAccountToken> {
    this.calls.createServiceAccountToken++;
    if (!this.#serviceAccounts.has(`${namespace}/${name}`)) throw new KubeAccessError("NotFound", `serviceaccount ${namespace}/${name}: not found`);
    this.tokenRequests.push({ namespace, name, ...options });
    return { token: `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0b2tlbi0${++this.#tokenCounter}In0.c2lnbmF0dXJl`, expiresAt: new Date(Date.now() + options.expirationSeconds * 1000) };
  }
}
