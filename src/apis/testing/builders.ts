/**
 * Valid objects for tests, with every CRD default already applied, i.e. as a client reads them back from
 * the apiserver. `mutate` edits a private copy in place (or returns a replacement); the result is not
 * re-validated, so tests can also build invalid objects on purpose.
 */
import { API_VERSION_V1, KIND_CLUSTER_EXTERNAL_SECRET, KIND_CLUSTER_SECRET_STORE, KIND_EXTERNAL_SECRET, KIND_SECRET_STORE } from "../constants.ts";
import { AWSProviderSchema, type AWSProvider } from "../aws-provider.ts";
import { ExternalSecretDataSchema, type ExternalSecret, type ExternalSecretData } from "../external-secret.ts";
import type { ClusterExternalSecret } from "../cluster-external-secret.ts";
import { mustParse, parseClusterExternalSecret, parseClusterSecretStore, parseExternalSecret, parseSecretStore } from "../parse.ts";
import type { ClusterSecretStore, SecretStore } from "../secret-store.ts";

export type Mutator<T> = (draft: T) => void | T;

function build<T>(base: T, mutate?: Mutator<T>): T {
  const draft = structuredClone(base);
  return mutate?.(draft) ?? draft;
}

/** An ExternalSecret `default/example` reading `app/db` (property `password`) from SecretStore `aws`. */
export function makeExternalSecret(mutate?: Mutator<ExternalSecret>): ExternalSecret {
  const base = mustParse(
    parseExternalSecret({
      apiVersion: API_VERSION_V1,
      kind: KIND_EXTERNAL_SECRET,
      metadata: { name: "example", namespace: "default" },
      spec: {
        secretStoreRef: { name: "aws", kind: KIND_SECRET_STORE },
        data: [{ secretKey: "password", remoteRef: { key: "app/db", property: "password" } }],
      },
    }),
  );
  return build(base, mutate);
}

/** One `data[]` entry with the remoteRef defaults applied. */
export function makeExternalSecretData(secretKey: string, key: string, mutate?: Mutator<ExternalSecretData>): ExternalSecretData {
  return build(ExternalSecretDataSchema.parse({ secretKey, remoteRef: { key } }), mutate);
}

/** An AWS provider block: Secrets Manager in us-east-1, SDK default credentials. */
export function makeAWSProvider(mutate?: Mutator<AWSProvider>): AWSProvider {
  return build(AWSProviderSchema.parse({ service: "SecretsManager", region: "us-east-1" }), mutate);
}

/** A SecretStore `default/aws` with makeAWSProvider(). */
export function makeSecretStore(mutate?: Mutator<SecretStore>): SecretStore {
  const base = mustParse(
    parseSecretStore({
      apiVersion: API_VERSION_V1,
      kind: KIND_SECRET_STORE,
      metadata: { name: "aws", namespace: "default" },
      spec: { provider: { aws: makeAWSProvider() } },
    }),
  );
  return build(base, mutate);
}

/** A ClusterSecretStore `aws` with makeAWSProvider(). */
export function makeClusterSecretStore(mutate?: Mutator<ClusterSecretStore>): ClusterSecretStore {
  const base = mustParse(
    parseClusterSecretStore({
      apiVersion: API_VERSION_V1,
      kind: KIND_CLUSTER_SECRET_STORE,
      metadata: { name: "aws" },
      spec: { provider: { aws: makeAWSProvider() } },
    }),
  );
  return build(base, mutate);
}

/**
 * A ClusterExternalSecret `shared` (uid `ces-uid`) fanning out an ExternalSecret that reads `app/db`
 * (property `password`) from ClusterSecretStore `aws` to the namespaces labelled `ferry.dev/shared=true`.
 */
export function makeClusterExternalSecret(mutate?: Mutator<ClusterExternalSecret>): ClusterExternalSecret {
  const base = mustParse(
    parseClusterExternalSecret({
      apiVersion: API_VERSION_V1,
      kind: KIND_CLUSTER_EXTERNAL_SECRET,
      metadata: { name: "shared", uid: "ces-uid", generation: 1 },
      spec: {
        namespaceSelectors: [{ matchLabels: { "ferry.dev/shared": "true" } }],
        externalSecretSpec: {
          secretStoreRef: { name: "aws", kind: KIND_CLUSTER_SECRET_STORE },
          data: [{ secretKey: "password", remoteRef: { key: "app/db", property: "password" } }],
        },
      },
    }),
  );
  return build(base, mutate);
}
