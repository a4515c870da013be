import { PushSecretReason } from "../../apis/constants.ts";
import { parseDuration } from "../../apis/duration.ts";
import { formatIssues, parseClusterPushSecret } from "../../apis/parse.ts";
import type { ClusterPushSecretStatus } from "../../apis/push-secret.ts";
import { TerminalError, type Request, type ReconcileResult } from "../../runtime/controller.ts";
import type { KubeObject } from "../../runtime/list-watcher.ts";
import { silentLogger, type Logger } from "../../runtime/logger.ts";
import { sameConditions, setCondition, type Condition } from "../../sync/conditions.ts";
import { desiredPushSecret, isOwnedBy, needsUpdate, pushSecretNameOf, selectedNamespaces, type NamespaceInfo } from "./fan-out.ts";

export interface ClusterPushSecretReconcilerDeps {
  getClusterPushSecret(name: string): KubeObject | undefined;
  namespaces(): NamespaceInfo[];
  /** From the PushSecret informer. */
  getPushSecret(namespace: string, name: string): KubeObject | undefined;
  createPushSecret(body: Record<string, unknown>): Promise<void>;
  /** Replaces labels, annotations, owner references and spec (PUT with the resourceVersion read). */
  updatePushSecret(existing: KubeObject, desired: Record<string, unknown>): Promise<void>;
  deletePushSecret(namespace: string, name: string, uid: string): Promise<void>;
  patchStatus(name: string, status: object): Promise<void>;
  logger?: Logger | undefined;
  now?: (() => number) | undefined;
}

/** Re-checked this often without a refreshTime (ESO's default requeue); namespaces are also watched. */
const DEFAULT_REFRESH_MS = 60 * 60_000;

/**
 * One PushSecret per selected namespace, as ESO's ClusterPushSecret controller: created and kept equal to
 * the template with the ClusterPushSecret as controller owner, deleted when its namespace stops matching (or
 * the name changes), never touching a same-named PushSecret someone else made (reported in failedNamespaces).
 * Deleting the ClusterPushSecret deletes its PushSecrets through garbage collection, and each PushSecret's own
 * deletionPolicy decides what happens to the remote secrets.
 */
export class ClusterPushSecretReconciler {
  readonly #deps: ClusterPushSecretReconcilerDeps;
  readonly #logger: Logger;
  readonly #now: () => number;

  constructor(deps: ClusterPushSecretReconcilerDeps) {
    this.#deps = deps;
    this.#logger = deps.logger ?? silentLogger;
    this.#now = deps.now ?? Date.now;
  }

  async reconcile(request: Request): Promise<ReconcileResult> {
    const raw = this.#deps.getClusterPushSecret(request.name);
    if (!raw || raw.metadata?.deletionTimestamp) return {};
    const status = (raw as { status?: ClusterPushSecretStatus }).status;
    const parsed = parseClusterPushSecret({ apiVersion: "external-secrets.io/v1alpha1", kind: "ClusterPushSecret", ...raw });
    if (!parsed.ok) {
      await this.#write(request.name, status, { conditions: this.#condition(status, "False", PushSecretReason.Errored, `invalid ClusterPushSecret: ${formatIssues(parsed.errors)}`) });
      throw new TerminalError(`invalid ClusterPushSecret ${request.name}`);
    }
    const cps = parsed.value;
    const name = pushSecretNameOf(cps);
    const failed = new Map<string, string>();

    // A renamed PushSecret: the old ones go (ESO does the same).
    if (status?.pushSecretName && status.pushSecretName !== name) {
      for (const ns of status.provisionedNamespaces ?? []) await this.#deleteOwned(cps, ns, status.pushSecretName, failed);
    }
    const wanted = selectedNamespaces(cps.spec.namespaceSelectors, this.#deps.namespaces());
    for (const ns of status?.provisionedNamespaces ?? []) {
      if (!wanted.includes(ns) && status?.pushSecretName === name) await this.#deleteOwned(cps, ns, name, failed);
    }

    const provisioned: string[] = [];
    for (const ns of wanted) {
      const desired = desiredPushSecret(cps, ns);
      const existing = this.#deps.getPushSecret(ns, name);
      try {
        if (!existing) await this.#deps.createPushSecret(desired);
        else if (!isOwnedBy(existing as Parameters<typeof isOwnedBy>[0], cps)) {
          failed.set(ns, "push secret already exists in namespace");
          continue;
        } else if (needsUpdate(existing, desired)) await this.#deps.updatePushSecret(existing, desired);
        provisioned.push(ns);
      } catch (err) {
        this.#logger.warn({ clusterPushSecret: request.name, namespace: ns, err: errorMessage(err) }, "could not create or update PushSecret");
        failed.set(ns, `could not create or update push secret: ${errorMessage(err)}`);
      }
    }

    const failedNamespaces = [...failed].sort(([a], [b]) => (a < b ? -1 : 1)).map(([namespace, reason]) => ({ namespace, reason }));
    const conditions =
      failedNamespaces.length === 0
        ? this.#condition(status, "True", PushSecretReason.Synced, "ClusterPushSecret synced successfully")
        : this.#condition(status, "False", PushSecretReason.Errored, `one or more namespaces failed: ${failedNamespaces.map((f) => f.namespace).join(", ")}`);
    await this.#write(request.name, status, { pushSecretName: name, provisionedNamespaces: provisioned, failedNamespaces, conditions });
    const interval = cps.spec.refreshTime ? parseDuration(cps.spec.refreshTime) : DEFAULT_REFRESH_MS;
    return interval > 0 ? { requeueAfterMs: interval } : {};
  }

  async #deleteOwned(cps: Parameters<typeof isOwnedBy>[1], namespace: string, name: string, failed: Map<string, string>): Promise<void> {
    const existing = this.#deps.getPushSecret(namespace, name);
    if (!existing || !isOwnedBy(existing as Parameters<typeof isOwnedBy>[0], cps)) return;
    try {
      await this.#deps.deletePushSecret(namespace, name, existing.metadata?.uid ?? "");
    } catch (err) {
      failed.set(namespace, `push secret in non matching namespace could not be deleted: ${errorMessage(err)}`);
    }
  }

  #condition(status: ClusterPushSecretStatus | undefined, value: "True" | "False", reason: string, message: string): Condition[] {
    return setCondition(status?.conditions, { type: "Ready", status: value, reason, message }, new Date(this.#now()));
  }

  async #write(name: string, before: ClusterPushSecretStatus | undefined, next: Partial<ClusterPushSecretStatus> & { conditions: Condition[] }): Promise<void> {
    const same =
      sameConditions(before?.conditions, next.conditions) &&
      (next.pushSecretName === undefined || next.pushSecretName === before?.pushSecretName) &&
      (next.provisionedNamespaces === undefined || JSON.stringify(next.provisionedNamespaces) === JSON.stringify(before?.provisionedNamespaces ?? [])) &&
      (next.failedNamespaces === undefined || JSON.stringify(next.failedNamespaces) === JSON.stringify(before?.failedNamespaces ?? []));
    if (same) return;
    await this.#deps.patchStatus(name, next);
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
