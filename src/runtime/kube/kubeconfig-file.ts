import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";
import type { KubeCluster, KubeConfig, KubeContext, KubeUser } from "./kubeconfig.ts";

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
/** Relative file paths in a kubeconfig are relative to the file's directory, as kubectl reads them. */
const path = (v: unknown, dir: string | undefined): string | undefined => {
  const p = str(v);
  return p && dir && !isAbsolute(p) ? join(dir, p) : p;
};

function entries(doc: Fields, list: string, inner: string, source: string): Array<{ name: string; fields: Fields }> {
  const value = doc[list];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`${source}: ${list} is not a list`);
  return value.map((entry: unknown, i) => {
    if (!isObject(entry) || !str(entry.name)) throw new Error(`${source}: ${list}[${i}].name is missing`);
    const fields = entry[inner] ?? {};
    if (!isObject(fields)) throw new Error(`${source}: ${list}[${i}].${inner} is not a map`);
    return { name: entry.name as string, fields };
  });
}

/**
 * A kubeconfig document (YAML or JSON) in the runtime's shape. `dir` resolves relative certificate, key and
 * token file paths. Secrets in it (keys, tokens) are never part of an error message.
 */
export function parseKubeConfig(text: string, options: { source: string; dir?: string | undefined }): KubeConfig {
  const { source, dir } = options;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`${source}: not YAML: ${(err as Error).message.split("\n")[0]}`, { cause: err });
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isObject(doc)) throw new Error(`${source}: not a kubeconfig (a map with clusters, users and contexts)`);
  const clusters: KubeCluster[] = entries(doc, "clusters", "cluster", source).map(({ name, fields: c }, i) => {
    const server = str(c.server);
    if (!server) throw new Error(`${source}: clusters[${i}] (${name}) has no server`);
    return {
      name,
      server: server.replace(/\/+$/, ""),
      caData: str(c["certificate-authority-data"]),
      caFile: path(c["certificate-authority"], dir),
      skipTLSVerify: c["insecure-skip-tls-verify"] === true,
      tlsServerName: str(c["tls-server-name"]),
      proxyUrl: str(c["proxy-url"]),
    };
  });
  const users: KubeUser[] = entries(doc, "users", "user", source).map(({ name, fields: u }) => ({
    name,
    certData: str(u["client-certificate-data"]),
    certFile: path(u["client-certificate"], dir),
    keyData: str(u["client-key-data"]),
    keyFile: path(u["client-key"], dir),
    token: str(u.token),
    tokenFile: path(u.tokenFile, dir),
    username: str(u.username),
    password: str(u.password),
    impersonateUser: str(u.as),
    exec: isObject(u.exec) ? u.exec : undefined,
    authProvider: isObject(u["auth-provider"]) ? u["auth-provider"] : undefined,
  }));
  const contexts: KubeContext[] = entries(doc, "contexts", "context", source).map(({ name, fields: c }) => ({
    name,
    cluster: str(c.cluster) ?? "",
    user: str(c.user) ?? "",
    namespace: str(c.namespace),
  }));
  return { clusters, users, contexts, currentContext: str(doc["current-context"]) ?? "" };
}

/** A kubeconfig file, with its relative paths resolved against its directory. */
export function readKubeConfigFile(file: string): KubeConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`, { cause: err });
  }
  return parseKubeConfig(text, { source: file, dir: dirname(file) });
}

/**
 * Several kubeconfig files as kubectl merges $KUBECONFIG: the first file to define a cluster, user or context
 * (by name) or the current-context wins.
 */
export function mergeKubeConfigs(configs: readonly KubeConfig[]): KubeConfig {
  const byName = <T extends { name: string }>(lists: ReadonlyArray<readonly T[]>): T[] => {
    const out = new Map<string, T>();
    for (const list of lists) for (const item of list) if (!out.has(item.name)) out.set(item.name, item);
    return [...out.values()];
  };
  return {
    clusters: byName(configs.map((c) => c.clusters)),
    users: byName(configs.map((c) => c.users)),
    contexts: byName(configs.map((c) => c.contexts)),
    currentContext: configs.find((c) => c.currentContext)?.currentContext ?? "",
  };
}
