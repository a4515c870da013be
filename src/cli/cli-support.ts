/**
 * What the user-facing commands (status, validate, get, render) share: kubeconfig loading, reading manifests
 * from files, directories or stdin, and turning failures into one `error: …` line and exit code 1 instead
 * of a stack trace.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { KubeApiError } from "../runtime/kube/api-error.ts";
import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import { loadKubeConfig as loadKubeConfigFrom } from "../runtime/kube/load-kubeconfig.ts";

export { contextNamespace } from "../runtime/kube/kubeconfig.ts";

/** A failure the user can act on: its message is printed as is, without a stack trace. */
export class UserError extends Error {
  override name = "UserError";
}

/**
 * The kubeconfig kubectl would use (the file, else $KUBECONFIG, ~/.kube/config, then in-cluster), for the
 * runtime's own client: client-node is not loaded (ADR 13) unless the user authenticates through an exec
 * plugin or auth provider.
 */
export function loadKubeConfig(path: string | undefined): KubeConfig {
  try {
    return loadKubeConfigFrom(path);
  } catch (err) {
    throw new UserError(`cannot load kubeconfig${path ? ` ${path}` : ""}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A Kubernetes API failure in one line: the HTTP status and the apiserver's own message (Status.message),
 * never the response headers or body.
 */
export function kubeErrorMessage(err: unknown, what: string): string {
  if (err instanceof KubeApiError) return `${what}: HTTP ${err.statusCode}${err.statusMessage ? `: ${err.statusMessage}` : ""}`;
  const e = err as NodeJS.ErrnoException;
  return `${what}: ${e?.code ?? e?.message ?? String(err)}`;
}

/**
 * Runs an action and reports a failure as `error: <message>` with exit code 1. Every error is reported by
 * its message only: a stack trace helps nobody running a CLI, and messages here carry no secret values.
 */
export function reportErrors<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (err) {
      const message = err instanceof Error ? err.message || err.name : String(err);
      process.stderr.write(`error: ${message}\n`);
      process.exitCode = 1;
    }
  };
}

/**
 * reportErrors for the long-running entry points (controller, webhook, csi-provider): a startup failure is
 * one `error:` line and exit code 1, at once, since servers started before the failure would keep the
 * process alive.
 */
export function reportStartupErrors<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    await reportErrors(action)(...args);
    if (process.exitCode === 1) process.exit(1);
  };
}

export interface InputDocument {
  /** The file name as given (or `<stdin>`). */
  source: string;
  text: string;
}

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

/** The contents of `-f` arguments: a file, every .yaml/.yml/.json file of a directory (sorted), or `-` for stdin. */
export function readInputs(paths: readonly string[]): InputDocument[] {
  const out: InputDocument[] = [];
  for (const path of paths) {
    if (path === "-") {
      out.push({ source: "<stdin>", text: readFileSync(0, "utf8") });
      continue;
    }
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new UserError(`${path}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      const files = readdirSync(path)
        .filter((f) => MANIFEST_EXTENSIONS.test(f))
        .sort();
      for (const f of files) out.push({ source: join(path, f), text: readFileSync(join(path, f), "utf8") });
    } else {
      out.push({ source: path, text: readFileSync(path, "utf8") });
    }
  }
  return out;
}

/** `-f` may be repeated. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** An age as kubectl prints it: 45s, 12m, 5h, 3d (two units while short, e.g. 2m30s, 3h12m). */
export function formatAge(from: Date, now: Date): string {
  let s = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  s %= 60;
  if (m < 10) return s === 0 ? `${m}m` : `${m}m${s}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return `${d}d`;
}

/** Left-aligned columns separated by three spaces, as kubectl. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("   ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}
