import type * as k8s from "@kubernetes/client-node";
import { Informer } from "../runtime/informer.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import type { Logger } from "../runtime/logger.ts";
import { secretView, type SecretView } from "./views.ts";

/**
 * Watches Secrets only in namespaces that have a workload opted in to rollouts (one informer per namespace,
 * started with the first such workload and stopped with the last), and keeps of each Secret its identity and
 * a digest of its data (views.ts), never the data. So memory grows with the number of Secrets in those
 * namespaces, not with the cluster's Secrets or their sizes.
 *
 * `onContentChange` fires only when a Secret's data digest changed: a write that bumps the resourceVersion but
 * not the data (a no-op refresh, a label or annotation edit) is not a change. Creation and deletion are not
 * either (Reloader's defaults, --reload-on-create and --reload-on-delete off): a workload whose Secret is
 * missing is not running on old data, and deleting a Secret does not change what running pods have.
 */
export class SecretDigestWatch {
  readonly #kubeConfig: k8s.KubeConfig;
  readonly #logger: Logger;
  readonly #onContentChange: (secret: SecretView) => void;
  readonly #byNamespace = new Map<string, { informer: Informer<SecretView>; users: Set<string> }>();
  #started = false;

  constructor(options: { kubeConfig: k8s.KubeConfig; logger: Logger; onContentChange: (secret: SecretView) => void }) {
    this.#kubeConfig = options.kubeConfig;
    this.#logger = options.logger;
    this.#onContentChange = options.onContentChange;
  }

  /** `user` (a workload key) needs the Secrets of `namespace` watched. */
  retain(namespace: string, user: string): void {
    let entry = this.#byNamespace.get(namespace);
    if (!entry) {
      const informer = new Informer<SecretView>({
        kubeConfig: this.#kubeConfig,
        path: `/api/v1/namespaces/${namespace}/secrets`,
        transform: (o: KubeObject) => secretView(o),
        logger: this.#logger.child({ informer: `rollout secrets ${namespace}` }),
      });
      informer.addEventHandler({
        update: (before, after) => {
          if (before.digest !== after.digest) this.#onContentChange(after);
        },
      });
      entry = { informer, users: new Set() };
      this.#byNamespace.set(namespace, entry);
      if (this.#started) informer.start();
    }
    entry.users.add(user);
  }

  release(namespace: string, user: string): void {
    const entry = this.#byNamespace.get(namespace);
    if (!entry?.users.delete(user) || entry.users.size > 0) return;
    this.#byNamespace.delete(namespace);
    void entry.informer.stop();
  }

  /** The Secrets of a watched namespace (views only). */
  list(namespace: string): SecretView[] {
    return this.#byNamespace.get(namespace)?.informer.list(namespace) ?? [];
  }

  /** True once the namespace's informer has listed, so its digests are the current ones. */
  synced(namespace: string): boolean {
    return this.#byNamespace.get(namespace)?.informer.hasSynced ?? false;
  }

  start(): void {
    this.#started = true;
    for (const { informer } of this.#byNamespace.values()) informer.start();
  }

  /** Namespaces watched and Secrets cached (for tests and logs). */
  get size(): { namespaces: number; secrets: number } {
    let secrets = 0;
    for (const { informer } of this.#byNamespace.values()) secrets += informer.size;
    return { namespaces: this.#byNamespace.size, secrets };
  }

  async stop(): Promise<void> {
    this.#started = false;
    await Promise.all([...this.#byNamespace.values()].map(({ informer }) => informer.stop()));
    this.#byNamespace.clear();
  }
}
