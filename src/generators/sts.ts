/**
 * STSSessionToken (ESO pkg/generator/sts): GetSessionToken with the request parameters, keys
 * `access_key_id`, `secret_access_key`, `session_token` and `expiration` (Unix seconds).
 */
import type { GetSessionTokenRequest } from "@aws-sdk/client-sts";
import type { STSSessionTokenSpec } from "../apis/generators.ts";
import { AwsGeneratorClients, generatorLabel, type GeneratorIdentity } from "./aws-clients.ts";
import { GeneratorError, InvalidGeneratorError } from "./errors.ts";
import type { Generated } from "./generated.ts";

export async function generateStsSessionToken(
  clients: AwsGeneratorClients,
  generator: GeneratorIdentity,
  spec: STSSessionTokenSpec,
  namespace: string,
  signal?: AbortSignal,
): Promise<Generated> {
  const label = generatorLabel(generator);
  // ESO's words: GetSessionToken needs long-term (IAM user) credentials, which a web identity never is.
  if (spec.auth?.jwt) throw new InvalidGeneratorError(`${label}: jwt auth cannot be used for STS Session Token generation`);
  const api = clients.clientsFor(generator, spec, namespace);
  const input: GetSessionTokenRequest = {};
  const p = spec.requestParameters;
  if (p?.sessionDuration !== undefined) input.DurationSeconds = p.sessionDuration;
  if (p?.serialNumber !== undefined) input.SerialNumber = p.serialNumber;
  if (p?.tokenCode !== undefined) input.TokenCode = p.tokenCode;
  const out = await api.sts.getSessionToken(input, signal).catch((err: unknown) => {
    throw AwsGeneratorClients.describe(err, `${label}: unable to get session token`, api.redactor);
  });
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new GeneratorError(`${label}: no credentials found`);
  const expiration = c.Expiration ?? new Date(0);
  return {
    data: new Map([
      ["access_key_id", Buffer.from(c.AccessKeyId)],
      ["expiration", Buffer.from(String(Math.floor(expiration.getTime() / 1000)))],
      ["secret_access_key", Buffer.from(c.SecretAccessKey)],
      ["session_token", Buffer.from(c.SessionToken)],
    ]),
    expiresAtMs: expiration.getTime(),
  };
}
