import type { PushSecretData } from "../../apis/push-secret.ts";
import { NotManagedError, type PushSecretRequest, type SecretsWriter } from "../../providers/provider.ts";
import type { AwsSecretsManagerOptions } from "../../providers/aws/spec.ts";
import { PropertyPathError, setJsonProperty } from "../json-property.ts";
import { MANAGED_BY_ESO, MANAGED_BY_TAG, parseSecretsManagerMetadata, type ResourcePolicyMetadata, type SecretsManagerPushMetadata } from "../metadata.ts";
import { entryValue, MissingKeyError, reverseKeys, type SourceData } from "../source-values.ts";
import type { VersionTokens } from "../version-tokens.ts";
import { NotManagedByExternalSecretsError, PushConfigError, type DeleteOutcome, type PushOptions, type PushOutcome, type PushTarget } from "./push-target.ts";

/** ESO's ownership of a pushed secret: the one tag its AWS provider sets and checks. */
export const ESO_OWNER_TAGS: Readonly<Record<string, string>> = Object.freeze({ [MANAGED_BY_TAG]: MANAGED_BY_ESO });

export interface SecretsManagerTargetOptions {
  writer: SecretsWriter;
  tokens: VersionTokens;
  /** The store's `prefix` (the writer prepends it on writes; deletes address the full name). */
  prefix?: string | undefined;
  /** The store's `secretsManager` settings: the recovery window of deletions. */
  deletion?: AwsSecretsManagerOptions | undefined;
  /**
   * Reads a resource policy document from a ConfigMap or Secret of the PushSecret's namespace (metadata
   * `resourcePolicy.policySourceRef`); throws with a message naming the object and key, never the content.
   */
  policySource?: ((ref: ResourcePolicyMetadata["policySourceRef"], signal?: AbortSignal) => Promise<string>) | undefined;
}

/**
 * PushSecret to Secrets Manager with ESO's bytes: SecretBinary unless metadata says `secretPushFormat:
 * string`; tags = metadata tags + managed-by=external-secrets; ESO's default description; `property` sets
 * one key of a JSON secret (sjson); an existing secret without the tag is refused. Better than ESO: nothing
 * is written when the current value already is the new one, versions are idempotent, and a secret that a
 * previous sync recorded is described first rather than created optimistically.
 */
export class SecretsManagerTarget implements PushTarget {
  readonly #options: SecretsManagerTargetOptions;

  constructor(options: SecretsManagerTargetOptions) {
    this.#options = options;
  }

  async push(entry: PushSecretData, source: SourceData, options: PushOptions, signal?: AbortSignal): Promise<PushOutcome> {
    const meta = parseSecretsManagerMetadata(entry.metadata);
    if (!meta.ok) throw new PushConfigError(meta.error);
    const { remoteKey, property } = entry.match.remoteRef;
    const value = valueOf(source, entry);
    const name = (this.#options.prefix ?? "") + remoteKey;
    // Resolved before anything is written: a missing or invalid policy leaves the remote secret as it was
    // (ESO creates the secret first and then fails on the policy, leaving it without one).
    const resourcePolicy = await this.#resourcePolicy(meta.value, options.previous, signal);
    try {
      const result = await this.#options.writer.pushSecret(
        {
          remoteKey,
          value,
          format: meta.value.secretPushFormat,
          ownerTags: ESO_OWNER_TAGS,
          tags: meta.value.tags,
          description: meta.value.description,
          kmsKeyId: meta.value.kmsKeyId,
          versionToken: "",
          versionTokenFor: (previous, bytes) => this.#options.tokens.tokenFor(name, previous, bytes),
          describeFirst: options.expectExisting,
          skipIfEqual: true,
          createOnly: options.createOnly,
          merge: property ? (current) => mergeProperty(current?.value, property, value) : undefined,
          resourcePolicy,
        },
        signal,
      );
      return { outcome: result.outcome, calls: result.calls };
    } catch (err) {
      if (err instanceof NotManagedError) throw new NotManagedByExternalSecretsError(`secret "${name}"`);
      throw err;
    }
  }

  /**
   * What the writer does with the secret's resource policy: the document from the policy source when the
   * metadata has `resourcePolicy` (an empty document: none, as ESO); none when the entry recorded by the last
   * sync had one and the metadata no longer does; otherwise nothing. ESO deletes the policy on every push
   * without `resourcePolicy`, including a policy someone else attached; Ferry removes only one it managed.
   */
  async #resourcePolicy(meta: SecretsManagerPushMetadata, previous: PushSecretData | undefined, signal?: AbortSignal): Promise<PushSecretRequest["resourcePolicy"]> {
    if (meta.resourcePolicy) {
      if (!this.#options.policySource) throw new PushConfigError("resourcePolicy needs a policy source reader");
      const policy = await this.#options.policySource(meta.resourcePolicy.policySourceRef, signal);
      if (policy !== "" && !isJsonObject(policy)) {
        const { kind, name, key } = meta.resourcePolicy.policySourceRef;
        throw new PushConfigError(`resource policy in ${kind} ${name} key ${key} is not a JSON object`);
      }
      return { policy: policy || undefined, blockPublicPolicy: meta.resourcePolicy.blockPublicPolicy };
    }
    if (previous === undefined) return undefined;
    const before = parseSecretsManagerMetadata(previous.metadata);
    return before.ok && before.value.resourcePolicy ? { policy: undefined } : undefined;
  }

  async delete(entry: PushSecretData, signal?: AbortSignal): Promise<DeleteOutcome> {
    const remoteId = (this.#options.prefix ?? "") + entry.match.remoteRef.remoteKey;
    const deletion = this.#options.deletion;
    try {
      const result = await this.#options.writer.deleteSecret(
        {
          remoteId,
          ownerTags: ESO_OWNER_TAGS,
          forceDeleteWithoutRecovery: deletion?.forceDeleteWithoutRecovery,
          recoveryWindowInDays: deletion?.recoveryWindowInDays && deletion.recoveryWindowInDays > 0 ? deletion.recoveryWindowInDays : undefined,
        },
        signal,
      );
      return { outcome: result.outcome, deletionDate: result.deletionDate, calls: result.calls };
    } catch (err) {
      // ESO: a secret that is not ours is, for this PushSecret, already gone; it is never deleted.
      if (err instanceof NotManagedError) return { outcome: "not-managed", calls: ["DescribeSecret"] };
      throw err;
    }
  }
}

function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

function valueOf(source: SourceData, entry: PushSecretData): Uint8Array {
  try {
    return entryValue(reverseKeys(source, entry.conversionStrategy), entry.match.secretKey);
  } catch (err) {
    if (err instanceof MissingKeyError) throw new PushConfigError(err.message);
    throw err;
  }
}

function mergeProperty(current: Uint8Array | undefined, property: string, value: Uint8Array): Uint8Array {
  try {
    return setJsonProperty(current, property, value);
  } catch (err) {
    if (err instanceof PropertyPathError) throw new PushConfigError(err.message);
    throw err;
  }
}
