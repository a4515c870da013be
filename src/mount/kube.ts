/**
 * The apiserver reads a mount may need: the ServiceAccount's role annotation (every IRSA mount) and, only
 * when the SecretProviderClass has no region and AWS_REGION is unset, the pod's node and that node's
 * region label (as ASCP). Both are cached: ASCP reads them on every mount and runs into its client-side
 * rate limit when many pods start at once (ASCP #136, #359).
 */
import type { V1Node, V1Pod, V1ServiceAccount } from "@kubernetes/client-node";
import type { Clock } from "../providers/aws/auth/credentials.ts";
import { KubeAccessError } from "../providers/kube-access.ts";
import { kubeStatusCode } from "../runtime/kube/api-error.ts";
import { kubeClient, type KubeClient } from "../runtime/kube/kube-client.ts";
import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import { corePath } from "../runtime/kube/paths.ts";

export interface MountKube {
  serviceAccountAnnotations(namespace: string, name: string): Promise<Readonly<Record<string, string>>>;
  /** `uid` keys the cache: a recreated pod of the same name (StatefulSet) may land elsewhere. */
  podNodeName(namespace: string, name: string, uid?: string): Promise<string>;
  nodeLabels(name: string): Promise<Readonly<Record<string, string>>>;
}

/** MountKube against the apiserver, through the runtime's own Kubernetes client (src/runtime/kube/); uncached. */
export class ApiServerMountKube implements MountKube {
  readonly #kube: KubeClient;

  constructor(kubeConfig: KubeConfig) {
    this.#kube = kubeClient(kubeConfig);
  }

  async serviceAccountAnnotations(namespace: string, name: string): Promise<Readonly<Record<string, string>>> {
    const sa = await this.#kube.get<V1ServiceAccount>(corePath("serviceaccounts", namespace, name)).catch((err: unknown) => {
      throw kubeError(err, `serviceaccount ${namespace}/${name}`);
    });
    return sa.metadata?.annotations ?? {};
  }

  async podNodeName(namespace: string, name: string): Promise<string> {
    const pod = await this.#kube.get<V1Pod>(corePath("pods", namespace, name)).catch((err: unknown) => {
      throw kubeError(err, `pod ${namespace}/${name}`);
    });
    const node = pod.spec?.nodeName;
    if (!node) throw new KubeAccessError("NotFound", `pod ${namespace}/${name}: not scheduled to a node`);
    return node;
  }

  async nodeLabels(name: string): Promise<Readonly<Record<string, string>>> {
    const node = await this.#kube.get<V1Node>(corePath("nodes", undefined, name)).catch((err: unknown) => {
      throw kubeError(err, `node ${name}`);
    });
    return node.metadata?.labels ?? {};
  }
}

/** Only the status reaches the message, never the response body. */
function kubeError(err: unknown, what: string): KubeAccessError {
  const code = kubeStatusCode(err);
  if (code !== undefined) {
    if (code === 404) return new KubeAccessError("NotFound", `${what}: not found`);
    if (code === 401 || code === 403) return new KubeAccessError("Forbidden", `${what}: forbidden (HTTP ${code})`);
    return new KubeAccessError("Unavailable", `${what}: HTTP ${code}`);
  }
  const detail = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.name) : "unknown error";
  return new KubeAccessError("Unavailable", `${what}: ${detail}`);
}

export interface CachingMountKubeOptions {
  /** How long a ServiceAccount's annotations are reused; a changed role annotation is seen after this long. */
  serviceAccountTtlMs: number;
  now: Clock;
  maxEntries?: number;
}

/**
 * Caches what does not change for the life of a mount: ServiceAccount annotations for a while (failures are
 * not cached, so a fixed annotation is picked up on the next mount), a pod's node and a node's labels for
 * good (a pod never moves; a node's region never changes).
 */
export class CachingMountKube implements MountKube {
  readonly #inner: MountKube;
  readonly #ttlMs: number;
  readonly #now: Clock;
  readonly #max: number;
  readonly #serviceAccounts = new Map<string, { at: number; value: Promise<Readonly<Record<string, string>>> }>();
  readonly #podNodes = new Map<string, Promise<string>>();
  readonly #nodes = new Map<string, Promise<Readonly<Record<string, string>>>>();

  constructor(inner: MountKube, options: CachingMountKubeOptions) {
    this.#inner = inner;
    this.#ttlMs = options.serviceAccountTtlMs;
    this.#now = options.now;
    this.#max = options.maxEntries ?? 5000;
  }

  serviceAccountAnnotations(namespace: string, name: string): Promise<Readonly<Record<string, string>>> {
    const key = `${namespace}/${name}`;
    const hit = this.#serviceAccounts.get(key);
    if (hit && this.#now() - hit.at < this.#ttlMs) return hit.value;
    // Concurrent mounts of pods of one ServiceAccount share one read.
    const value = this.#inner.serviceAccountAnnotations(namespace, name);
    remember(this.#serviceAccounts, key, { at: this.#now(), value }, this.#max);
    value.catch(() => this.#serviceAccounts.delete(key));
    return value;
  }

  podNodeName(namespace: string, name: string, uid?: string): Promise<string> {
    // Without a uid the answer cannot be told apart from a recreated pod's: not cached.
    if (!uid) return this.#inner.podNodeName(namespace, name);
    return memo(this.#podNodes, uid, () => this.#inner.podNodeName(namespace, name), this.#max);
  }

  nodeLabels(name: string): Promise<Readonly<Record<string, string>>> {
    return memo(this.#nodes, name, () => this.#inner.nodeLabels(name), this.#max);
  }
}

function memo<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>, max: number): Promise<T> {
  const hit = map.get(key);
  if (hit) return hit;
  const value = load();
  remember(map, key, value, max);
  value.catch(() => map.delete(key));
  return value;
}

function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value!);
}
