// What every benchmark scenario seeds: bounded-parallel work, and N Secrets Manager secrets behind one SecretStore
// authenticated with a static key (moto accepts any).
import type * as k8s from "@kubernetes/client-node";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** Runs fn over items with at most `limit` calls in flight. */
export async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** Creates one Secrets Manager secret per id (`{"password":"value-of-<id>"}`) and the SecretStore `aws` in `namespace`. */
export async function seedSecretsManagerStore(o: {
  core: k8s.CoreV1Api; custom: k8s.CustomObjectsApi; namespace: string; region: string; ids: readonly string[];
  parallel?: number; maxAttempts?: number;
}): Promise<void> {
  const sm = new SecretsManagerClient(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {});
  await inParallel(o.ids, o.parallel ?? 8, (id) => sm.send(new CreateSecretCommand({ Name: id, SecretString: JSON.stringify({ password: `value-of-${id}` }) })));
  await o.core.createNamespacedSecret({ namespace: o.namespace, body: { metadata: { name: "aws-creds" }, stringData: { "access-key": "AKIDBENCH", "secret-access-key": "bench" } } });
  await o.custom.createNamespacedCustomObject({
    group: "external-secrets.io", version: "v1", namespace: o.namespace, plural: "secretstores",
    body: {
      apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "aws" },
      spec: { provider: { aws: { service: "SecretsManager", region: o.region, auth: { secretRef: {
        accessKeyIDSecretRef: { name: "aws-creds", key: "access-key" },
        secretAccessKeySecretRef: { name: "aws-creds", key: "secret-access-key" },
      } } } } },
    },
  });
}
