import { Command, InvalidArgumentError, Option } from "commander";
import { kubeClient } from "../runtime/kube/kube-client.ts";
import { resourcePath } from "../runtime/kube/paths.ts";
import { GROUP, PLURAL_CLUSTER_EXTERNAL_SECRETS, PLURAL_CLUSTER_PUSH_SECRETS, PLURAL_EXTERNAL_SECRETS, PLURAL_PUSH_SECRETS, VERSION_V1, VERSION_V1ALPHA1 } from "../apis/constants.ts";
import { contextNamespace, formatAge, formatTable, kubeErrorMessage, loadKubeConfig, reportErrors, UserError } from "./cli-support.ts";

export interface StatusFlags {
  kubeconfig?: string;
  namespace?: string;
  allNamespaces: boolean;
  output: "table" | "json";
  failOnError: boolean;
  kind?: StatusKind;
}

/** The kinds `ferry status` lists. */
export type StatusKind = "ExternalSecret" | "PushSecret" | "ClusterExternalSecret" | "ClusterPushSecret";

const KIND_ALIASES: Record<string, StatusKind> = {
  es: "ExternalSecret",
  externalsecret: "ExternalSecret",
  externalsecrets: "ExternalSecret",
  ps: "PushSecret",
  pushsecret: "PushSecret",
  pushsecrets: "PushSecret",
  ces: "ClusterExternalSecret",
  clusterexternalsecret: "ClusterExternalSecret",
  clusterexternalsecrets: "ClusterExternalSecret",
  cps: "ClusterPushSecret",
  clusterpushsecret: "ClusterPushSecret",
  clusterpushsecrets: "ClusterPushSecret",
};

function parseKind(value: string): StatusKind {
  const kind = KIND_ALIASES[value.toLowerCase()];
  if (!kind) throw new InvalidArgumentError("must be ExternalSecret (es), PushSecret (ps), ClusterExternalSecret (ces) or ClusterPushSecret (cps).");
  return kind;
}

/** One PushSecret as `ferry status --kind PushSecret` shows it. */
export interface PushSecretStatusRow {
  kind: "PushSecret";
  namespace: string;
  name: string;
  /** The store references, as `name`, `ClusterSecretStore/name` or `selector` (a labelSelector). */
  stores: string[];
  ready: string;
  reason: string;
  message: string;
  lastSync: string | null;
}

/** One ClusterExternalSecret or ClusterPushSecret: its fan-out. */
export interface ClusterFanOutStatusRow {
  kind: "ClusterExternalSecret" | "ClusterPushSecret";
  name: string;
  /** The store of the ExternalSecret spec (ClusterExternalSecret), or the PushSecret spec's store references. */
  stores: string[];
  provisionedNamespaces: string[];
  failedNamespaces: Array<{ namespace: string; reason: string }>;
  ready: string;
  message: string;
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
    .option("--fail-on-error", "exit 1 when any listed object is not Ready", false)
    .option("-k, --kind <kind>", "what to list: ExternalSecret (es, the default), PushSecret (ps), ClusterExternalSecret (ces) or ClusterPushSecret (cps)", parseKind)
    .addHelpText(
      "after",
      "\nClusterExternalSecrets and ClusterPushSecrets are cluster-scoped: -n and -A do not apply to them; their rows" +
        "\nshow the namespaces provisioned and those that failed, with the reason." +
        "\nExit status: 0, or 1 with --fail-on-error when any listed object is not Ready (or on an error reaching the cluster).",
    )
    .action(reportErrors(async (flags: StatusFlags) => runStatus(flags)));
}

export async function runStatus(flags: StatusFlags): Promise<void> {
  const kind = flags.kind ?? "ExternalSecret";
  if (kind === "PushSecret") return runPushSecretStatus(flags);
  if (kind !== "ExternalSecret") return runClusterFanOutStatus(flags, kind);
  const kubeConfig = loadKubeConfig(flags.kubeconfig);
  const kube = kubeClient(kubeConfig);
  const namespace = flags.allNamespaces ? undefined : (flags.namespace ?? contextNamespace(kubeConfig));
  const where = namespace ? `namespace ${namespace}` : "all namespaces";
  let list: { items?: ExternalSecretLike[] };
  try {
    list = await kube.get<{ items?: ExternalSecretLike[] }>(resourcePath({ group: GROUP, version: VERSION_V1, namespace, plural: PLURAL_EXTERNAL_SECRETS }));
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

interface ConditionLike {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface PushSecretLike {
  metadata?: { namespace?: string; name?: string };
  spec?: { secretStoreRefs?: Array<{ name?: string; kind?: string; labelSelector?: unknown }> };
  status?: { refreshTime?: string | null; conditions?: ConditionLike[] };
}

interface ClusterFanOutLike {
  metadata?: { name?: string };
  spec?: {
    externalSecretSpec?: { secretStoreRef?: { name?: string; kind?: string } };
    pushSecretSpec?: PushSecretLike["spec"];
  };
  status?: { provisionedNamespaces?: string[]; failedNamespaces?: Array<{ namespace?: string; reason?: string }>; conditions?: ConditionLike[] };
}

function storeLabel(ref: { name?: string; kind?: string; labelSelector?: unknown }): string {
  if (!ref.name) return "selector";
  return ref.kind === "ClusterSecretStore" ? `ClusterSecretStore/${ref.name}` : ref.name;
}

async function runPushSecretStatus(flags: StatusFlags): Promise<void> {
  const kubeConfig = loadKubeConfig(flags.kubeconfig);
  const kube = kubeClient(kubeConfig);
  const namespace = flags.allNamespaces ? undefined : (flags.namespace ?? contextNamespace(kubeConfig));
  const where = namespace ? `namespace ${namespace}` : "all namespaces";
  let list: { items?: PushSecretLike[] };
  try {
    list = await kube.get<{ items?: PushSecretLike[] }>(resourcePath({ group: GROUP, version: VERSION_V1ALPHA1, namespace, plural: PLURAL_PUSH_SECRETS }));
  } catch (err) {
    throw new UserError(kubeErrorMessage(err, `listing PushSecrets in ${where}`));
  }
  const rows: PushSecretStatusRow[] = (list.items ?? [])
    .map((ps) => {
      const ready = ps.status?.conditions?.find((c) => c.type === "Ready");
      const status = ready?.status ?? "Unknown";
      return {
        kind: "PushSecret" as const,
        namespace: ps.metadata?.namespace ?? "",
        name: ps.metadata?.name ?? "",
        stores: (ps.spec?.secretStoreRefs ?? []).map(storeLabel),
        ready: status,
        reason: ready?.reason ?? "",
        message: status === "True" ? "" : (ready?.message ?? ""),
        lastSync: ps.status?.refreshTime ?? null,
      };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  if (flags.output === "json") process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
  else if (rows.length === 0) process.stderr.write(`No PushSecrets found in ${where}.\n`);
  else {
    const now = new Date();
    const header = ["NAMESPACE", "NAME", "STORES", "READY", "REASON", "LAST SYNC", "ERROR"];
    const table = rows.map((r) => [r.namespace, r.name, r.stores.join(",") || "<none>", r.ready, r.reason || "<none>", r.lastSync ? formatAge(new Date(r.lastSync), now) : "<never>", r.message.replace(/\s*\n\s*/g, " ")]);
    process.stdout.write(formatTable(header, table));
  }
  if (flags.failOnError && rows.some((r) => r.ready !== "True")) process.exitCode = 1;
}

async function runClusterFanOutStatus(flags: StatusFlags, kind: "ClusterExternalSecret" | "ClusterPushSecret"): Promise<void> {
  const kubeConfig = loadKubeConfig(flags.kubeconfig);
  const kube = kubeClient(kubeConfig);
  const plural = kind === "ClusterExternalSecret" ? PLURAL_CLUSTER_EXTERNAL_SECRETS : PLURAL_CLUSTER_PUSH_SECRETS;
  const version = kind === "ClusterExternalSecret" ? VERSION_V1 : VERSION_V1ALPHA1;
  let list: { items?: ClusterFanOutLike[] };
  try {
    list = await kube.get<{ items?: ClusterFanOutLike[] }>(resourcePath({ group: GROUP, version, plural }));
  } catch (err) {
    throw new UserError(kubeErrorMessage(err, `listing ${kind}s`));
  }
  const rows: ClusterFanOutStatusRow[] = (list.items ?? [])
    .map((o) => {
      const ready = o.status?.conditions?.find((c) => c.type === "Ready");
      const status = ready?.status ?? "Unknown";
      const storeRef = o.spec?.externalSecretSpec?.secretStoreRef;
      return {
        kind,
        name: o.metadata?.name ?? "",
        stores: kind === "ClusterExternalSecret" ? (storeRef ? [storeLabel(storeRef)] : []) : (o.spec?.pushSecretSpec?.secretStoreRefs ?? []).map(storeLabel),
        provisionedNamespaces: o.status?.provisionedNamespaces ?? [],
        failedNamespaces: (o.status?.failedNamespaces ?? []).map((f) => ({ namespace: f.namespace ?? "", reason: f.reason ?? "" })),
        ready: status,
        message: status === "True" ? "" : (ready?.message ?? ""),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  if (flags.output === "json") process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
  else if (rows.length === 0) process.stderr.write(`No ${kind}s found.\n`);
  else {
    const header = ["NAME", "STORES", "PROVISIONED", "FAILED", "READY", "ERROR"];
    const table = rows.map((r) => [
      r.name,
      r.stores.join(",") || "<none>",
      String(r.provisionedNamespaces.length),
      String(r.failedNamespaces.length),
      r.ready,
      [r.message, ...r.failedNamespaces.map((f) => `${f.namespace}: ${f.reason}`)].filter(Boolean).join("; ").replace(/\s*\n\s*/g, " "),
    ]);
    process.stdout.write(formatTable(header, table));
  }
  if (flags.failOnError && rows.some((r) => r.ready !== "True")) process.exitCode = 1;
}
