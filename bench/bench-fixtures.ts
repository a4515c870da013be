// What every benchmark scenario seeds: bounded-parallel work, and N Secrets Manager secrets behind one SecretStore
// authenticated with a static key (moto accepts any).
import type * as k8s from "@kubernetes/client-node";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { setTimeout as sleep } from "node:timers/promises";

export interface InParallelOptions {
  /** Tries per item (default 1). A busy shared machine drops some calls: retrying keeps a long seeding going. */
  attempts?: number;
  /** Wait before try `attempt + 1`; default 1 s × attempt. */
  retryDelayMs?: (attempt: number) => number;
}

/**
 * Runs fn over items with at most `limit` calls in flight. With `attempts`, a failed call is tried again; a
 * 409 on a retry counts as done (a create that went through before its connection dropped: the retry finds
 * it there).
 */
export async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>, options: InParallelOptions = {}): Promise<void> {
  const attempts = options.attempts ?? 1;
  const retryDelayMs = options.retryDelayMs ?? ((attempt: number) => 1_000 * attempt);
  const tried = async (item: T) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(item);
      } catch (err) {
        if (attempt > 1 && (err as { code?: number }).code === 409) return undefined;
        if (attempt >= attempts) throw err;
        await sleep(retryDelayMs(attempt));
      }
    }
  };
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await tried(items[next++]!);
  }));
}

/** Creates one Secrets Manager secret per id (`{"password":"value-of-<id>"}`) and the SecretStore `aws` in `namespace`. */
export async function seedSecretsManagerStore(o: {
  core: k8s.CoreV1Api; custom: k8s.CustomObjectsApi; namespace: string; region: string; ids: readonly string[];
  parallel?: number;
  /** The SDK's own tries per call. */
  maxAttempts?: number;
  /** inParallel's tries per secret (InParallelOptions.attempts). */
  attempts?: number;
}): Promise<void> {
  const sm = new SecretsManagerClient(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {});
  await inParallel(o.ids, o.parallel ?? 8, (id) => sm.send(new CreateSecretCommand({ Name: id, SecretString: JSON.stringify({ password: `value-of-${id}` }) })), { attempts: o.attempts ?? 1 });
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
