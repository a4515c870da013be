import { Command, Option } from "commander";
import * as k8s from "@kubernetes/client-node";
import { GROUP, PLURAL_EXTERNAL_SECRETS, VERSION_V1 } from "../apis/constants.ts";
import { contextNamespace, formatAge, formatTable, kubeErrorMessage, loadKubeConfig, reportErrors, UserError } from "./cli-support.ts";

export interface StatusFlags {
  kubeconfig?: string;
  namespace?: string;
  allNamespaces: boolean;
  output: "table" | "json";
  failOnError: boolean;
}

/** One ExternalSecret as `ferry status` shows it. */
export interface ExternalSecretStatusRow {
  namespace: string;
  name: string;
  store: { kind: string; name: string };
  /** The Ready condition's status: True, False or Unknown (Unknown when there is no condition yet). */
  ready: string;
  reason: string;
  /** The Ready condition's message when it is not True (an error message), else "". */
  message: string;
  /** status.refreshTime: the start of the last successful sync, when there was one. */
  lastSync: string | null;
}

interface ExternalSecretLike {
  metadata?: { namespace?: string; name?: string };
  spec?: { secretStoreRef?: { name?: string; kind?: string } };
  status?: { refreshTime?: string | null; conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> };
}

export function statusCommand(): Command {
  return new Command("status")
    .description("Show ExternalSecrets: store, Ready condition, last sync and the last error.")
    .option("--kubeconfig <path>", "kubeconfig file; default: $KUBECONFIG, ~/.kube/config, then in-cluster")
    .addOption(new Option("-n, --namespace <name>", "namespace; default: the kubeconfig context's, else default").conflicts("allNamespaces"))
    .option("-A, --all-namespaces", "ExternalSecrets of every namespace", false)
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .option("--fail-on-error", "exit 1 when any ExternalSecret is not Ready", false)
    .addHelpText(
      "after",
      "\nExit status: 0, or 1 with --fail-on-error when any ExternalSecret is not Ready (or on an error reaching the cluster).",
    )
    .action(reportErrors(async (flags: StatusFlags) => runStatus(flags)));
}

export async function runStatus(flags: StatusFlags): Promise<void> {
  const kubeConfig = loadKubeConfig(flags.kubeconfig);
  const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const namespace = flags.allNamespaces ? undefined : (flags.namespace ?? contextNamespace(kubeConfig));
  const where = namespace ? `namespace ${namespace}` : "all namespaces";
  let list: { items?: ExternalSecretLike[] };
  try {
    list = (namespace
      ? await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION_V1, namespace, plural: PLURAL_EXTERNAL_SECRETS })
      : await custom.listClusterCustomObject({ group: GROUP, version: VERSION_V1, plural: PLURAL_EXTERNAL_SECRETS })) as { items?: ExternalSecretLike[] };
  } catch (err) {
    throw new UserError(kubeErrorMessage(err, `listing ExternalSecrets in ${where}`));
  }
  const rows = (list.items ?? []).map(toRow).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));

  if (flags.output === "json") {
    process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
  } else if (rows.length === 0) {
    process.stderr.write(`No ExternalSecrets found in ${where}.\n`);
  } else {
    const now = new Date();
    const header = ["NAMESPACE", "NAME", "STORE", "READY", "REASON", "LAST SYNC", "ERROR"];
    const table = rows.map((r) => [
      r.namespace,
      r.name,
      r.store.kind === "ClusterSecretStore" ? `ClusterSecretStore/${r.store.name}` : r.store.name,
      r.ready,
      r.reason || "<none>",
      r.lastSync ? formatAge(new Date(r.lastSync), now) : "<never>",
      r.message.replace(/\s*\n\s*/g, " "),
    ]);
    process.stdout.write(formatTable(header, table));
  }
  if (flags.failOnError && rows.some((r) => r.ready !== "True")) process.exitCode = 1;
}

function toRow(es: ExternalSecretLike): ExternalSecretStatusRow {
  const ready = es.status?.conditions?.find((c) => c.type === "Ready");
  const status = ready?.status ?? "Unknown";
  return {
    namespace: es.metadata?.namespace ?? "",
    name: es.metadata?.name ?? "",
    store: { kind: es.spec?.secretStoreRef?.kind || "SecretStore", name: es.spec?.secretStoreRef?.name ?? "" },
    ready: status,
    reason: ready?.reason ?? "",
    message: status === "True" ? "" : (ready?.message ?? ""),
    lastSync: es.status?.refreshTime ?? null,
  };
}
