import { KubeAccessError, type KubeAccess } from "../../kube-access.ts";
import { InvalidStoreError } from "../../provider.ts";
import type { Redactor } from "../errors.ts";
import { AWS_SPEC_PATH, type AwsAuthSecretRef, type SecretKeySelector } from "../spec.ts";
import type { AwsCredentials } from "./credentials.ts";

/** How long static keys read from a Secret are used before the Secret is read again (rotation pickup). */
export const STATIC_KEYS_MAX_AGE_MS = 5 * 60_000;

/**
 * Reads `auth.secretRef` (access key id, secret access key, optional session token) from Kubernetes
 * Secrets. `namespaceOf` applies the store's namespace rules (referent auth). Values are trimmed: a key
 * written with `echo` carries a newline AWS would reject.
 */
export function staticKeysFetcher(
  secretRef: AwsAuthSecretRef,
  namespaceOf: (selector: SecretKeySelector) => string | undefined,
  kube: KubeAccess,
  redactor: Redactor,
): () => Promise<AwsCredentials> {
  const path = `${AWS_SPEC_PATH}.auth.secretRef`;
  const read = async (field: string, selector: SecretKeySelector | undefined): Promise<string> => {
    if (!selector?.name || !selector.key) throw new InvalidStoreError(`${path}.${field}: name and key are required`);
    const namespace = namespaceOf(selector);
    if (!namespace) throw new InvalidStoreError(`${path}.${field}: no namespace (a ClusterSecretStore reference without namespace resolves in the ExternalSecret's)`);
    try {
      const bytes = await kube.readSecretKey({ namespace, name: selector.name, key: selector.key });
      const value = Buffer.from(bytes).toString("utf8").trim();
      if (!value) throw new InvalidStoreError(`${path}.${field}: secret ${namespace}/${selector.name} key "${selector.key}" is empty`);
      redactor.add(value);
      return value;
    } catch (err) {
      if (err instanceof KubeAccessError) throw new InvalidStoreError(`${path}.${field}: ${err.message}`);
      throw err;
    }
  };
  return async () => {
    const [accessKeyId, secretAccessKey, sessionToken] = await Promise.all([
      read("accessKeyIDSecretRef", secretRef.accessKeyIDSecretRef),
      read("secretAccessKeySecretRef", secretRef.secretAccessKeySecretRef),
      secretRef.sessionTokenSecretRef ? read("sessionTokenSecretRef", secretRef.sessionTokenSecretRef) : Promise.resolve(undefined),
    ]);
    return { accessKeyId, secretAccessKey, sessionToken };
  };
}
