/**
 * ESO's controller flags (cmd/controller/root.go, plus the provider and template flag sets it registers
 * through runtime/feature), so an ESO user's arguments keep working on `ferry controller`: each is the same
 * as Ferry's, an alias of Ferry's, accepted because Ferry already behaves as the value asks, or refused with
 * the reason — never silently dropped. The table also renders the flag table in docs/migrating-from-eso.md.
 *
 * Flags are parsed as pflag parses them: `--name=value`, `--name value` (non-boolean), `--name` alone for a
 * boolean (true), booleans in Go's ParseBool spelling.
 */
import { parseDuration } from "../apis/duration.ts";

export type EsoFlagType = "bool" | "string" | "int" | "float" | "duration";

/** What an ESO flag becomes: Ferry arguments, or the reason Ferry cannot honour this value. */
export type Translation = { args: string[] } | { refused: string };

export interface EsoFlag {
  name: string;
  type: EsoFlagType;
  esoDefault: string;
  /** "same": Ferry has this flag; "alias": another Ferry flag; "accepted": Ferry already behaves so; "refused". */
  ferry: "same" | "alias" | "accepted" | "refused";
  /** The Ferry flag or behaviour, for the docs table. */
  ferryEquivalent: string;
  translate(value: string): Translation;
}

const ok = (...args: string[]): Translation => ({ args });
const refused = (reason: string): Translation => ({ refused: reason });

/** Go's strconv.ParseBool, as pflag parses boolean flags. */
export function parseGoBool(value: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
}

/** A boolean ESO flag that Ferry honours only at one value (its fixed behaviour). */
function fixedBool(name: string, esoDefault: boolean, ferryValue: boolean, behaviour: string, otherwise: string): EsoFlag {
  return {
    name,
    type: "bool",
    esoDefault: String(esoDefault),
    ferry: "accepted",
    ferryEquivalent: `${ferryValue} only: ${behaviour}`,
    translate: (v) => (parseGoBool(v) === ferryValue ? ok() : refused(otherwise)),
  };
}

/** An ESO flag for a kind or feature Ferry does not have: any value changes nothing Ferry serves. */
function vacuous(name: string, type: EsoFlagType, esoDefault: string, why: string): EsoFlag {
  return { name, type, esoDefault, ferry: "accepted", ferryEquivalent: `no effect: ${why}`, translate: () => ok() };
}

/** A string ESO flag Ferry honours only at ESO's default. */
function fixedString(name: string, esoDefault: string, behaviour: string, otherwise: string): EsoFlag {
  return { name, type: "string", esoDefault, ferry: "accepted", ferryEquivalent: `\`${esoDefault}\` only: ${behaviour}`, translate: (v) => (v === esoDefault ? ok() : refused(otherwise)) };
}

const ZAP_TIME_ENCODINGS = ["epoch", "millis", "nano", "iso8601", "rfc3339", "rfc3339nano"];
const ZAP_LEVELS: Readonly<Record<string, string>> = { debug: "debug", info: "info", warn: "warn", error: "error", dpanic: "error", panic: "error", fatal: "error" };

export const ESO_CONTROLLER_FLAGS: readonly EsoFlag[] = [
  {
    name: "concurrent",
    type: "int",
    esoDefault: "1",
    ferry: "alias",
    ferryEquivalent: "`--concurrency` (Ferry's default is 32)",
    translate: (v) => ok(`--concurrency=${v}`),
  },
  {
    name: "enable-leader-election",
    type: "bool",
    esoDefault: "false",
    ferry: "alias",
    ferryEquivalent: "`--leader-elect`",
    translate: (v) => (parseGoBool(v) ? ok("--leader-elect") : ok()),
  },
  {
    name: "loglevel",
    type: "string",
    esoDefault: "info",
    ferry: "alias",
    ferryEquivalent: "`--log-level` (dpanic, panic and fatal log errors only)",
    translate: (v) => (ZAP_LEVELS[v] ? ok(`--log-level=${ZAP_LEVELS[v]}`) : refused(`must be one of ${Object.keys(ZAP_LEVELS).join(", ")}`)),
  },
  {
    name: "zap-time-encoding",
    type: "string",
    esoDefault: "epoch",
    ferry: "alias",
    ferryEquivalent: "`--log-time-format`",
    translate: (v) => (ZAP_TIME_ENCODINGS.includes(v) ? ok(`--log-time-format=${v}`) : refused(`must be one of ${ZAP_TIME_ENCODINGS.join(", ")}`)),
  },
  {
    name: "metrics-addr",
    type: "string",
    esoDefault: ":8080",
    ferry: "same",
    ferryEquivalent: "`--metrics-addr` (metrics also stay on `--health-addr`)",
    translate: (v) => ok(`--metrics-addr=${v}`),
  },
  {
    name: "live-addr",
    type: "string",
    esoDefault: ":8082",
    ferry: "alias",
    ferryEquivalent: "`--health-addr` (/healthz, /readyz)",
    translate: (v) => ok(`--health-addr=${v}`),
  },
  {
    name: "namespace",
    type: "string",
    esoDefault: "",
    ferry: "same",
    ferryEquivalent: "`--namespace`",
    translate: (v) => (v === "" ? ok() : ok(`--namespace=${v}`)),
  },
  {
    name: "store-requeue-interval",
    type: "duration",
    esoDefault: "5m0s",
    ferry: "same",
    ferryEquivalent: "`--store-requeue-interval`",
    translate: (v) => ok(`--store-requeue-interval=${v}`),
  },
  fixedBool("enable-flood-gate", true, true, "an ExternalSecret whose store is Ready=False always fails fast", "Ferry always fails fast on a store that is Ready=False (ESO's flood gate); it cannot be turned off"),
  {
    name: "controller-class",
    type: "string",
    esoDefault: "default",
    ferry: "refused",
    ferryEquivalent: "refused unless `default`: one Ferry serves every store",
    translate: (v) => (v === "default" ? ok() : refused("Ferry does not shard stores by controller class (spec.controller); run one Ferry per cluster")),
  },
  {
    name: "client-qps",
    type: "float",
    esoDefault: "50",
    ferry: "refused",
    ferryEquivalent: "refused: Ferry's Kubernetes client is not rate-limited on the client side",
    translate: () => refused("Ferry's Kubernetes client has no client-side rate limit to set (it watches instead of polling); remove the flag"),
  },
  {
    name: "client-burst",
    type: "int",
    esoDefault: "100",
    ferry: "refused",
    ferryEquivalent: "refused: as `--client-qps`",
    translate: () => refused("Ferry's Kubernetes client has no client-side rate limit to set (it watches instead of polling); remove the flag"),
  },
  fixedBool("enable-cluster-store-reconciler", true, true, "ClusterSecretStores are always served", "Ferry always serves ClusterSecretStores; restrict who may use one with its spec.conditions"),
  {
    name: "enable-cluster-external-secret-reconciler",
    type: "bool",
    esoDefault: "true",
    ferry: "same",
    ferryEquivalent: "`--enable-cluster-external-secret-reconciler` (chart: `controller.processClusterExternalSecret`)",
    translate: (v) => ok(`--enable-cluster-external-secret-reconciler=${String(parseGoBool(v))}`),
  },
  fixedBool("enable-push-secret-reconciler", true, true, "PushSecrets are always served", "Ferry always serves PushSecrets; do not create any if they are unwanted"),
  fixedBool("enable-cluster-push-secret-reconciler", true, true, "ClusterPushSecrets are always served (cluster-wide mode)", "Ferry always serves ClusterPushSecrets; do not create any if they are unwanted"),
  vacuous("enable-generator-state", "bool", "true", "Ferry's generators keep no state: ECR, STS, Password and UUID need no cleanup"),
  vacuous("generator-gc-grace-period", "duration", "2m0s", "Ferry's generators keep no state: ECR, STS, Password and UUID need no cleanup"),
  fixedString("template-left-delimiter", "{{", "templates use Go's default delimiters", "custom template delimiters are not supported by Ferry yet"),
  fixedString("template-right-delimiter", "}}", "templates use Go's default delimiters", "custom template delimiters are not supported by Ferry yet"),
  vacuous("experimental-enable-aws-session-cache", "bool", "false", "a no-op in ESO too; Ferry always caches credentials"),
  vacuous("experimental-enable-vault-token-cache", "bool", "false", "Ferry has no Vault provider"),
  vacuous("experimental-vault-token-cache-size", "int", "262144", "Ferry has no Vault provider"),
  fixedBool("enable-secrets-caching", false, false, "only managed Secrets are cached", "Ferry caches only the Secrets it manages; caching every Secret is the memory cost ESO users hit (ESO #2837)"),
  fixedBool("enable-configmaps-caching", false, false, "no ConfigMap is read", "Ferry reads no ConfigMaps (no templates)"),
  fixedBool("enable-managed-secrets-caching", true, true, "managed Secrets are always cached", "Ferry always caches the Secrets it manages"),
  fixedBool("enable-extended-metric-labels", false, false, "metrics carry ESO's default labels", "Ferry does not add app.kubernetes.io labels to metrics"),
  fixedBool("enable-http2", false, false, "the metrics server speaks HTTP/1.1", "Ferry's metrics server speaks HTTP/1.1 only"),
  fixedBool("metrics-secure", false, false, "metrics are served over HTTP", "Ferry serves metrics over HTTP only; put TLS in front (a ServiceMonitor over a mesh, kube-rbac-proxy)"),
  vacuous("metrics-cert-dir", "string", "", "used only with --metrics-secure, which Ferry refuses"),
  vacuous("metrics-cert-name", "string", "tls.crt", "used only with --metrics-secure, which Ferry refuses"),
  vacuous("metrics-key-name", "string", "tls.key", "used only with --metrics-secure, which Ferry refuses"),
];

const BY_NAME = new Map(ESO_CONTROLLER_FLAGS.map((f) => [f.name, f]));

/** Checks an ESO flag's value as pflag would before Ferry looks at it. */
function typeProblem(flag: EsoFlag, value: string): string | undefined {
  switch (flag.type) {
    case "bool":
      return parseGoBool(value) === undefined ? `invalid boolean ${JSON.stringify(value)}` : undefined;
    case "int":
      return /^[-+]?\d+$/.test(value) ? undefined : `invalid integer ${JSON.stringify(value)}`;
    case "float":
      return Number.isNaN(Number(value)) || value.trim() === "" ? `invalid number ${JSON.stringify(value)}` : undefined;
    case "duration":
      try {
        parseDuration(value);
        return undefined;
      } catch {
        return `invalid duration ${JSON.stringify(value)} (a Go duration such as 5m)`;
      }
    default:
      return undefined;
  }
}

/**
 * Rewrites ESO's controller flags in `argv` into Ferry's; everything else passes through for Ferry's own
 * parser (which refuses what it does not know). Returns every refusal, so one start-up error lists them all.
 */
export function translateEsoControllerArgs(argv: readonly string[]): { args: string[]; errors: string[] } {
  const args: string[] = [];
  const errors: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(arg);
    const flag = match ? BY_NAME.get(match[1]!) : undefined;
    if (!match || !flag) {
      args.push(arg);
      continue;
    }
    let value = match[2];
    if (value === undefined) {
      if (flag.type === "bool") value = "true";
      else if (i + 1 < argv.length) value = argv[++i]!;
      else {
        errors.push(`--${flag.name} (ESO flag): needs a value`);
        continue;
      }
    }
    const problem = typeProblem(flag, value);
    if (problem) {
      errors.push(`--${flag.name} (ESO flag): ${problem}`);
      continue;
    }
    const translated = flag.translate(value);
    if ("refused" in translated) errors.push(`--${flag.name}=${value} (ESO flag) cannot be honoured: ${translated.refused}`);
    else args.push(...translated.args);
  }
  return { args, errors };
}

/** The Markdown table of ESO's controller flags for docs/migrating-from-eso.md. */
export function renderEsoFlagTable(): string {
  const label = { same: "same", alias: "alias", accepted: "accepted", refused: "refused" };
  const rows = ESO_CONTROLLER_FLAGS.map((f) => `| \`--${f.name}\` | \`${f.esoDefault === "" ? '""' : f.esoDefault}\` | ${label[f.ferry]} | ${f.ferryEquivalent} |`);
  return ["| ESO flag | ESO default | in Ferry | Ferry's flag or behaviour |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
