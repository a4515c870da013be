/**
 * What a generator's spec gets wrong, found without generating or calling AWS: `ferry validate` reports these
 * as errors, as the controller would at its first run.
 */
import { CLUSTER_GENERATOR_SPEC_FIELD, GENERATOR_KINDS, type ClusterGenerator, type GeneratorDefinition } from "../apis/generators.ts";
import { drawPassword, passwordPlan } from "./password.ts";

export function generatorSpecProblems(definition: GeneratorDefinition, path = "spec"): string[] {
  const out: string[] = [];
  switch (definition.kind) {
    case "Password":
      try {
        // Deterministic draws: only the rules (counts, pools, bounds) can fail here, not the randomness.
        drawPassword(passwordPlan(definition.spec), () => 0);
      } catch (err) {
        out.push(`${path}: ${(err as Error).message}`);
      }
      break;
    case "ECRAuthorizationToken":
      if (definition.spec.scope === "public") out.push(`${path}.scope: public (ECR Public) is not supported by Ferry yet; omit scope for a private registry token`);
      out.push(...authProblems(definition.spec.auth, path));
      break;
    case "STSSessionToken":
      if (definition.spec.auth?.jwt) out.push(`${path}.auth.jwt: jwt auth cannot be used for STS Session Token generation`);
      out.push(...authProblems(definition.spec.auth, path));
      break;
    case "UUID":
      break;
  }
  return out;
}

function authProblems(auth: { secretRef?: Record<string, { name?: string | undefined; key?: string | undefined } | undefined> | undefined; jwt?: { serviceAccountRef?: { name?: string } | undefined } | undefined } | undefined, path: string): string[] {
  const out: string[] = [];
  if (auth?.secretRef) {
    for (const field of ["accessKeyIDSecretRef", "secretAccessKeySecretRef"]) {
      const ref = auth.secretRef[field];
      if (!ref?.name || !ref.key) out.push(`${path}.auth.secretRef.${field}: Required: name and key`);
    }
  }
  if (auth?.jwt && !auth.jwt.serviceAccountRef?.name) out.push(`${path}.auth.jwt.serviceAccountRef.name: Required`);
  return out;
}

/** A ClusterGenerator: the spec of its kind must be set, the kind must be one Ferry runs, and that spec must hold. */
export function clusterGeneratorProblems(cg: ClusterGenerator): string[] {
  const { kind, generator } = cg.spec;
  const field = CLUSTER_GENERATOR_SPEC_FIELD[kind];
  const spec = (generator as Record<string, unknown>)[field];
  if (spec === undefined) return [`spec.generator: when kind is ${kind}, ${kind}Spec must be set`];
  if (!(GENERATOR_KINDS as readonly string[]).includes(kind)) return [`spec.kind: ${kind} is not supported by Ferry (supported: ${GENERATOR_KINDS.join(", ")})`];
  return generatorSpecProblems({ kind, spec } as GeneratorDefinition, `spec.generator.${field}`);
}
