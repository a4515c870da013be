// The shipped template engine is the stub build (tools/template-wasm/build-wasm.sh, stubs/README.md): ESO's
// template package without client-go, controller-runtime and the Kubernetes API types. Its size is what the
// controller's memory pays when a template is rendered (ADR 9: 92 MB of wasm was +250–310 MiB RSS), so it is
// budgeted here in bytes; exactness of the stub build is gotemplate.oracle.test.ts's job.
import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { test } from "node:test";
import { goAvailable } from "../../../tools/oracle/index.ts";
import { templateEngineWasmPath } from "../../../tools/template-wasm/index.ts";

const skip = (await goAvailable()) ? false : "no Go toolchain on PATH";

// 14.1 MB when measured (Go 1.26.8, ESO v0.20.4); the build with ESO's Kubernetes dependencies is 92.0 MB.
const WASM_BUDGET_BYTES = 16_000_000;

test("the wasm engine is built without Kubernetes' client and API types (within its byte budget)", { skip, timeout: 10 * 60_000 }, async () => {
  const { size } = await stat(await templateEngineWasmPath());
  assert.ok(size <= WASM_BUDGET_BYTES, `engine.wasm is ${size} bytes, over the budget of ${WASM_BUDGET_BYTES}: did a dependency bring client-go or API types back? (tools/template-wasm/stubs/README.md)`);
});
