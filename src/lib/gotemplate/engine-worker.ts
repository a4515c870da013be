/**
 * Worker-thread entry of the template engine: owns one wasm instance and answers requests one at a time.
 * The parent terminates this thread when a render passes its deadline, which is the only way to stop a Go
 * template that loops; nothing here needs to cooperate with that.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { WireRequest, WireResponse } from "./protocol.ts";

// node:wasi announces itself as experimental when loaded. The engine uses none of its experimental surface
// (no preopens, no environment), and the line would only confuse operators reading the controller's log.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === "string" ? warning : warning.message;
  if (text.startsWith("WASI is an experimental feature")) return;
  (emitWarning as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
});
const { WasmInstance } = await import("./wasm-instance.ts");

export interface WorkerInit {
  module: WebAssembly.Module;
  maxMemoryBytes: number;
}

export interface WorkerCall {
  id: number;
  request: WireRequest;
}

export type WorkerMessage =
  | { kind: "ready" }
  | { kind: "failed"; error: string }
  | { kind: "result"; id: number; response: WireResponse; recycle: boolean }
  | { kind: "crashed"; id: number; error: string };

const port = parentPort;
if (!port) throw new Error("engine-worker.ts must run in a worker thread");
const init = workerData as WorkerInit;

try {
  const instance = await WasmInstance.instantiate(init.module);
  port.on("message", (call: WorkerCall) => {
    let message: WorkerMessage;
    try {
      const response = instance.call(call.request);
      message = { kind: "result", id: call.id, response, recycle: instance.memoryBytes > init.maxMemoryBytes };
    } catch (err) {
      // A trap (Go runtime fatal error such as out of memory) leaves the instance unusable.
      message = { kind: "crashed", id: call.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(message);
  });
  port.postMessage({ kind: "ready" } satisfies WorkerMessage);
} catch (err) {
  port.postMessage({ kind: "failed", error: err instanceof Error ? err.message : String(err) } satisfies WorkerMessage);
}
