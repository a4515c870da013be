/**
 * Generator objects read from the apiserver with one GET per use: generators are referenced rarely and read
 * only when an ExternalSecret or PushSecret runs them, so no informer lists or watches them (RBAC: get only).
 */
import * as k8s from "@kubernetes/client-node";
import { GENERATOR_PLURALS, GENERATORS_GROUP, GENERATORS_VERSION } from "../apis/generators.ts";
import { describeError } from "../sync/externalsecret/reconciler.ts";
import { kubeCallOptions } from "../runtime/kube-call.ts";
import { GeneratorError } from "./errors.ts";
import type { GeneratorObject, GeneratorSource } from "./resolve.ts";

export class KubeGeneratorSource implements GeneratorSource {
  readonly #custom: k8s.CustomObjectsApi;
  readonly #timeoutMs: number | undefined;

  constructor(kubeConfig: k8s.KubeConfig, options: { timeoutMs?: number | undefined } = {}) {
    this.#custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
    this.#timeoutMs = options.timeoutMs;
  }

  async get(kind: string, namespace: string | undefined, name: string, signal?: AbortSignal): Promise<GeneratorObject | undefined> {
    const plural = GENERATOR_PLURALS[kind as keyof typeof GENERATOR_PLURALS];
    if (!plural) return undefined;
    const options = kubeCallOptions({ signal, timeoutMs: this.#timeoutMs });
    try {
      const obj: unknown = namespace
        ? await this.#custom.getNamespacedCustomObject({ group: GENERATORS_GROUP, version: GENERATORS_VERSION, namespace, plural, name }, options)
        : await this.#custom.getClusterCustomObject({ group: GENERATORS_GROUP, version: GENERATORS_VERSION, plural, name }, options);
      return obj as GeneratorObject;
    } catch (err) {
      if (err instanceof k8s.ApiException && err.code === 404) return undefined;
      throw new GeneratorError(`unable to get generator ${kind} ${namespace ? `${namespace}/` : ""}${name}: ${describeError(err)}`);
    }
  }
}
