/**
 * Generator objects read from the apiserver with one GET per use: generators are referenced rarely and read
 * only when an ExternalSecret or PushSecret runs them, so no informer lists or watches them (RBAC: get only).
 */
import { GENERATOR_PLURALS, GENERATORS_GROUP, GENERATORS_VERSION } from "../apis/generators.ts";
import { describeError } from "../sync/externalsecret/reconciler.ts";
import { isNotFound } from "../runtime/kube/api-error.ts";
import { kubeClient, type KubeClient } from "../runtime/kube/kube-client.ts";
import type { KubeConfig } from "../runtime/kube/kubeconfig.ts";
import { resourcePath } from "../runtime/kube/paths.ts";
import { GeneratorError } from "./errors.ts";
import type { GeneratorObject, GeneratorSource } from "./resolve.ts";

export class KubeGeneratorSource implements GeneratorSource {
  readonly #kube: KubeClient;
  readonly #timeoutMs: number | undefined;

  constructor(kubeConfig: KubeConfig, options: { timeoutMs?: number | undefined } = {}) {
    this.#kube = kubeClient(kubeConfig);
    this.#timeoutMs = options.timeoutMs;
  }

  async get(kind: string, namespace: string | undefined, name: string, signal?: AbortSignal): Promise<GeneratorObject | undefined> {
    const plural = GENERATOR_PLURALS[kind as keyof typeof GENERATOR_PLURALS];
    if (!plural) return undefined;
    try {
      return await this.#kube.get<GeneratorObject>(resourcePath({ group: GENERATORS_GROUP, version: GENERATORS_VERSION, plural, namespace, name }), { signal, timeoutMs: this.#timeoutMs });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw new GeneratorError(`unable to get generator ${kind} ${namespace ? `${namespace}/` : ""}${name}: ${describeError(err)}`);
    }
  }
}
