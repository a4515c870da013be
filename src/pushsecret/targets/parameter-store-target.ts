import type { PushSecretData } from "../../apis/push-secret.ts";
import { NotManagedError } from "../../providers/provider.ts";
import type { ParameterStoreWriter } from "../../providers/aws/parameterstore/write.ts";
import { parseParameterStoreMetadata } from "../metadata.ts";
import { MissingKeyError, reverseKeys, wholeSecretJson, type SourceData } from "../source-values.ts";
import { ESO_OWNER_TAGS } from "./secrets-manager-target.ts";
import { NotManagedByExternalSecretsError, PushConfigError, type DeleteOutcome, type PushOptions, type PushOutcome, type PushTarget } from "./push-target.ts";

/**
 * PushSecret to Parameter Store with ESO's bytes: String by default (SecureString with `alias/aws/ssm` unless
 * metadata names a key, StringList), ESO's description and tier, tags + managed-by=external-secrets; an
 * empty `secretKey` pushes the whole Secret as JSON with base64 values (decoded strings with
 * `encodeAsDecoded`). `property` is not supported by ESO's Parameter Store provider, so it is refused.
 */
export class ParameterStoreTarget implements PushTarget {
  readonly #writer: ParameterStoreWriter;
  readonly #prefix: string;

  constructor(writer: ParameterStoreWriter, prefix?: string) {
    this.#writer = writer;
    this.#prefix = prefix ?? "";
  }

  async push(entry: PushSecretData, source: SourceData, options: PushOptions, signal?: AbortSignal): Promise<PushOutcome> {
    const meta = parseParameterStoreMetadata(entry.metadata);
    if (!meta.ok) throw new PushConfigError(meta.error);
    const { remoteKey, property } = entry.match.remoteRef;
    if (property) throw new PushConfigError(`remoteRef.property is not supported for Parameter Store (as in ESO); push to its own parameter instead`);
    let data: SourceData;
    try {
      data = reverseKeys(source, entry.conversionStrategy);
    } catch (err) {
      if (err instanceof MissingKeyError) throw new PushConfigError(err.message);
      throw err;
    }
    const key = entry.match.secretKey;
    let value: Uint8Array;
    if (!key) value = wholeSecretJson(data, meta.value.encodeAsDecoded ? "decoded" : "base64");
    else {
      const v = data.get(key);
      if (!v) throw new PushConfigError(new MissingKeyError(`secret key ${key} does not exist`).message);
      value = v;
    }
    const m = meta.value;
    try {
      const result = await this.#writer.putParameter(
        {
          remoteKey,
          // ESO sends string(value): bytes that are not UTF-8 become U+FFFD there as here.
          value: new TextDecoder("utf-8").decode(value),
          type: m.secretType,
          kmsKeyId: m.kmsKeyId,
          tier: m.tier.type,
          policies: m.tier.policies,
          description: m.description,
          tags: m.tags,
          ownerTags: ESO_OWNER_TAGS,
          createOnly: options.createOnly,
        },
        signal,
      );
      return result;
    } catch (err) {
      if (err instanceof NotManagedError) throw new NotManagedByExternalSecretsError(`parameter "${this.#prefix}${remoteKey}"`);
      throw err;
    }
  }

  async delete(entry: PushSecretData, signal?: AbortSignal): Promise<DeleteOutcome> {
    return this.#writer.deleteParameter(entry.match.remoteRef.remoteKey, ESO_OWNER_TAGS, signal);
  }
}
