/**
 * One instance of the engine's wasm module (a WASI reactor built from tools/template-wasm) and the synchronous
 * call into it. Runs inside the engine worker, never on the controller's event loop: a render is CPU work of
 * unbounded length until the worker's deadline ends it.
 */
import { WASI } from "node:wasi";
import type { WireRequest, WireResponse } from "./protocol.ts";

interface EngineExports {
  memory: WebAssembly.Memory;
  ferry_input(size: number): number;
  ferry_call(size: number): number;
  ferry_output(): number;
}

export class WasmInstance {
  readonly #exports: EngineExports;

  private constructor(exports: EngineExports) {
    this.#exports = exports;
  }

  static async instantiate(module: WebAssembly.Module): Promise<WasmInstance> {
    // No preopened directories, no environment, no clock beyond WASI's: the engine reaches nothing outside
    // its own memory. args[0] is needed because Go packages (klog) read os.Args during init.
    const wasi = new WASI({ version: "preview1", args: ["ferry-template-engine"], env: {}, returnOnExit: true });
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject() as WebAssembly.Imports);
    wasi.initialize(instance);
    return new WasmInstance(instance.exports as unknown as EngineExports);
  }

  /** Bytes of linear memory the Go heap has grown to; the worker recycles the instance past a limit. */
  get memoryBytes(): number {
    return this.#exports.memory.buffer.byteLength;
  }

  call(request: WireRequest): WireResponse {
    const input = Buffer.from(JSON.stringify(request), "utf8");
    const e = this.#exports;
    const inPtr = e.ferry_input(input.length);
    new Uint8Array(e.memory.buffer, inPtr, input.length).set(input);
    const outLen = e.ferry_call(input.length);
    const outPtr = e.ferry_output();
    // Copy out before parsing: memory.buffer is replaced whenever the module grows its memory.
    const output = Buffer.from(new Uint8Array(e.memory.buffer, outPtr, outLen)).toString("utf8");
    return JSON.parse(output) as WireResponse;
  }
}
