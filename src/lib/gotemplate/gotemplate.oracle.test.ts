// Differential test of the production path — ESO's template package compiled to wasm, called through
// TemplateEngine — against the same Go code built natively (tools/template-wasm). Every function in the
// engine's map and 3,000 generated templates go through both; output bytes and (redacted) error text must
// be identical. The native side is ESO's v2.Execute itself, so this is also the check against ESO.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { goAvailable } from "../../../tools/oracle/index.ts";
import { runNativeEngine, templateEngineWasmPath } from "../../../tools/template-wasm/index.ts";
import { builtinCases, functionCaseData, functionCases, type FunctionCase } from "./function-cases.ts";
import { generatedFuzzCases, type FuzzCase } from "./fuzz-cases.ts";
import { fromBase64, toBase64, type WireRequest, type WireResponse } from "./protocol.ts";
import { redactValues } from "./redact.ts";
import { TemplateEngine, type ExecuteOutcome, type TemplateScope, type TemplateTarget } from "./template-engine.ts";

const skip = (await goAvailable()) ? false : "no Go toolchain on PATH";
const GENERATED = 3000;

let engine: TemplateEngine;
before(async () => {
  if (skip) return;
  // Generous deadline: the machine is shared, and a timeout here would be a false difference.
  engine = new TemplateEngine({ wasmPath: await templateEngineWasmPath(), deadlineMs: 60_000 });
}, { timeout: 30 * 60_000 });
after(() => engine?.close());

function request(template: string, data: Record<string, Uint8Array>, scope: TemplateScope, target: TemplateTarget): WireRequest {
  const wireData: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) wireData[k] = toBase64(v);
  return { op: "execute", steps: [{ scope, target, templates: { k: toBase64(template) } }], data: wireData, secret: {}, maxOutputBytes: 4 * 1024 * 1024 };
}

interface Comparable {
  error?: string;
  data?: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function fromNative(r: WireResponse, data: Record<string, Uint8Array>): Comparable {
  if (r.error !== undefined) return { error: redactValues(r.error, Object.values(data)) };
  return { data: r.secret?.data ?? {}, labels: r.secret?.labels ?? {}, annotations: r.secret?.annotations ?? {} };
}

function fromWasm(o: ExecuteOutcome): Comparable {
  if (!o.ok) return { error: o.failure.message };
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.parts.data)) data[k] = toBase64(v);
  return { data, labels: o.parts.labels, annotations: o.parts.annotations };
}

async function compare(cases: readonly (FunctionCase | FuzzCase)[], dataOf: (c: FunctionCase | FuzzCase) => Record<string, Uint8Array>) {
  const scopeOf = (c: FunctionCase | FuzzCase) => ("scope" in c ? c.scope : "Values");
  const targetOf = (c: FunctionCase | FuzzCase) => ("target" in c ? c.target : "Data");
  const native = await runNativeEngine(cases.map((c) => request(c.template, dataOf(c), scopeOf(c), targetOf(c))));
  const differences: string[] = [];
  for (const [i, c] of cases.entries()) {
    const data = dataOf(c);
    const wasm = fromWasm(await engine.execute([{ scope: scopeOf(c), target: targetOf(c), templates: { k: c.template } }], data));
    const go = fromNative(native[i]!, data);
    if ("varies" in c && c.varies) {
      if ((go.error === undefined) !== (wasm.error === undefined)) differences.push(`${JSON.stringify(c.template)}: error/no-error differs: go=${go.error} wasm=${wasm.error}`);
      continue;
    }
    try {
      assert.deepEqual(wasm, go);
    } catch {
      differences.push(`${JSON.stringify(c.template)}:\n  go:   ${JSON.stringify(go)}\n  wasm: ${JSON.stringify(wasm)}`);
    }
  }
  return differences;
}

test("every function in ESO's list (and Go's builtins) renders identically through the wasm path", { skip, timeout: 10 * 60_000 }, async () => {
  const differences = await compare([...functionCases, ...builtinCases], () => functionCaseData);
  assert.deepEqual(differences, []);
});

test("every function in the engine's map has a case, and the map is ESO's", { skip }, async () => {
  const names = await engine.functions();
  const covered = new Set(functionCases.flatMap((c) => c.functions));
  assert.deepEqual(names.filter((n) => !covered.has(n)), []);
  // ESO's own functions (pkg/template/v2/template.go) are all there; env/expandenv are removed by ESO, and
  // getHostByName is gone as in ESO's newer sprig fork; sha512sum comes from that newer fork, certSANs and fromProperties from newer ESO.
  for (const own of ["pkcs12key", "pkcs12keyPass", "pkcs12cert", "pkcs12certPass", "pemToPkcs12", "pemToPkcs12Pass", "fullPemToPkcs12", "fullPemToPkcs12Pass", "pemTruststoreToPKCS12", "pemTruststoreToPKCS12Pass", "filterPEM", "filterCertChain", "jwkPublicKeyPem", "jwkPrivateKeyPem", "toYaml", "fromYaml", "getSecretKey", "rsaDecrypt", "sha512sum", "certSANs", "fromProperties"]) {
    assert.ok(names.includes(own), own);
  }
  for (const gone of ["env", "expandenv", "getHostByName"]) assert.ok(!names.includes(gone), gone);
  assert.equal(names.length, 228);
});

test(`${GENERATED} generated templates render identically through the wasm path`, { skip, timeout: 20 * 60_000 }, async () => {
  const cases = generatedFuzzCases(GENERATED);
  const differences = await compare(cases, (c) => (c as FuzzCase).data);
  assert.deepEqual(differences.slice(0, 10), [], `${differences.length} of ${GENERATED} differ`);
  // The set must exercise both outcomes substantially, or it proves little.
  const native = await runNativeEngine(cases.map((c) => request(c.template, c.data, c.scope, c.target)));
  const errors = native.filter((r) => r.error !== undefined).length;
  assert.ok(errors > GENERATED * 0.1 && errors < GENERATED * 0.9, `${errors} of ${GENERATED} are errors`);
});

test("bytes that are not UTF-8 survive the wasm boundary exactly", { skip }, async () => {
  const raw = new Uint8Array([0, 0xff, 0xfe, 0x80, 0x41]);
  const out = await engine.execute([{ scope: "Values", target: "Data", templates: { k: "{{ .raw }}" } }], { raw });
  assert.ok(out.ok);
  assert.deepEqual(out.parts.data.k, raw);
  assert.deepEqual(fromBase64(toBase64(raw)), raw);
});
