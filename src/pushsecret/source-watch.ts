import type * as k8s from "@kubernetes/client-node";
import { Informer } from "../runtime/informer.ts";
import type { KubeObject } from "../runtime/list-watcher.ts";
import type { Logger } from "../runtime/logger.ts";

/**
 * Watches the source Secrets of PushSecrets so a change is pushed within seconds (ESO notices it only at
 * the next refreshInterval). Scoped: one informer per namespace that has PushSecrets, started with the
 * first and stopped with the last, and each cached Secret is reduced to its identity and labels (no data,
 * annotations or managedFields), so memory grows with the number of Secrets in those namespaces, never with
 * their contents. Labels are kept for `selector.secret.selector`: a Secret that gains or loses a selected
 * label is a change of what a PushSecret pushes. The reconciler reads a source Secret's data from the API
 * when it pushes.
 */
export class SourceSecretWatch {
  readonly #kubeConfig: k8s.KubeConfig;
  readonly #logger: Logger;
  readonly #onChange: (change: SourceSecretChange) => void;
  readonly #byNamespace = new Map<string, { informer: Informer<KubeObject>; users: Set<string> }>();
  #started = false;

  constructor(options: { kubeConfig: k8s.KubeConfig; logger: Logger; onChange: (change: SourceSecretChange) => void }) {
    this.#kubeConfig = options.kubeConfig;
    this.#logger = options.logger;
    this.#onChange = options.onChange;
  }

  /** `user` (a PushSecret key) needs Secrets of `namespace` watched. */
  retain(namespace: string, user: string): void {
    let entry = this.#byNamespace.get(namespace);
    if (!entry) {
      const informer = new Informer<KubeObject>({
        kubeConfig: this.#kubeConfig,
        path: `/api/v1/namespaces/${namespace}/secrets`,
        transform: identityOnly,
        logger: this.#logger.child({ informer: `source secrets ${namespace}` }),
      });
      const changed = (o: KubeObject, labels: Array<Record<string, string>>) => this.#onChange({ namespace, name: o.metadata?.name ?? "", labels });
      informer.addEventHandler({
        add: (o) => changed(o, [o.metadata?.labels ?? {}]),
        update: (before, after) => {
          // Both label sets: a Secret that stops matching a selector is a change for that PushSecret too.
          if (before.metadata?.resourceVersion !== after.metadata?.resourceVersion) changed(after, [before.metadata?.labels ?? {}, after.metadata?.labels ?? {}]);
        },
        delete: (o) => changed(o, [o.metadata?.labels ?? {}]),
      });
      entry = { informer, users: new Set() };
      this.#byNamespace.set(namespace, entry);
      if (this.#started) informer.start();
    }
    entry.users.add(user);
  }

  release(namespace: string, user: string): void {
    const entry = this.#byNamespace.get(namespace);
    if (!entry) return;
    entry.users.delete(user);
    if (entry.users.size > 0) return;
    this.#byNamespace.delete(namespace);
    void entry.informer.stop();
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

/** A source Secret was added, changed or deleted; `labels`: its label sets before and after. */
export interface SourceSecretChange {
  namespace: string;
  name: string;
  labels: ReadonlyArray<Readonly<Record<string, string>>>;
}

function identityOnly(obj: KubeObject): KubeObject {
  const m = obj.metadata ?? {};
  return { metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, labels: m.labels } } as KubeObject;
}
