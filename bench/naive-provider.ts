import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { NoSecretError, remoteSecretIdKey, type ClientRequest, type Provider, type ReadOutcome, type SecretsClient, type StoreValidation } from "../src/providers/provider.ts";
import type { AwsStoreSpec } from "../src/providers/aws/spec.ts";

/**
 * The baseline: what ESO does for AWS Secrets Manager today (eso.md §2.2–2.3, §3.1). A new SDK client and
 * credentials for every reconcile, and one GetSecretValue per remote key (deduplicated only within one
 * ExternalSecret). Used only by the benchmark, in the same process as Ferry, so results are ratios.
 */
export class NaiveAwsProvider implements Provider<AwsStoreSpec> {
  capabilities() {
    return "ReadWrite" as const;
  }

  validateStore(): StoreValidation {
    return { errors: [], warnings: [] };
  }

  async clientFor(request: ClientRequest<AwsStoreSpec>): Promise<SecretsClient> {
    const aws = request.store.spec.provider.aws;
    const ref = aws.auth?.secretRef;
    const namespace = request.namespace ?? request.store.namespace ?? "default";
    const read = async (sel: { name?: string | undefined; namespace?: string | undefined; key?: string | undefined } | undefined) =>
      new TextDecoder().decode(await request.kube.readSecretKey({ namespace: sel?.namespace ?? namespace, name: sel?.name ?? "", key: sel?.key ?? "" }));
    const credentials = ref ? { accessKeyId: await read(ref.accessKeyIDSecretRef), secretAccessKey: await read(ref.secretAccessKeySecretRef) } : undefined;
    const sm = new SecretsManagerClient({ region: aws.region, ...(credentials ? { credentials } : {}) });
    return {
      async readSecrets(ids) {
        const out = new Map<string, ReadOutcome>();
        for (const id of ids) {
          try {
            const r = await sm.send(new GetSecretValueCommand({ SecretId: `${aws.prefix ?? ""}${id.key}`, VersionStage: id.version ?? "AWSCURRENT" }));
            const value = r.SecretString !== undefined ? new TextEncoder().encode(r.SecretString) : (r.SecretBinary ?? new Uint8Array());
            out.set(remoteSecretIdKey(id), { ok: true, payload: { value, binary: r.SecretString === undefined } });
          } catch (err) {
            const error = (err as Error).name === "ResourceNotFoundException" ? new NoSecretError(id.key) : (err as Error);
            out.set(remoteSecretIdKey(id), { ok: false, error });
          }
        }
        return out;
      },
      async findSecrets() {
        throw new Error("find is not part of the benchmark");
      },
      async validate() {
        return "Ready";
      },
    };
  }

  forgetStore(): void {}
}
