// The same function cases and generated templates as gotemplate.oracle.test.ts, this time against ESO
// *unmodified*: tools/oracle runs ESO's own template application (templating.Parser with the engine
// EngineForVersion("v2") returns and ESO's function map exactly as ESO ships it), while Ferry's engine is
// ESO's Execute with the changes in tools/template-wasm/funcs.go. gotemplate.oracle.test.ts proves the wasm
// path equals the native build of Ferry's engine; this proves Ferry's engine equals ESO's except where
// funcs.go says it does not, so every difference from ESO is an explained one (ADR 9).
import assert from "node:assert/strict";
import { test } from "node:test";
import { goAvailable, runOracle, type OracleRequest, type OracleResponse } from "../../../tools/oracle/index.ts";
import { runNativeEngine } from "../../../tools/template-wasm/index.ts";
import { builtinCases, functionCaseData, functionCases } from "./function-cases.ts";
import { generatedFuzzCases } from "./fuzz-cases.ts";
import { toBase64, type WireRequest, type WireResponse } from "./protocol.ts";
import type { TemplateScope, TemplateTarget } from "./template-engine.ts";

const skip = (await goAvailable()) ? false : "no Go toolchain on PATH";
const GENERATED = 3000;

interface Case {
  template: string;
  data: Record<string, Uint8Array>;
  scope: TemplateScope;
  target: TemplateTarget;
  varies?: boolean;
}

/**
 * Why a difference from unmodified ESO is expected, by the change in funcs.go behind it; undefined when the
 * difference is unexplained. The bounds are explained only when Ferry's answer is the bound's error.
 */
function explanation(c: Case, ferry: Comparable): string | undefined {
  if (/\bgetHostByName\b/.test(c.template)) return "getHostByName removed (newer ESO removed it too)";
  if (/\bsha512sum\b/.test(c.template)) return "sha512sum added (from newer ESO's sprig)";
  if (/\bcertSANs\b/.test(c.template)) return "certSANs added (from newer ESO's pem.go)";
  if (/\bfromProperties\b/.test(c.template)) return "fromProperties added (from newer ESO's properties.go)";
  if (/\bfilterPEM\b/.test(c.template)) return "filterPEM trims text before the first BEGIN line (newer ESO; golang/go#76124)";
  if (ferry.error !== undefined && /result longer than \d+ bytes|more than \d+ (elements|bytes)|longer than \d+ characters/.test(ferry.error)) return "size bound on repeat/until/untilStep/seq/rand*";
  return undefined;
}

interface Comparable {
  error?: string;
  out?: Record<string, string>;
}

/**
 * The template as ESO's ExternalSecret carries it: a Values template is template.data / metadata.labels /
 * metadata.annotations["k"]; a KeysAndValues template is a templateFrom literal with the target (ESO keys it
 * by its own text, so error texts name it that way on both sides).
 */
function esoTemplate(c: Case): unknown {
  if (c.scope === "KeysAndValues") return { engineVersion: "v2", templateFrom: [{ literal: c.template, target: c.target }] };
  if (c.target === "Data") return { engineVersion: "v2", data: { k: c.template } };
  return { engineVersion: "v2", metadata: { [c.target === "Labels" ? "labels" : "annotations"]: { k: c.template } } };
}

function oracleRequest(c: Case): OracleRequest {
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.data)) data[k] = toBase64(v);
  return { op: "applyTemplate", apply: { template: esoTemplate(c), data } };
}

function ferryRequest(c: Case): WireRequest {
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.data)) data[k] = toBase64(v);
  const name = c.scope === "KeysAndValues" ? c.template : "k";
  return { op: "execute", steps: [{ scope: c.scope, target: c.target, templates: { [name]: toBase64(c.template) } }], data, secret: {}, maxOutputBytes: 4 * 1024 * 1024 };
}

type Maybe = Record<string, string> | null | undefined;
const projection = (c: Case, parts: { data?: Maybe; labels?: Maybe; annotations?: Maybe }) =>
  (c.target === "Data" ? parts.data : c.target === "Labels" ? parts.labels : parts.annotations) ?? {};

function fromEso(c: Case, r: OracleResponse): Comparable {
  // ESO's MergeMap wraps template.data/metadata errors; templateFrom errors are Execute's own.
  if (r.error !== undefined) return { error: r.error.replace(/^could not execute template: /, "") };
  return { out: projection(c, JSON.parse(r.out ?? "{}") as Record<string, Record<string, string>>) };
}

function fromFerry(c: Case, r: WireResponse): Comparable {
  if (r.error !== undefined) return { error: r.error };
  return { out: projection(c, r.secret ?? {}) };
}

/**
 * Cases not sent to ESO: getSecretKey (it reads the cluster with the controller's client, which the oracle has
 * none of; Ferry refuses it) and the size bounds' own cases (`randAlpha 1000000000`: unbounded ESO allocates
 * gigabytes — that is why Ferry bounds them; template-engine.test.ts checks the bounds' errors).
 */
const notSent = (c: Case) =>
  /\bgetSecretKey\b/.test(c.template) || /\b(repeat|randAlphaNum|randAlpha|randAscii|randNumeric|randBytes|seq|until|untilStep)\b[^}]*\d{7,}/.test(c.template);

async function differences(cases: readonly Case[]) {
  const sent = cases.filter((c) => !notSent(c));
  const [eso, ferry] = await Promise.all([runOracle(sent.map(oracleRequest)), runNativeEngine(sent.map(ferryRequest))]);
  const unexplained: string[] = [];
  const explained = new Map<string, number>();
  let esoErrors = 0;
  for (const [i, c] of sent.entries()) {
    const e = fromEso(c, eso[i]!);
    const f = fromFerry(c, ferry[i]!);
    if (e.error !== undefined) esoErrors++;
    const same = c.varies ? (e.error === undefined) === (f.error === undefined) : JSON.stringify(e) === JSON.stringify(f);
    if (same) continue;
    const why = explanation(c, f);
    if (why) explained.set(why, (explained.get(why) ?? 0) + 1);
    else unexplained.push(`${JSON.stringify(c.template)} (${c.scope}/${c.target}):\n  eso:   ${JSON.stringify(e)}\n  ferry: ${JSON.stringify(f)}`);
  }
  return { sent: sent.length, skipped: cases.length - sent.length, esoErrors, unexplained, explained: Object.fromEntries(explained) };
}

test("every function case against ESO unmodified: differences only where funcs.go changes ESO", { skip, timeout: 10 * 60_000 }, async (t) => {
  const cases: Case[] = [...functionCases, ...builtinCases].map((c) => ({ template: c.template, data: functionCaseData, scope: "Values", target: "Data", varies: c.varies === true }));
  const r = await differences(cases);
  t.diagnostic(`${r.sent} function cases compared with ESO (${r.esoErrors} of them errors in ESO), ${r.skipped} not sent (getSecretKey, size bounds); explained differences: ${JSON.stringify(r.explained)}`);
  assert.deepEqual(r.unexplained, []);
  // The comparison sees real differences: v0.20.4 has no sha512sum, so ESO fails where Ferry renders.
  assert.ok((r.explained["sha512sum added (from newer ESO's sprig)"] ?? 0) > 0);
  assert.ok(r.esoErrors < r.sent / 4, `most function cases render (${r.esoErrors} of ${r.sent} are errors)`);
});

test(`${GENERATED} generated templates against ESO unmodified: no unexplained difference in output or error`, { skip, timeout: 20 * 60_000 }, async (t) => {
  const r = await differences(generatedFuzzCases(GENERATED));
  t.diagnostic(`${r.sent} generated templates compared with ESO (${r.esoErrors} of them errors in ESO); explained differences: ${JSON.stringify(r.explained)}`);
  assert.ok(r.esoErrors > r.sent * 0.1 && r.esoErrors < r.sent * 0.9, `both outcomes are exercised: ${r.esoErrors} of ${r.sent} are errors`);
  assert.deepEqual(r.unexplained.slice(0, 10), [], `${r.unexplained.length} of ${r.sent} differ without an explanation`);
});
