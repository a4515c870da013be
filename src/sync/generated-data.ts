/**
 * The generators an ExternalSecret references, run once per refresh as ESO does (a generator runs at every
 * sync; refreshPolicy decides how often that is): `dataFrom[].sourceRef.generatorRef` and the deprecated
 * `data[].sourceRef.generatorRef`. Their output joins the provider data in resolveRemoteData, so rewrite,
 * templates and the rest apply to it like to provider data.
 */
import type { GeneratorRunner } from "../generators/registry.ts";
import { checkGeneratorRef, type GeneratorRefLike } from "../generators/resolve.ts";
import type { GeneratedData } from "./remote-data.ts";

export interface GeneratorRefsSpec {
  data?: ReadonlyArray<{ sourceRef?: { generatorRef?: GeneratorRefLike | undefined } | undefined }> | undefined;
  dataFrom?: ReadonlyArray<{ sourceRef?: { generatorRef?: GeneratorRefLike | undefined } | undefined }> | undefined;
}

/** A generatorRef that is wrong in the ExternalSecret itself (group, kind): only an edit of it fixes that. */
export class InvalidGeneratorRefError extends Error {
  override readonly name = "InvalidGeneratorRefError";
}

/** A generator failed; the message names the field and the generator, never a value. */
export class GeneratorRunError extends Error {
  override readonly name = "GeneratorRunError";
  override readonly cause: unknown;
  constructor(message: string, cause: unknown) {
    super(message);
    this.cause = cause;
  }
}

export function usesGenerators(spec: GeneratorRefsSpec): boolean {
  return (spec.dataFrom ?? []).some((d) => d.sourceRef?.generatorRef) || (spec.data ?? []).some((d) => d.sourceRef?.generatorRef);
}

/** Every generatorRef's static problems (no API call), as field-path messages: `ferry validate` and the reconciler. */
export function generatorRefProblems(spec: GeneratorRefsSpec): string[] {
  const problems: string[] = [];
  const check = (ref: GeneratorRefLike | undefined, field: string) => {
    if (!ref) return;
    try {
      checkGeneratorRef(ref);
    } catch (err) {
      problems.push(`${field}.sourceRef.generatorRef: ${(err as Error).message}`);
    }
  };
  (spec.dataFrom ?? []).forEach((d, i) => check(d.sourceRef?.generatorRef, `spec.dataFrom[${i}]`));
  (spec.data ?? []).forEach((d, i) => check(d.sourceRef?.generatorRef, `spec.data[${i}]`));
  return problems;
}

/**
 * Runs each referenced generator once, in spec order (ESO runs them in order too; a failure stops the sync
 * before anything is written). `expiresAtMs` is the earliest expiry among the outputs.
 */
export async function runGenerators(spec: GeneratorRefsSpec, namespace: string, runner: GeneratorRunner | undefined, signal?: AbortSignal): Promise<GeneratedData> {
  const problems = generatorRefProblems(spec);
  if (problems.length > 0) throw new InvalidGeneratorRefError(problems.join("; "));
  const dataFrom = new Map<number, Map<string, Uint8Array>>();
  const data = new Map<number, Map<string, Uint8Array>>();
  const generated: GeneratedData = { dataFrom, data };
  if (!usesGenerators(spec)) return generated;
  if (!runner) throw new InvalidGeneratorRefError("generators are not enabled in this controller");
  const run = async (ref: GeneratorRefLike, field: string) => {
    try {
      const out = await runner.run(ref, namespace, signal);
      if (out.expiresAtMs !== undefined) generated.expiresAtMs = Math.min(generated.expiresAtMs ?? Infinity, out.expiresAtMs);
      return out.data;
    } catch (err) {
      // ESO's wording: "error processing spec.dataFrom[0].sourceRef.generatorRef, err: error using generator: …".
      throw new GeneratorRunError(`${field}.sourceRef.generatorRef: error using generator: ${(err as Error).message}`, err);
    }
  };
  for (const [i, d] of (spec.dataFrom ?? []).entries()) {
    if (d.sourceRef?.generatorRef) dataFrom.set(i, await run(d.sourceRef.generatorRef, `spec.dataFrom[${i}]`));
  }
  for (const [i, d] of (spec.data ?? []).entries()) {
    if (d.sourceRef?.generatorRef) data.set(i, await run(d.sourceRef.generatorRef, `spec.data[${i}]`));
  }
  return generated;
}
