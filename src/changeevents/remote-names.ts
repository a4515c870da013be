import type { ChangeService } from "./change-event.ts";

/** Where an ARN points: its region and account, and the names the secret or parameter may be known by. */
export interface ArnNames {
  service: ChangeService;
  region: string;
  account: string;
  names: string[];
}

/** Secrets Manager appends a hyphen and six random characters to a secret's name in its full ARN. */
const SECRET_ARN_SUFFIX = /-[A-Za-z0-9]{6}$/;
/** Bounded: ARNs are at most 2048 characters; anything longer is not one. */
const MAX_ARN_LENGTH = 2048;

/**
 * The names behind a Secrets Manager or Parameter Store ARN, or undefined when `value` is not such an ARN.
 * A secret ARN may be full (name plus suffix) or partial (the name alone, which AWS also accepts), and a
 * name may itself end in something that looks like a suffix, so both readings are returned. A parameter ARN
 * drops the leading slash of a hierarchical name (`parameter/a/b` is `/a/b`) but not of a one-level name
 * (`parameter/foo` is `foo`, or `/foo`), so a one-level name gets both readings.
 */
export function namesOfArn(value: string): ArnNames | undefined {
  if (value.length > MAX_ARN_LENGTH || !value.startsWith("arn:")) return undefined;
  const parts = value.split(":");
  if (parts.length < 6) return undefined;
  const [, , service, region, account] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(":");
  if (!region || !account) return undefined;
  if (service === "secretsmanager" && resource.startsWith("secret:")) {
    const name = resource.slice("secret:".length);
    if (!name) return undefined;
    const stripped = name.replace(SECRET_ARN_SUFFIX, "");
    return { service: "SecretsManager", region, account, names: stripped && stripped !== name ? [stripped, name] : [name] };
  }
  if (service === "ssm" && resource.startsWith("parameter/")) {
    const rest = resource.slice("parameter/".length);
    if (!rest) return undefined;
    return { service: "ParameterStore", region, account, names: rest.includes("/") ? [`/${rest}`] : [rest, `/${rest}`] };
  }
  return undefined;
}
