import { Command, InvalidArgumentError } from "commander";
import { isNotFound } from "../runtime/kube/api-error.ts";
import { kubeClient } from "../runtime/kube/kube-client.ts";
import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import { resourcePath } from "../runtime/kube/paths.ts";
import { GROUP, PLURAL_CLUSTER_SECRET_STORES, PLURAL_SECRET_STORES, VERSION_V1 } from "../apis/constants.ts";
import { formatIssues, parseClusterSecretStore, parseSecretStore, unsupportedProviderMessage } from "../apis/parse.ts";
import type { ClusterSecretStore, SecretStore } from "../apis/secret-store.ts";
import { AwsProvider } from "../providers/aws/index.ts";
import type { AwsStoreSpec } from "../providers/aws/spec.ts";
import { ApiServerKubeAccess } from "../providers/kube-access.ts";
import type { StoreRef } from "../providers/provider.ts";
import { remoteSecretIdKey } from "../providers/provider.ts";
import { defaultValueTransforms } from "../sync/value-transforms.ts";
import { contextNamespace, kubeErrorMessage, loadKubeConfig, reportErrors, UserError } from "./cli-support.ts";

export interface GetFlags {
  kubeconfig?: string;
  store: string;
  clusterStore: boolean;
  namespace?: string;
  key: string;
  property?: string;
  version?: string;
  reveal: boolean;
  timeout: number;
}

const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number of seconds.");
  return n;
};

export function getCommand(): Command {
  return new Command("get")
    .description("Read one remote key through a store's configuration with your local AWS credentials, to debug access.")
    .option("--kubeconfig <path>", "kubeconfig file; default: $KUBECONFIG, ~/.kube/config, then in-cluster")
    .requiredOption("--store <name>", "the SecretStore (or, with --cluster-store, ClusterSecretStore) to read through")
    .option("--cluster-store", "--store names a ClusterSecretStore", false)
    .option("-n, --namespace <name>", "the SecretStore's namespace, or for a ClusterSecretStore the ExternalSecret namespace its references resolve in; default: the kubeconfig context's, else default")
    .requiredOption("--key <key>", "the remote key (secret name or ARN, parameter name), as in remoteRef.key")
    .option("--property <path>", "a property of the value (gjson path), as in remoteRef.property")
    .option("--version <version>", "as remoteRef.version: a stage label or uuid/<VersionId> (Secrets Manager), a version or label (Parameter Store)")
    .option("--reveal", "print the value (or the property's value) to stdout; without it only metadata is printed", false)
    .option("--timeout <seconds>", "give up after this long", seconds, 30)
    .addHelpText(
      "after",
      "\nThe store is read from the cluster. Without spec.provider.aws.auth the SDK default chain is used locally" +
        "\n(AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, …); with auth, its Secret or ServiceAccount is read with your kubeconfig." +
        "\nrole and additionalRoles are assumed as the controller would. Endpoints: AWS_ENDPOINT_URL* as usual." +
        "\nExit status: 0 when the key (and the property) is found, else 1.",
    )
    .action(async (flags: GetFlags) => {
      await reportErrors(runGet)(flags);
      // A request the SDK did not abort (after a timeout) would keep the process alive: the answer is out.
      process.exit();
    });
}

export async function runGet(flags: GetFlags): Promise<void> {
  const kubeConfig = loadKubeConfig(flags.kubeconfig);
  const namespace = flags.namespace ?? contextNamespace(kubeConfig);
  const kind = flags.clusterStore ? "ClusterSecretStore" : "SecretStore";
  const label = flags.clusterStore ? `ClusterSecretStore ${flags.store}` : `SecretStore ${namespace}/${flags.store}`;
  const store = await readStore(kubeConfig, kind, flags.store, namespace, label);

  const provider = new AwsProvider();
  const signal = AbortSignal.timeout(flags.timeout * 1000);
  const id = { key: flags.key, version: flags.version };
  try {
    const ref: StoreRef<AwsStoreSpec> = {
      kind,
      name: flags.store,
      ...(kind === "SecretStore" ? { namespace } : {}),
      uid: store.metadata.uid ?? `${kind}/${namespace}/${flags.store}`,
      generation: store.metadata.generation ?? 0,
      spec: store.spec as unknown as AwsStoreSpec,
    };
    const client = await provider.clientFor({ store: ref, namespace, kube: new ApiServerKubeAccess(kubeConfig) });
    // The SDK may not abort every step (credentials, STS hops) on the signal: give up on our own as well.
    const timedOut = new Promise<never>((_, reject) =>
      signal.addEventListener("abort", () => reject(new Error(`timed out after ${flags.timeout}s`)), { once: true }),
    );
    timedOut.catch(() => undefined);
    const outcomes = await Promise.race([client.readSecrets([id], signal), timedOut]).catch((err: unknown) => {
      throw new UserError(`${label}: key ${flags.key}: ${signal.aborted ? `timed out after ${flags.timeout}s` : (err as Error).message}`);
    });
    const outcome = outcomes.get(remoteSecretIdKey(id));
    if (!outcome) throw new UserError(`${label}: key ${flags.key}: no result`);
    if (!outcome.ok) {
      const message = outcome.error.message.includes(flags.key) ? outcome.error.message : `key ${flags.key}: ${outcome.error.message}`;
      throw new UserError(`${label}: ${message}`);
    }
    const payload = outcome.payload;
    const selected = flags.property === undefined ? undefined : defaultValueTransforms.selectProperty(payload, flags.property);

    if (flags.reveal) {
      if (selected && !selected.found) throw new UserError(`${label}: key ${flags.key}: property ${JSON.stringify(flags.property)} not found`);
      process.stdout.write(Buffer.from(selected?.found ? selected.value : payload.value));
      return;
    }
    const lines: Array<[string, string]> = [
      ["store", label],
      ["key", flags.key],
      ...(flags.version ? [["version", flags.version] as [string, string]] : []),
      ["found", "true"],
      ["versionId", payload.versionId ?? "<none>"],
      ["binary", String(payload.binary)],
      ["bytes", String(payload.value.byteLength)],
    ];
    if (flags.property !== undefined) {
      lines.push(["property", flags.property]);
      lines.push(["propertyFound", String(selected?.found ?? false)]);
      if (selected?.found) lines.push(["propertyBytes", String(selected.value.byteLength)]);
    }
    process.stdout.write(lines.map(([k, v]) => `${k}: ${v}`).join("\n") + "\n(value hidden: pass --reveal to print it)\n");
    if (selected && !selected.found) {
      process.stderr.write(`error: ${label}: key ${flags.key}: property ${JSON.stringify(flags.property)} not found\n`);
      process.exitCode = 1;
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${label}: key ${flags.key}: ${(err as Error).message}`);
  } finally {
    provider.close();
  }
}

async function readStore(
  kubeConfig: KubeConfig,
  kind: "SecretStore" | "ClusterSecretStore",
  name: string,
  namespace: string,
  label: string,
): Promise<SecretStore | ClusterSecretStore> {
  let raw: unknown;
  try {
    const path =
      kind === "SecretStore"
        ? resourcePath({ group: GROUP, version: VERSION_V1, namespace, plural: PLURAL_SECRET_STORES, name })
        : resourcePath({ group: GROUP, version: VERSION_V1, plural: PLURAL_CLUSTER_SECRET_STORES, name });
    raw = await kubeClient(kubeConfig).get(path);
  } catch (err) {
    if (isNotFound(err)) throw new UserError(`${label} not found`);
    throw new UserError(kubeErrorMessage(err, `reading ${label}`));
  }
  const parsed = kind === "SecretStore" ? parseSecretStore(raw) : parseClusterSecretStore(raw);
  if (!parsed.ok) throw new UserError(`${label} is invalid: ${formatIssues(parsed.errors)}`);
  const provider = parsed.value.spec.provider as Record<string, unknown>;
  if (!provider.aws) {
    throw new UserError(`${label}: ${unsupportedProviderMessage(Object.keys(provider)[0] ?? "none")}`);
  }
  return parsed.value;
}
