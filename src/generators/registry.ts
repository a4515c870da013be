/**
 * Runs the generator a `generatorRef` names, for a referrer in `namespace`: resolves it (resolve.ts), then
 * dispatches to the kind's implementation. One instance per controller process; the AWS kinds share the
 * credential and client cache of aws-clients.ts.
 */
import { randomInt } from "node:crypto";
import type { GeneratorDefinition } from "../apis/generators.ts";
import type { AwsGeneratorClients } from "./aws-clients.ts";
import { generateEcrToken } from "./ecr.ts";
import type { Generated } from "./generated.ts";
import { generatePassword, type RandomInt } from "./password.ts";
import { resolveGenerator, type GeneratorRefLike, type GeneratorSource, type ResolvedGenerator } from "./resolve.ts";
import { generateStsSessionToken } from "./sts.ts";
import { generateUuid } from "./uuid.ts";

export interface GeneratorRunner {
  run(ref: GeneratorRefLike, namespace: string, signal?: AbortSignal): Promise<Generated>;
}

export interface GeneratorRegistryOptions {
  source: GeneratorSource;
  aws: AwsGeneratorClients;
  /** node:crypto randomInt by default: a CSPRNG, uniform without modulo bias. */
  randomInt?: RandomInt | undefined;
  randomUuid?: (() => string) | undefined;
}

export class GeneratorRegistry implements GeneratorRunner {
  readonly #options: GeneratorRegistryOptions;

  constructor(options: GeneratorRegistryOptions) {
    this.#options = options;
  }

  async run(ref: GeneratorRefLike, namespace: string, signal?: AbortSignal): Promise<Generated> {
    const resolved = await resolveGenerator(ref, namespace, this.#options.source, signal);
    return this.generate(resolved, namespace, signal);
  }

  async generate({ identity, definition }: ResolvedGenerator, namespace: string, signal?: AbortSignal): Promise<Generated> {
    const d: GeneratorDefinition = definition;
    switch (d.kind) {
      case "Password":
        return { data: new Map([["password", generatePassword(d.spec, this.#options.randomInt ?? ((max) => randomInt(max)))]]) };
      case "UUID":
        return generateUuid(this.#options.randomUuid);
      case "ECRAuthorizationToken":
        return generateEcrToken(this.#options.aws, identity, d.spec, namespace, signal);
      case "STSSessionToken":
        return generateStsSessionToken(this.#options.aws, identity, d.spec, namespace, signal);
    }
  }

  close(): void {
    this.#options.aws.close();
  }
}
