/**
 * ECRAuthorizationToken (ESO pkg/generator/ecr): GetAuthorizationToken, the token split into `username` and
 * `password`, with `proxy_endpoint` and `expires_at` (Unix seconds, UTC). The token is valid for 12 hours;
 * `expiresAtMs` lets the ExternalSecret refresh before it runs out (see refresh-policy.ts).
 */
import type { ECRAuthorizationTokenSpec } from "../apis/generators.ts";
import { AwsGeneratorClients, generatorLabel, type GeneratorIdentity } from "./aws-clients.ts";
import { GeneratorError, InvalidGeneratorError } from "./errors.ts";
import type { Generated } from "./generated.ts";

export async function generateEcrToken(
  clients: AwsGeneratorClients,
  generator: GeneratorIdentity,
  spec: ECRAuthorizationTokenSpec,
  namespace: string,
  signal?: AbortSignal,
): Promise<Generated> {
  const label = generatorLabel(generator);
  // ECR Public is a different API (ecr-public, us-east-1 only) that Ferry does not call yet: refused, never
  // silently answered with a private-registry token.
  if (spec.scope === "public") throw new InvalidGeneratorError(`${label}: spec.scope: public (ECR Public) is not supported by Ferry yet; omit scope for a private registry token`);
  const api = clients.clientsFor(generator, spec, namespace);
  const out = await api.ecr.getAuthorizationToken(signal).catch((err: unknown) => {
    throw AwsGeneratorClients.describe(err, `${label}: unable to get authorization token`, api.redactor);
  });
  const data = out.authorizationData ?? [];
  if (data.length !== 1) throw new GeneratorError(`${label}: unexpected number of authorization tokens. expected 1, found ${data.length}`);
  const entry = data[0]!;
  const decoded = Buffer.from(entry.authorizationToken ?? "", "base64").toString("utf8");
  const parts = decoded.split(":");
  if (parts.length !== 2) throw new GeneratorError(`${label}: unexpected token format`);
  const expiresAt = entry.expiresAt ?? new Date(0);
  return {
    data: new Map([
      ["username", Buffer.from(parts[0]!)],
      ["password", Buffer.from(parts[1]!)],
      ["proxy_endpoint", Buffer.from(entry.proxyEndpoint ?? "")],
      ["expires_at", Buffer.from(String(Math.floor(expiresAt.getTime() / 1000)))],
    ]),
    expiresAtMs: expiresAt.getTime(),
  };
}
