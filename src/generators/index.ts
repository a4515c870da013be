/**
 * generators.external-secrets.io for the controller: one registry per process, shared by ExternalSecrets and
 * PushSecrets. See docs/generators.md and docs/adr/0015-generators.md.
 */
import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import type { KubeAccess } from "../providers/kube-access.ts";
import type { CredentialSource } from "../providers/aws/auth/credentials.ts";
import { AwsProvider } from "../providers/aws/provider.ts";
import { defaultChainCredentials } from "../providers/aws/sdk-clients.ts";
import { AwsGeneratorClients } from "./aws-clients.ts";
import { KubeGeneratorSource } from "./kube-source.ts";
import { GeneratorRegistry } from "./registry.ts";

export { GeneratorRegistry, type GeneratorRunner } from "./registry.ts";
export type { Generated } from "./generated.ts";

export interface CreateGeneratorsOptions {
  kubeConfig: KubeConfig;
  kube: KubeAccess;
  /** The store provider: its default credentials, API call metrics and timeouts are shared when it is AWS's. */
  provider?: unknown;
  kubeRequestTimeoutMs?: number | undefined;
}

export function createGeneratorRegistry(options: CreateGeneratorsOptions): GeneratorRegistry {
  const aws = options.provider instanceof AwsProvider ? options.provider : undefined;
  const settings = aws?.sdkSettings;
  const own = new Map<string, CredentialSource>();
  const defaultCredentials = (region: string): CredentialSource => {
    if (aws) return aws.defaultCredentials(region);
    let source = own.get(region);
    if (!source) own.set(region, (source = defaultChainCredentials({ region, now: Date.now })));
    return source;
  };
  return new GeneratorRegistry({
    source: new KubeGeneratorSource(options.kubeConfig, { timeoutMs: options.kubeRequestTimeoutMs }),
    aws: new AwsGeneratorClients({ kube: options.kube, defaultCredentials, onApiCall: settings?.onApiCall, timeouts: settings?.timeouts, now: settings?.now ?? Date.now }),
  });
}
